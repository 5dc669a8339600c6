"""Self-identification rows for a candidate (FAIR-1), for worlds built elsewhere (the retention world: erasure,
export and the graph's every-kind-is-found test must meet them)."""

from accounts.models import Membership
from fairness import services
from fairness.models import SelfIdentificationCategory
from interview_analyzer.roles import Role


def self_identification_rows_for(candidate) -> None:
    """The candidate's separate consent and one answer in the organization's gender category, which an admin of
    the organization enables here if it is not yet."""
    admin = Membership.objects.filter(organization_id=candidate.organization_id, role=Role.ADMIN).first()
    services.suggest_categories(actor=admin)
    gender = SelfIdentificationCategory.objects.visible_to(admin).get(name="Gender")
    if not gender.enabled:
        options = [option.label for option in gender.options.filter(active=True)]
        services.save_category(actor=admin, category=gender, name="Gender", enabled=True, options=options)
    option = gender.options.filter(active=True).first()
    services.answer(candidate=candidate, consent_given=True, answers={gender.public_id: option.public_id})
