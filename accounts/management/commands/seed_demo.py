"""``manage.py seed_demo [--json]``: a living demo on the embedded default.

Idempotent: running it again changes nothing that is already there. It refuses to run in production, because its
passwords are printed and public. Each domain adds its demo data through ``SEED_STEPS`` below.
"""

import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts import legal
from accounts.models import DpaAcceptance, Organization, Plan
from accounts.roles import ROLE_ORDER, Role
from accounts.services import accept_current_dpa, ensure_membership, ensure_user

# Acme is on a plan with API keys, Globex on the free plan, so both sides of plan gating can be seen.
DEMO_ORGANIZATIONS = [
    ("Acme Recruiting", "acme.example", Plan.BUSINESS),
    ("Globex Talent", "globex.example", Plan.FREE),
]


def demo_password(domain: str, role: str) -> str:
    """Public, documented demo passwords: memorable and accepted by the password validators."""
    return f"{domain.split('.')[0].capitalize()}-{role.replace('_', '-')}-demo-2026"


def seed_accounts() -> list[dict]:
    logins = []
    for name, domain, plan in DEMO_ORGANIZATIONS:
        organization = Organization.objects.filter(name=name).order_by("pk").first()
        if organization is None:
            organization = Organization.objects.create(name=name, plan=plan)
        elif organization.plan != plan:
            organization.plan = plan
            organization.save(update_fields=["plan"])
        admin = None
        for role in reversed(ROLE_ORDER):
            email = f"{role.value.replace('_', '.')}@{domain}"
            password = demo_password(domain, role.value)
            full_name = f"{role.label} ({name.split()[0]})"
            user = ensure_user(email=email, password=password, full_name=full_name, verified=True)
            membership = ensure_membership(organization=organization, user=user, role=role)
            admin = membership if role == Role.ADMIN else admin
            logins.append({"organization": name, "role": role.value, "email": email, "password": password})
        latest = DpaAcceptance.objects.latest_for(organization)
        if latest is None or latest.version != legal.CURRENT_DPA_VERSION:
            accept_current_dpa(actor=admin)
    return logins


# Later domains append their seed functions; each takes no arguments and is idempotent.
SEED_STEPS = []


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
