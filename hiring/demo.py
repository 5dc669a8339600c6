"""Demo data of the hiring domain for ``seed_demo``: idempotent, through the same services people use."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Membership, Organization
from hiring import services
from hiring.models import Candidate, Decision, Hiring, Stage
from interview_analyzer.roles import Role

DEMO_ORGANIZATIONS = ["Acme Recruiting", "Globex Talent"]

HIRINGS = [
    {
        "title": "Senior backend engineer",
        "description": "<p>Own our <strong>interview pipeline APIs</strong> end to end: design, build, run.</p>"
        "<ul><li>Python and Django</li><li>PostgreSQL</li><li>Queues and background jobs</li></ul>",
        "criteria": [
            (
                "System design",
                "Designs services that stay simple and correct under load.",
                "Names trade-offs, failure modes and how they would measure them.",
                3,
                ["How would you design a resumable upload for one-hour recordings?"],
            ),
            (
                "Collaboration",
                "Works through disagreement towards a shared decision.",
                "Describes a concrete disagreement, what they did and what changed.",
                2,
                ["Tell me about a design decision you disagreed with."],
            ),
            (
                "Data protection",
                "Treats personal data with care by default.",
                "Mentions minimisation, retention and access control unprompted.",
                2,
                [],
            ),
        ],
        "candidates": [
            ("Maria Lindqvist", "applied"),
            ("Jonas Berg", "screening"),
            ("Amira Haddad", "interview"),
            ("Lukas Novak", "offer"),
            ("Sofia Rossi", "interview"),
        ],
    },
    {
        "title": "Customer success manager",
        "description": "<p>Help recruiting teams get value from structured interviews.</p>",
        "criteria": [
            (
                "Customer empathy",
                "Understands what the customer is trying to achieve.",
                "Retells a customer's goal in their words before proposing anything.",
                3,
                [],
            ),
            (
                "Clear writing",
                "Explains complex things simply.",
                "Gives an example of documentation or an email that changed an outcome.",
                2,
                [],
            ),
        ],
        "candidates": [("Noah Eriksson", "applied"), ("Elin Dahl", "screening"), ("Oskar Holm", "applied")],
    },
]


def demo_organizations():
    return Organization.objects.filter(name__in=DEMO_ORGANIZATIONS)


def demo_members(organization) -> dict:
    return {m.role: m for m in Membership.objects.active().filter(organization=organization)}


def demo_owner(organization, index: int) -> Membership:
    """Who owns the demo hiring at ``index`` (and adds its candidates): the hiring manager the first, else the
    recruiter."""
    members = demo_members(organization)
    return members[Role.HIRING_MANAGER] if index == 0 else members[Role.RECRUITER]


def demo_email(organization, name: str) -> str:
    domain = "acme" if organization.name.startswith("Acme") else "globex"
    return f"{name.split()[0].lower()}.{domain}@candidates.example"


def seed_hiring() -> None:
    """Hirings with their criteria and interview kit. Candidates come in through consent's intake (CON-1)."""
    for organization in demo_organizations():
        for index, spec in enumerate(HIRINGS):
            if Hiring.objects.for_operators().filter(organization=organization, title=spec["title"]).exists():
                continue
            owner = demo_owner(organization, index)
            hiring = services.create_hiring(
                actor=owner,
                title=spec["title"],
                description=spec["description"],
                interview_language=Hiring.Language.ENGLISH,
            )
            for name, description, evidence, weight, questions in spec["criteria"]:
                criterion = services.add_criterion(
                    actor=owner,
                    hiring=hiring,
                    name=name,
                    description=description,
                    good_evidence=evidence,
                    weight=weight,
                    anchor_1="No relevant evidence",
                    anchor_3="Solid, with examples",
                    anchor_5="Exceptional, with measured results",
                )
                for question in questions:
                    services.add_question(actor=owner, criterion=criterion, text=question)


def seed_pipeline() -> None:
    """Where the demo candidates stand: stages, interviews and a decision (after consent's intake added them)."""
    for organization in demo_organizations():
        members = demo_members(organization)
        for index, spec in enumerate(HIRINGS):
            hiring = Hiring.objects.for_operators().filter(organization=organization, title=spec["title"]).first()
            if hiring is None:
                continue
            owner = demo_owner(organization, index)
            for number, (name, stage) in enumerate(spec["candidates"]):
                candidate = Candidate.objects.for_operators().filter(hiring=hiring, name=name).first()
                if candidate is None or candidate.interviews.exists() or candidate.stage != Stage.APPLIED:
                    continue
                if stage in (Stage.SCREENING, Stage.OFFER):
                    services.update_candidate(actor=owner, candidate=candidate, stage=stage)
                if stage == Stage.INTERVIEW or (index == 0 and number == 2):
                    services.schedule_interview(
                        actor=owner,
                        candidate=candidate,
                        interviewer=members[Role.INTERVIEWER],
                        scheduled_at=timezone.now() + timedelta(days=number + 1, hours=2),
                    )
        _seed_decision(organization, members[Role.RECRUITER])


def _seed_decision(organization, recruiter) -> None:
    candidate = Candidate.objects.for_operators().filter(organization=organization, name="Oskar Holm").first()
    if candidate is not None and not candidate.decisions.exists():
        services.record_decision(
            actor=recruiter,
            candidate=candidate,
            outcome=Decision.Outcome.REJECTED,
            reason="The role needs Swedish and English at work level; the application was English only.",
        )
