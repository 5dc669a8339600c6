"""``manage.py seed_demo [--json]``: a living demo on the embedded default.

Idempotent: running it again changes nothing that is already there. It refuses to run in production, because its
passwords are printed and public. Each domain adds its demo data through ``SEED_STEPS`` below.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.demo import seed_accounts
from ai_analysis.demo import seed_analysis
from consent.demo import seed_consent
from hiring.demo import seed_hiring, seed_pipeline

# Each domain's demo data, in dependency order; each step is idempotent. Candidates come in through consent's
# intake (CON-1), so hiring's pipeline (stages, interviews, decisions) follows it.
SEED_STEPS = [seed_hiring, seed_consent, seed_pipeline, seed_analysis]


class Command(BaseCommand):
    help = "Create (or refresh) the demo organizations, users and data. Refuses to run in production."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the demo logins as JSON.")

    def handle(self, *args, **options):
        if settings.IS_PRODUCTION:
            raise CommandError("seed_demo refuses to run with DJANGO_ENV=production: its passwords are public.")
        with transaction.atomic():
            logins = seed_accounts()
            for step in SEED_STEPS:
                step()
        if options["json"]:
            self.stdout.write(json.dumps(logins, indent=2))
            return
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Sign in at /accounts/login/ with:"))
        current = None
        for login in logins:
            if login["organization"] != current:
                current = login["organization"]
                self.stdout.write(f"\n  {current}")
            self.stdout.write(f"    {login['role']:<15} {login['email']:<32} {login['password']}")
        self.stdout.write("")
