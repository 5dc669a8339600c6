"""Candidate comparison per hiring (SPEC section 0, AI-3, AI-4): approved scores per criterion, side by side.

Only scores a person approved appear (AI-3): a draft, a rejected score or "insufficient evidence" is shown as a gap,
never as a number. Each cell links to the explanation of the analysis it comes from, where the quoted evidence and
its timestamps are (RET-7). A candidate interviewed more than once shows the latest approved score per criterion.
Beside each AI score, the interviewers' submitted scorecards (issue 14): their mean rating and how many rated it;
they never enter the weighted average, which stays the approved AI scores'.
The weighted average uses the criteria's weights over the criteria that have an approved score, and says how many
that is: a comparison must not hide what it is made of. A page of approved AI scores, so it is ai_analysis's page
(ARCHITECTURE: a page that needs a higher floor's data belongs to the higher app); hiring's page links to it.
Nothing here writes.
"""

from django.db.models import Count
from django.shortcuts import render

from ai_analysis.models import Review, Score, Scorecard, ScorecardRating
from hiring.access_log import AccessKind, reads_candidate_data, record_views
from hiring.models import Candidate, Hiring
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404

COMPARE_MAX_CANDIDATES = 50


def _interviewers(values: list) -> dict | None:
    """The interviewers' submitted ratings of one criterion: their mean over those with evidence, and how many."""
    if not values:
        return None
    rated = [value for value in values if value is not None]
    return {"mean": sum(rated) / len(rated) if rated else None, "rated": len(rated), "count": len(values)}


@reads_candidate_data(AccessKind.COMPARISON)
@member_required(Role.HIRING_MANAGER)
def hiring_compare(request, public_id):
    member = request.member
    hiring = get_visible_or_404(Hiring, member, public_id)
    criteria = list(hiring.criteria.order_by("position", "pk"))
    scores = (
        Score.objects.visible_to(member)
        .filter(analysis__interview__candidate__hiring=hiring, status=Review.APPROVED, value__isnull=False)
        .select_related("analysis__interview")
        .annotate(evidence_count=Count("evidence"))
        .order_by("reviewed_at", "pk")
    )
    latest = {}
    for score in scores:  # later reviews overwrite earlier ones
        latest[(score.analysis.interview.candidate_id, score.criterion_id)] = score
    candidate_ids = {candidate_id for candidate_id, _criterion in latest}
    ratings = {}  # (candidate, criterion) -> the submitted scorecard ratings the member may see (issue 14)
    for rating in (
        ScorecardRating.objects.visible_to(member)
        .filter(
            scorecard__interview__candidate__hiring=hiring,
            scorecard__status=Scorecard.Status.SUBMITTED,
        )
        .values("scorecard__interview__candidate_id", "criterion_id", "value")
    ):
        key = (rating["scorecard__interview__candidate_id"], rating["criterion_id"])
        ratings.setdefault(key, []).append(rating["value"])
    candidate_ids |= {candidate_id for candidate_id, _criterion in ratings}
    candidates = list(
        Candidate.objects.visible_to(member)
        .filter(hiring=hiring, pk__in=candidate_ids)
        .select_related("consent")
        .order_by("name")[:COMPARE_MAX_CANDIDATES]
    )
    rows = []
    for candidate in candidates:
        cells = [latest.get((candidate.pk, criterion.pk)) for criterion in criteria]
        cards = [_interviewers(ratings.get((candidate.pk, criterion.pk), [])) for criterion in criteria]
        weighted = [(cell.value, criterion.weight) for cell, criterion in zip(cells, criteria, strict=True) if cell]
        total_weight = sum(weight for _value, weight in weighted)
        rows.append(
            {
                "candidate": candidate,
                "cells": cells,
                "columns": list(zip(cells, cards, strict=True)),
                "average": sum(value * weight for value, weight in weighted) / total_weight if total_weight else None,
                "covered": len(weighted),
            }
        )
    rows.sort(key=lambda row: (row["average"] is None, -(row["average"] or 0), row["candidate"].name))
    record_views(request, candidates, AccessKind.COMPARISON, hiring)  # one entry per candidate shown (LOG-1)
    pending = (
        Candidate.objects.visible_to(member).filter(hiring=hiring).exclude(pk__in=candidate_ids).count()
        if criteria
        else 0
    )
    context = {"hiring": hiring, "criteria": criteria, "rows": rows, "without_approved": pending}
    return render(request, "ai_analysis/compare.html", context)
