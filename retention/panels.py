"""Retention's panels on hiring's pages (``interview_analyzer.page_panels``), registered by ``RetentionConfig``:
"Data expiring soon" on the dashboard (RET-2, RET-3) and the candidate's retention card — "Deleted on …", the
period, the per-candidate override (RET-1) and the "Erase candidate" button (RET-6)."""

from django.conf import settings
from django.urls import reverse

from interview_analyzer.page_panels import register_panel
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import first_rows_and_total
from retention.forms import CandidatePeriodForm
from retention.selectors import clock_of, expiring_soon

DASHBOARD_EXPIRING = 8


def expiring_panel(request, _obj=None) -> dict:
    """The soonest clocks and how many there are: one query while the list is short (it is then all of them), a
    count of the (organization, delete_after) index range only when the list is full (``first_rows_and_total``)."""
    expiring = expiring_soon(request.member)
    clocks, total = first_rows_and_total(
        expiring.only("delete_after", "candidate__public_id", "candidate__name", "candidate__hiring__title"),
        DASHBOARD_EXPIRING,
        of=expiring,
    )
    rows = [
        {
            "candidate": clock.candidate,
            "expires_at": clock.delete_after,
            "url": reverse("hiring:candidate_detail", args=[clock.candidate.public_id]),
        }
        for clock in clocks
    ]
    return {"expiring": rows, "expiring_count": total, "warning_days": settings.RETENTION_WARNING_DAYS}


def candidate_card(request, candidate) -> dict:
    member = request.member
    clock = clock_of(member, candidate)
    may_act = member.has_role(Role.RECRUITER)
    override = clock.override_days if clock else None
    return {
        "candidate": candidate,
        "clock": clock,
        "delete_after": clock.delete_after if clock else None,
        "organization_days": member.organization.retention_days,
        "override_days": override,
        "may_act": may_act,
        "period_form": (
            getattr(request, "retention_period_form", None) or CandidatePeriodForm(initial={"days": override})
        )
        if may_act
        else None,
    }


def settings_nav(request, _obj=None) -> dict | None:
    """Retention's entries in the organization settings menu (admins: the pages are theirs)."""
    if not request.member.has_role(Role.ADMIN):
        return None
    match = request.resolver_match
    return {"current": match.url_name if match and match.app_name == "retention" else ""}


def register() -> None:
    register_panel(
        "hiring.dashboard",
        name="data_expiring_soon",
        template="retention/_dashboard_expiring.html",
        context=expiring_panel,
        order=10,
    )
    register_panel(
        "accounts.settings_nav", name="retention", template="retention/_settings_nav.html", context=settings_nav
    )
    register_panel(
        "hiring.candidate_detail",
        name="retention",
        template="retention/_candidate_card.html",
        context=candidate_card,
        order=150,  # below consent's card
    )
