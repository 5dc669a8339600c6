"""Demo organizations and people for ``seed_demo``: idempotent; the passwords are public by design."""

from accounts import legal
from accounts.models import DpaAcceptance, Organization
from accounts.services import accept_current_dpa, ensure_membership, ensure_user
from interview_analyzer.roles import ROLE_ORDER, Role

# Acme is on a plan with API keys, Globex on the free plan, so both sides of plan gating can be seen. The plans are
# codes of billing's plan catalogue (``billing.plans``).
DEMO_ORGANIZATIONS = [
    ("Acme Recruiting", "acme.example", "business"),
    ("Globex Talent", "globex.example", "free"),
]


def demo_password(domain: str, role: str) -> str:
    """Public, documented demo passwords: memorable and accepted by the password validators."""
    return f"{domain.split('.')[0].capitalize()}-{role.replace('_', '-')}-demo-2026"


def seed_accounts() -> list[dict]:
    logins = []
    for name, domain, plan in DEMO_ORGANIZATIONS:
        organization = Organization.objects.filter(name=name).order_by("pk").first()
        if organization is None:
            organization = Organization.objects.create(name=name, plan=plan, privacy_contact_email=f"privacy@{domain}")
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
