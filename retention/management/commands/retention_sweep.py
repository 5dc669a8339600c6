"""``python manage.py retention_sweep [--dry-run]``: one retention sweep by hand (RET-8), printing what it did."""

from django.core.management.base import BaseCommand

from retention import sweep


class Command(BaseCommand):
    help = (
        "Run one retention sweep now: finish pending storage deletions, erase withdrawn and expired candidates, "
        "send expiry warnings. --dry-run only counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what the sweep would do; change nothing.")

    def handle(self, *args, dry_run=False, **options):
        report = sweep.run(dry_run=dry_run)
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        for line in report.lines():
            self.stdout.write(line)
        for record in report.records:
            self.stdout.write(f"Deletion record: {record}")
