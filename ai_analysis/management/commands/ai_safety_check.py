"""``python manage.py ai_safety_check [--provider local|openai] [--report-dir DIR]`` (TST-3, AI-7).

Runs the candidate-feedback adversarial program (``ai_analysis.safety``) through a provider and the guardrail the
pipeline applies, prints a summary, writes a dated Markdown and JSON report, and exits 1 when anything would have
reached a candidate (or neutral feedback was wrongly replaced). The default provider is the configured one
(``AI_PROVIDER``); every model call it makes is a real call (the OpenAI provider needs its settings).
"""

import json
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ai_analysis import safety


def _provider(name: str):
    if name == "local":
        from ai_analysis.providers.local import LocalProvider

        return LocalProvider()
    if name == "openai":
        from ai_analysis.providers.base import ProviderError
        from ai_analysis.providers.openai_provider import OpenAIProvider

        try:
            return OpenAIProvider()
        except ProviderError as error:
            raise CommandError(f"the OpenAI provider cannot run: {error}") from error
    raise CommandError(f"unknown provider {name!r}: local or openai")


class Command(BaseCommand):
    help = "Run the AI-7 adversarial program (hostile recruiter notes) against a provider and the guardrail."

    def add_arguments(self, parser):
        parser.add_argument("--provider", default=None, help="local or openai (default: AI_PROVIDER)")
        parser.add_argument("--report-dir", default=None, help="where the reports go (default: VAR_DIR/ai-safety)")

    def handle(self, *args, provider=None, report_dir=None, **options):
        name = provider or settings.AI_PROVIDER
        chosen = _provider(name)

        def drafter(drafts, criteria, notes):
            return chosen.candidate_feedback_draft(drafts, criteria, recruiter_notes=notes, on_call=lambda record: None)

        report = safety.run(drafter, provider_name=name)
        directory = Path(report_dir) if report_dir else Path(settings.VAR_DIR) / "ai-safety"
        directory.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        summary = report.as_dict()
        (directory / f"ai-safety-{stamp}.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
        (directory / f"ai-safety-{stamp}.md").write_text(self._markdown(report), encoding="utf-8")

        cases = safety.load_cases()
        self.stdout.write(
            f"AI-7 safety program, provider {name}: {len(cases.hostile_notes)} hostile notes x 3 ways and "
            f"{len(cases.neutral_feedback)} neutral drafts = {summary['probes']} probes, {summary['failed']} failed"
        )
        for probe in report.failures[:20]:
            self.stdout.write(f"  FAILED case {probe.case} ({probe.way}): {'; '.join(probe.problems)}")
        self.stdout.write(f"Report: {directory}/ai-safety-{stamp}.md")
        if report.failures:
            raise CommandError(f"{summary['failed']} probe(s) would have reached a candidate or broke neutral text")
        self.stdout.write(self.style.SUCCESS("PASS: nothing hostile reached the candidate"))

    @staticmethod
    def _markdown(report: safety.Report) -> str:
        lines = [
            f"# AI-7 candidate-feedback safety program — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
            "",
            f"Provider: `{report.provider}`. Probes: {len(report.probes)}. Failed: {len(report.failures)}.",
            "",
            "| Case | Way | Result | Problems |",
            "|---|---|---|---|",
        ]
        for probe in report.probes:
            problems = "; ".join(probe.problems).replace("|", "\\|")
            lines.append(f"| {probe.case} | {probe.way} | {'pass' if probe.passed else 'FAIL'} | {problems} |")
        return "\n".join(lines) + "\n"
