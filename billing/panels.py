"""Billing's panel on hiring's candidate page: the candidate's email address bounces or complained (INT-2).

Billing stands below hiring and imports nothing of it: the panel is registered through the floor-0 registry
(``interview_analyzer.page_panels``) and reads only the page object's ``email``. It shows that consent links and
retention warnings sent to that address do not arrive, so a recruiter can ask the candidate for another one.
"""

from billing.email_events import undeliverable
from interview_analyzer.page_panels import register_panel


def undeliverable_notice(request, candidate) -> dict | None:
    marked = undeliverable(getattr(candidate, "email", "") or "")
    return {"marked": marked} if marked is not None else None


def register() -> None:
    register_panel(
        "hiring.candidate_detail",
        name="billing_undeliverable",
        template="billing/_undeliverable_panel.html",
        context=undeliverable_notice,
        order=5,
    )
