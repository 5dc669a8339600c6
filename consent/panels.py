"""Consent's panels on hiring's pages (``interview_analyzer.page_panels``): the consent card on the candidate page
(the status line on an interviewer's), the status column of the candidate list and "Consents pending" on the dashboard
(CON-6). Each is a selector over ``visible_to(member)`` and a template of consent's own; ``ConsentConfig.ready``
registers them."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consent.models import ConsentRequest, ConsentStatus
from interview_analyzer.page_panels import register_column, register_panel
from interview_analyzer.tenancy import bounded, counts_for

DASHBOARD_CONSENTS = 8


def candidate_card(request, candidate) -> dict:
    """The candidate's consent with its history, for the candidate page (hiring managers and up)."""
    consent = (
        ConsentRequest.objects.visible_to(request.member)
        .filter(candidate=candidate)
        .prefetch_related("events__actor__user")
        .first()
    )
    return {"consent": consent}


def candidate_line(request, candidate) -> dict:
    """The consent status alone, for the interviewer's reduced candidate page (ORG-4): nothing is recorded without
    it (CON-4)."""
    return {"consent": ConsentRequest.objects.visible_to(request.member).filter(candidate=candidate).first()}


def status_cells(request, candidates) -> dict:
    """Each listed candidate's consent status, for the candidate list's "Consent" column: one query per page."""
    consents = ConsentRequest.objects.visible_to(request.member).filter(candidate__in=[c.pk for c in candidates])
    return {consent.candidate_id: {"consent": consent} for consent in consents}


def pending_consents(request, _obj=None) -> dict:
    """Unanswered requests of the candidates the member may see, the longest waiting first; lapsed links apart.

    One query while the list is short: a list shorter than the panel holds is every pending request, so its two
    totals are counted from its rows. Only a full list asks the database for them, both in one round trip, each
    an index range (issue 17's dashboard: as scalar subqueries of the list's own query they were compiled on every
    request, full or not; a filtered aggregate reads every pending row and took half as long again)."""
    now = timezone.now()
    pending = ConsentRequest.objects.visible_to(request.member).filter(status=ConsentStatus.PENDING)
    oldest = list(
        pending.select_related("candidate", "hiring")
        # The columns the panel and its status badge print (issue 17: the dashboard's cost).
        .only(
            "public_id",
            "status",
            "expires_at",
            "last_sent_at",
            "responded_at",
            "withdrawn_at",
            "candidate__public_id",
            "candidate__name",
            "hiring__title",
        )
        .order_by("last_sent_at", "pk")[:DASHBOARD_CONSENTS]
    )
    if len(oldest) < DASHBOARD_CONSENTS:
        lapsed = sum(1 for consent in oldest if consent.expires_at <= now)
        totals = {"waiting": len(oldest) - lapsed, "lapsed": lapsed}
    else:
        totals = counts_for(
            request.member, waiting=pending.filter(expires_at__gt=now), lapsed=pending.filter(expires_at__lte=now)
        )
    return {
        "consents_total": bounded(totals["waiting"] + totals["lapsed"]),
        "consents_waiting": totals["waiting"],
        "consents_lapsed": totals["lapsed"],
        "pending_consents": [
            {"consent": consent, "url": reverse("hiring:candidate_detail", args=[consent.candidate.public_id])}
            for consent in oldest
        ],
    }


def register() -> None:
    register_column(
        "hiring.candidates",
        name="consent",
        heading=_("Consent"),
        template="consent/_status_cell.html",
        cells=status_cells,
    )
    register_panel(
        "hiring.candidate_detail", name="consent", template="consent/_candidate_card.html", context=candidate_card
    )
    register_panel(
        "hiring.candidate_detail_interviewer",
        name="consent",
        template="consent/_candidate_line.html",
        context=candidate_line,
    )
    register_panel(
        "hiring.dashboard",
        name="consents_pending",
        template="consent/_dashboard_pending.html",
        context=pending_consents,
        order=20,
    )
