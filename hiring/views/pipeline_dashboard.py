"""The recruiter dashboard (OPS-3): where every open hiring stands, and what needs the member next.

``bench/bench_hiring.py`` holds its latency to a few times a trivial endpoint's, at 1x and 10x the data. So the rows
to show are picked first and their candidates are counted per stage for those rows only; the summary figures are
totals over everything the member may see (never a sum over the rows shown), each an aggregate query read from an
index, so only they grow with the data, as an index range does; the lists are short, each with a link to all of it;
and row links and labels are built here once, so the template prints them instead of resolving a URL per cell.
"""

from collections import defaultdict

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape, format_html
from django.views.decorators.http import require_GET

from hiring.models import Candidate, Hiring, Interview, Stage
from hiring.organization_health import organization_health
from hiring.templatetags.hiring_tags import bar_step
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import counts_for

# Rows on the dashboard (the "My interviews" page has its own DASHBOARD_ROWS); each list links to all of it.
DASHBOARD_HIRINGS = 20
DASHBOARD_AWAITING = 10
AWAITING_PER_PAGE = 50
# The stages of a candidate still in the running: "Candidates in progress".
ACTIVE_STAGES = (Stage.APPLIED, Stage.SCREENING, Stage.INTERVIEW, Stage.OFFER)
NEWEST_FIRST = ("-created_at", "-pk")


# One stage cell with candidates and one bar segment: the row's pieces are joined into one format string per row.
_STAGE_CELL = '<td class="num stage-col"><a href="{}?stage={}#candidates">{}</a></td>'
_EMPTY_STAGE_CELL = '<td class="num stage-col"><span class="muted">{}</span></td>'
_BAR_SEGMENT = '<span class="seg seg-{} bar-{}"></span>'
# Each stage's value as it goes into a class name and a query string, escaped once (it is a constant).
_STAGE_CSS = {value: conditional_escape(value) for value in Stage.values}


def _pipeline_row(hiring, counts: dict[str, int], stage_labels: dict[str, str], status_labels: dict[str, str]) -> dict:
    """One hiring's row, ready to print: its link, the bar's segments, the chart's accessible name ("Applied 3,
    Interview 1") and one cell per stage with its count and link.

    The bar and the stage cells are built here rather than by template loops: twenty rows of eight stage cells and
    their bar segments were about 900 template nodes rendered one by one, most of the page's template time (issue
    17's dashboard target). Each row is two ``format_html`` calls, one for its cells and one for its bar, whose
    format strings are the constant pieces above joined in stage order; every value is a placeholder, so
    ``format_html`` escapes it (the link and the stage values are escaped once beforehand, and ``format_html`` leaves
    what is already escaped as it is). One call per cell was about 11 ms of a page of twenty rows on the bench
    machine, 5.6 ms this way."""
    url = reverse("hiring:hiring_detail", args=[hiring.public_id])
    link = conditional_escape(url)  # escaped once, not once per cell that repeats it
    total = sum(counts.values())
    bar, bar_args, cells, cell_args = [], [], [], []
    for stage in stage_labels:
        count = counts.get(stage)
        if count:
            bar.append(_BAR_SEGMENT)
            bar_args += (_STAGE_CSS[stage], bar_step(count, total))
            cells.append(_STAGE_CELL)
            cell_args += (link, _STAGE_CSS[stage], count)
        else:
            cells.append(_EMPTY_STAGE_CELL)
            cell_args.append(0)
    return {
        "title": hiring.title,
        "url": url,
        "status": hiring.status,
        "status_label": status_labels.get(hiring.status, hiring.status),
        "bar": format_html("".join(bar), *bar_args) if bar else "",  # the template shows no bar without candidates
        "stage_cells": format_html("".join(cells), *cell_args),
        "summary": ", ".join(f"{label} {counts[stage]}" for stage, label in stage_labels.items() if counts.get(stage)),
        "total": total,
    }


def _awaiting_row(interview) -> dict:
    candidate = interview.candidate
    return {
        "scheduled_at": interview.scheduled_at,
        "candidate": candidate.name,
        "candidate_url": reverse("hiring:candidate_detail", args=[candidate.public_id]),
        "hiring": candidate.hiring.title,
        "interviewer": interview.interviewer.user.display_name if interview.interviewer else "",
        "url": reverse("hiring:interview_detail", args=[interview.public_id]),
    }


@member_required(Role.HIRING_MANAGER)
@require_GET
def dashboard(request):
    return render_dashboard(request)


def render_dashboard(request, *, home: bool = False):
    """Pipeline per hiring and interviews awaiting review (OPS-3); consent and retention add their panels
    ("Consents pending", "Data expiring soon") through ``page_panels``, ai_analysis its queue of drafts awaiting
    review. ``home``: the member's start page (the same page, titled with the organization).

    The same few queries whatever the number of hirings, candidates or interviews, each bounded by the rows shown or
    answered from an index. The summary figures count everything the member may see (ORG-4), not only the rows shown.
    ``?awaiting=all`` lists every interview awaiting review, a page at a time.
    """
    member = request.member
    now = timezone.now()
    hirings = Hiring.objects.visible_to(member)
    not_closed = hirings.exclude(status=Hiring.Status.CLOSED)
    # The rows first, then their candidates counted per stage: one grouped query that the candidates' (organization,
    # hiring, stage) index answers, whatever the number of hirings and candidates beyond the rows shown. (Cheaper to
    # build and run than annotating the rows with_pipeline_counts(), whose eight COUNT(DISTINCT) need a sort each.)
    shown = list(not_closed.only("public_id", "title", "status").order_by(*NEWEST_FIRST)[:DASHBOARD_HIRINGS])
    counts = defaultdict(dict)
    for hiring_id, stage, count in (
        Candidate.objects.visible_to(member)
        .filter(hiring__in=shown)
        .values_list("hiring_id", "stage")
        .annotate(count=Count("*"))
        .order_by()
    ):
        counts[hiring_id][stage] = count
    stage_labels = {value: str(label) for value, label in Stage.choices}
    status_labels = {value: str(label) for value, label in Hiring.Status.choices}
    rows = [_pipeline_row(hiring, counts[hiring.pk], stage_labels, status_labels) for hiring in shown]
    # Candidates in progress: those in an active stage, not in a closed hiring. Every figure is counted up to
    # COUNT_LIMIT rows (interview_analyzer.tenancy: "10,000+" past it), so none reads more than that many index
    # entries however large the organization (at 100,000 candidates the exact counts were most of the page's time).
    active = Candidate.objects.visible_to(member).filter(stage__in=ACTIVE_STAGES)
    scheduled = Interview.objects.visible_to(member).filter(status=Interview.Status.SCHEDULED)
    # Every summary figure in one round trip instead of four: each a scalar subquery counting an index range, read
    # off the member's organization row. On a busy machine each round trip waits for the scheduler twice.
    totals = counts_for(
        member,
        open=hirings.filter(status=Hiring.Status.OPEN),
        not_closed=not_closed,
        in_progress=active.exclude(hiring__in=hirings.filter(status=Hiring.Status.CLOSED).values("pk")),
        upcoming=scheduled.filter(scheduled_at__gte=now),
        awaiting=scheduled.filter(scheduled_at__lt=now),
    )
    awaiting = (
        scheduled.filter(scheduled_at__lt=now)
        .select_related("candidate__hiring", "interviewer__user")
        .only(
            "public_id",
            "scheduled_at",
            "candidate__public_id",
            "candidate__name",
            "candidate__hiring__title",
            "interviewer__user__email",
            "interviewer__user__full_name",
        )
        .order_by("scheduled_at", "pk")
    )
    show_all_awaiting = request.GET.get("awaiting") == "all"
    awaiting_page = None
    if show_all_awaiting:
        awaiting_page = Paginator(awaiting, AWAITING_PER_PAGE).get_page(request.GET.get("page"))
        awaiting = awaiting_page.object_list
    else:
        awaiting = awaiting[:DASHBOARD_AWAITING]
    return render(
        request,
        "hiring/dashboard.html",
        {
            "rows": rows,
            "awaiting": [_awaiting_row(interview) for interview in awaiting],
            "awaiting_page": awaiting_page,
            "show_all_awaiting": show_all_awaiting,
            "open_hirings": totals["open"],
            "hirings_not_closed": totals["not_closed"],
            "in_pipeline": totals["in_progress"],
            "upcoming_count": totals["upcoming"],
            "awaiting_count": totals["awaiting"],
            "stage_choices": Stage.choices,
            "home": home,
            "health": organization_health(member),
        },
    )
