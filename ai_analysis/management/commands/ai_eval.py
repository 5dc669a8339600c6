"""``manage.py ai_eval [--golden PATH] [--min-agreement 0.8] [--min-recall R] [--json]``: the configured provider
against the golden set.

PATH is one golden JSON file or a directory (every ``*.json`` below it, sorted). The figures are reported per
interview and pooled over all of them: evidence recall, no-evidence precision, invented evidence, score agreement and
the overall agreement (see ``ai_analysis.evaluation``). ``--json`` prints one JSON document for machines instead.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from ai_analysis import evaluation
from ai_analysis.providers import provider_for
from ai_analysis.providers.base import ProviderError


def _figure(ratio: evaluation.Ratio) -> str:
    value = "n/a " if ratio.value is None else f"{ratio.value:.2f}"
    return f"{value} ({ratio.hits}/{ratio.total})"


def _figures(report) -> dict:
    return {
        "evidence_recall": report.evidence_recall.as_dict(),
        "no_evidence_precision": report.no_evidence_precision.as_dict(),
        "invented_evidence": len(report.invented),
        "score_agreement": report.score_agreement.as_dict(),
        "agreement": report.checks.as_dict(),
    }


def as_json(result: evaluation.SetReport, first: evaluation.Report) -> dict:
    return {
        "provider": first.provider,
        "model": first.model,
        "prompt_version": first.prompt_version,
        "interviews": [
            {
                "name": report.name,
                "description": report.description,
                **_figures(report),
                "invented_quotes": report.invented,
                "criteria": [
                    {
                        "key": r.key,
                        "name": r.name,
                        "score": r.score,
                        "quotes": r.quotes,
                        "expected_evidence": r.expected_evidence,
                        "claimed_evidence": r.claimed_evidence,
                        "correct_quote": r.correct_quote,
                        "score_in_range": r.score_in_range,
                        "invented_quotes": r.invented,
                        "checks": r.checks,
                    }
                    for r in report.results
                ],
            }
            for report in result.reports
        ],
        "overall": {"interviews": len(result.reports), **_figures(result), "invented_quotes": result.invented},
    }


class Command(BaseCommand):
    help = (
        "Score the golden interviews with the configured AI provider and report agreement with the expected evidence."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--golden",
            default=str(evaluation.GOLDEN),
            help="A golden-set JSON file, or a directory: every *.json below it, in sorted order.",
        )
        parser.add_argument(
            "--min-agreement", type=float, default=0.8, help="Exit with an error below this overall share (0–1)."
        )
        parser.add_argument(
            "--min-recall",
            type=float,
            default=None,
            help="Exit with an error below this overall evidence recall (0–1).",
        )
        parser.add_argument("--json", action="store_true", help="Print the report as one JSON document.")

    def handle(self, *args, golden, min_agreement, min_recall, json: bool = False, **options):
        try:
            result = evaluation.evaluate_paths(provider_for(None), golden)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise CommandError(f"The golden set could not be read: {error}") from error
        except ProviderError as error:
            raise CommandError(f"The provider failed: {error.reason}") from error
        first = result.reports[0]
        if json:
            self.stdout.write(_json_dumps(as_json(result, first)))
        else:
            self._write_text(result, first)
        if result.agreement < min_agreement:
            raise CommandError(f"Agreement {result.agreement:.0%} is below the required {min_agreement:.0%}.")
        recall = result.evidence_recall.value
        if min_recall is not None and (recall or 0.0) < min_recall:
            raise CommandError(f"Evidence recall {recall or 0.0:.0%} is below the required {min_recall:.0%}.")

    def _write_text(self, result: evaluation.SetReport, first: evaluation.Report) -> None:
        self.stdout.write(f"provider {first.provider} · model {first.model} · prompt {first.prompt_version}")
        for report in result.reports:
            if len(result.reports) > 1:
                self.stdout.write(f"\n== {report.name}" + (f" — {report.description}" if report.description else ""))
            for r in report.results:
                self.stdout.write(f"\n{r.name}: score {r.score if r.score is not None else '—'}")
                for quote in r.quotes:
                    self.stdout.write(f"    “{quote}”")
                for quote in r.invented:
                    self.stdout.write(f"  [INVENTED] “{quote}”")
                for check, ok in r.checks.items():
                    self.stdout.write(f"  [{'ok' if ok else 'MISS'}] {check}")
            if len(result.reports) > 1:
                self.stdout.write("\n" + self._summary(report, indent="  "))
        label = f"overall · {len(result.reports)} interview{'s' if len(result.reports) != 1 else ''}"
        self.stdout.write(f"\n{label}\n" + self._summary(result, indent="  "))
        checks = result.checks
        self.stdout.write(f"\nagreement {result.agreement:.0%} ({checks.hits}/{checks.total} checks)")

    @staticmethod
    def _summary(report, *, indent: str) -> str:
        return "\n".join(
            [
                f"{indent}evidence recall        {_figure(report.evidence_recall)}",
                f"{indent}no-evidence precision  {_figure(report.no_evidence_precision)}",
                f"{indent}invented evidence      {len(report.invented)}",
                f"{indent}score agreement        {_figure(report.score_agreement)}",
                f"{indent}agreement              {_figure(report.checks)}",
            ]
        )


def _json_dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
