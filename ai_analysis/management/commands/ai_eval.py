"""``manage.py ai_eval [--golden FILE] [--min-agreement 0.8]``: the configured provider against the golden set."""

from django.core.management.base import BaseCommand, CommandError

from ai_analysis import evaluation
from ai_analysis.providers import provider_for
from ai_analysis.providers.base import ProviderError


class Command(BaseCommand):
    help = "Score the golden interview with the configured AI provider and report agreement with the expected evidence."

    def add_arguments(self, parser):
        parser.add_argument("--golden", default=str(evaluation.GOLDEN), help="A golden-set JSON file.")
        parser.add_argument(
            "--min-agreement", type=float, default=0.8, help="Exit with an error below this share (0–1)."
        )

    def handle(self, *args, golden, min_agreement, **options):
        try:
            report = evaluation.evaluate(provider_for(None), evaluation.load(golden))
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"The golden set could not be read: {error}") from error
        except ProviderError as error:
            raise CommandError(f"The provider failed: {error.reason}") from error
        self.stdout.write(f"provider {report.provider} · model {report.model} · prompt {report.prompt_version}")
        for result in report.results:
            self.stdout.write(f"\n{result.name}: score {result.score if result.score is not None else '—'}")
            for quote in result.quotes:
                self.stdout.write(f"    “{quote}”")
            for check, ok in result.checks.items():
                self.stdout.write(f"  [{'ok' if ok else 'MISS'}] {check}")
        passed = sum(ok for r in report.results for ok in r.checks.values())
        total = sum(len(r.checks) for r in report.results)
        self.stdout.write(f"\nagreement {report.agreement:.0%} ({passed}/{total} checks)")
        if report.agreement < min_agreement:
            raise CommandError(f"Agreement {report.agreement:.0%} is below the required {min_agreement:.0%}.")
