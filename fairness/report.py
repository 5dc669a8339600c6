"""The fairness report's data (FAIR-1): reads hiring's stages and decisions, ai_analysis's approved scores and this
app's self-identification, through ``visible_to(admin)``, and hands plain numbers to ``fairness.statistics``.

What "reached a stage" means. ``hiring`` keeps a candidate's current stage, their interviews and decisions, not a
history of stages, so the report counts what those show:

- *Screening*: the current stage is screening or later (interview, offer, hired), or the candidate had an interview;
- *Interview*: the current stage is interview or later, or the candidate had an interview (scheduled, held or
  cancelled: they were asked to one);
- *Offer*: the current stage is offer or hired;
- *Hired*: the current stage is hired (a person recorded the decision, AI-3).

A candidate rejected or withdrawn before an interview counts as having reached no stage past "applied": the stage
they were in when rejected is not kept. Every candidate of the hiring (or of the organization) is in the
denominator, answered or not. The page says all of this next to the figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from ai_analysis.models import Review, Score
from fairness import statistics
from fairness.models import SelfIdentification, SelfIdentificationCategory, SelfIdentificationOption
from fairness.statistics import ORGANIZATION_ROW, Figure, Group
from hiring.models import Candidate, Criterion, Hiring, Interview, Stage

PREFER_NOT = "prefer_not_to_say"
NO_ANSWER = "no_answer"

STAGES = [
    ("screening", _("Screening")),
    ("interview", _("Interview")),
    ("offer", _("Offer")),
    ("hired", _("Hired")),
]
_AT_OR_AFTER = {
    "screening": {Stage.SCREENING, Stage.INTERVIEW, Stage.OFFER, Stage.HIRED},
    "interview": {Stage.INTERVIEW, Stage.OFFER, Stage.HIRED},
    "offer": {Stage.OFFER, Stage.HIRED},
    "hired": {Stage.HIRED},
}
_SHOWN_BY_AN_INTERVIEW = {"screening", "interview"}


def reached_stages(stage: str, interviewed: bool) -> frozenset[str]:
    """The stages a candidate with this current stage (and an interview or not) has reached (module text)."""
    return frozenset(
        key for key, _label in STAGES if stage in _AT_OR_AFTER[key] or (interviewed and key in _SHOWN_BY_AN_INTERVIEW)
    )


@dataclass
class Line:
    """One row of a section: a stage or a criterion, with each group's figure."""

    key: str
    label: str
    figures: list[Figure]

    @property
    def flagged(self) -> list[Figure]:
        return [figure for figure in self.figures if figure.flagged]


@dataclass
class CategoryReport:
    category: SelfIdentificationCategory
    groups: list[Group]
    sizes: list[Figure]  # each group's candidates (n = N): the "Applied" line
    stages: list[Line]
    scores: list[Line]
    suppressed: bool = False  # some group is hidden

    @property
    def stage_rows(self) -> list[tuple[Figure, list[Figure]]]:
        """Per group: its size, and its figure at each stage (the table's rows)."""
        return [(size, [line.figures[i] for line in self.stages]) for i, size in enumerate(self.sizes)]

    @property
    def score_rows(self) -> list[tuple[Figure, list[Figure]]]:
        return [(size, [line.figures[i] for line in self.scores]) for i, size in enumerate(self.sizes)]

    @property
    def flags(self) -> int:
        return sum(len(line.flagged) for line in [*self.stages, *self.scores])


@dataclass
class Report:
    hiring: Hiring | None  # None: the whole organization
    candidates: int
    answered: int  # candidates with at least one answer
    categories: list[CategoryReport] = field(default_factory=list)


@dataclass(frozen=True)
class _Person:
    hiring: int
    group: str
    reached: frozenset[str]


def _groups(category, options) -> list[Group]:
    return [
        *(Group(key=str(option.pk), label=option.label) for option in options),
        Group(key=PREFER_NOT, label=str(_("Prefer not to say")), comparable=False),
        Group(key=NO_ANSWER, label=str(_("No answer")), comparable=False),
    ]


def build(member, hiring: Hiring | None = None) -> Report:
    """The report for ``hiring`` or, when ``None``, the organization. ``member`` is an admin (the views check it;
    every read below is ``visible_to(member)``, and the self-identification rows answer admins only)."""
    hirings = Hiring.objects.visible_to(member)
    candidates = list(Candidate.objects.visible_to(member).values_list("pk", "hiring_id", "stage"))
    interviewed = set(Interview.objects.visible_to(member).values_list("candidate_id", flat=True).distinct())
    scores = list(
        Score.objects.visible_to(member)
        .filter(status=Review.APPROVED, value__isnull=False)
        .values_list("analysis__interview__candidate_id", "criterion_id", "value")
    )
    hiring_of = {pk: hiring_id for pk, hiring_id, _stage in candidates}
    rows = sorted({hiring_id for _pk, hiring_id, _stage in candidates})
    table_rows = [*rows, ORGANIZATION_ROW]
    in_scope = {pk for pk, hiring_id, _stage in candidates if hiring is None or hiring_id == hiring.pk}
    answers = list(
        SelfIdentification.objects.visible_to(member)
        .filter(category__enabled=True)
        .values_list("category_id", "candidate_id", "option_id")
    )
    report = Report(
        hiring=hiring,
        candidates=len(in_scope),
        answered=len({candidate for _c, candidate, _o in answers if candidate in in_scope}),
    )
    categories = SelfIdentificationCategory.objects.visible_to(member).filter(enabled=True)
    options = defaultdict(list)
    answered_options = {option for _c, _cand, option in answers if option is not None}
    for option in SelfIdentificationOption.objects.visible_to(member).filter(category__in=categories):
        if option.active or option.pk in answered_options:
            options[option.category_id].append(option)
    criteria = {c.pk: c for c in Criterion.objects.visible_to(member).filter(hiring__in=hirings)}

    for category in categories:
        group_of = dict.fromkeys(hiring_of, NO_ANSWER)
        for category_id, candidate, option in answers:
            if category_id == category.pk and candidate in group_of:
                group_of[candidate] = PREFER_NOT if option is None else str(option)
        groups = _groups(category, options[category.pk])
        columns = [group.key for group in groups]
        people = [
            _Person(hiring_of[pk], group_of[pk], reached_stages(stage, pk in interviewed))
            for pk, _h, stage in candidates
        ]
        hidden = statistics.suppress(_count_table(people, lambda person: True), table_rows, columns)
        row = hiring.pk if hiring is not None else ORGANIZATION_ROW
        in_row = {column: reason for (r, column), reason in hidden.items() if r == row}
        scope = [person for person, (pk, _h, _s) in zip(people, candidates, strict=True) if pk in in_scope]

        sizes = statistics.rates(_counts(scope, lambda p: True, lambda p: True), groups, in_row)
        stage_lines = [
            Line(
                key,
                str(label),
                statistics.rates(_counts(scope, lambda p: True, lambda p, k=key: k in p.reached), groups, in_row),
            )
            for key, label in STAGES
        ]
        score_lines = _score_lines(
            scores, group_of, hiring_of, hiring, groups, columns, table_rows, hidden, in_scope, criteria
        )
        report.categories.append(
            CategoryReport(
                category=category,
                groups=groups,
                sizes=sizes,
                stages=stage_lines,
                scores=score_lines,
                suppressed=bool(in_row),
            )
        )
    return report


def _count_table(people, keep) -> dict:
    """(hiring, group) → candidates, and the organization's row as the columns' sums."""
    table: dict = defaultdict(int)
    for person in people:
        if keep(person):
            table[(person.hiring, person.group)] += 1
            table[(ORGANIZATION_ROW, person.group)] += 1
    return table


def _counts(people, in_total, in_n) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for person in people:
        if in_total(person):
            counts[person.group][1] += 1
            if in_n(person):
                counts[person.group][0] += 1
    return {group: (n, total) for group, (n, total) in counts.items()}


def _score_lines(scores, group_of, hiring_of, hiring, groups, columns, table_rows, hidden, in_scope, criteria):
    """The approved-score figures: per criterion (a hiring's report) and all criteria together (both reports).

    A group is hidden here when the candidates table hides it, and also when fewer than 5 of its candidates have an
    approved score in what the line counts; the same bridge rule then hides the complements (``statistics``)."""
    scored = [(candidate, criterion, value) for candidate, criterion, value in scores if candidate in group_of]
    row = hiring.pk if hiring is not None else ORGANIZATION_ROW
    scored_people: dict = defaultdict(set)
    for candidate, _criterion, _value in scored:
        scored_people[(hiring_of[candidate], group_of[candidate])].add(candidate)
        scored_people[(ORGANIZATION_ROW, group_of[candidate])].add(candidate)
    pooled_hidden = statistics.suppress(
        {cell: len(people) for cell, people in scored_people.items()}, table_rows, columns, already=hidden
    )
    in_scope_scores = [(group_of[c], criterion, value) for c, criterion, value in scored if c in in_scope]
    lines = []
    if hiring is not None:
        for criterion in sorted({c for _g, c, _v in in_scope_scores}, key=lambda pk: (criteria[pk].position, pk)):
            mine = [s for s in in_scope_scores if s[1] == criterion]
            people: dict = defaultdict(set)
            for candidate, crit, _value in scored:
                if crit == criterion and candidate in in_scope:
                    people[(row, group_of[candidate])].add(candidate)
                    people[(ORGANIZATION_ROW, group_of[candidate])].add(candidate)
            already = {
                (r, column): reason
                for (hidden_row, column), reason in pooled_hidden.items()
                if hidden_row == row
                for r in (row, ORGANIZATION_ROW)
            }
            criterion_hidden = statistics.suppress(
                {cell: len(ids) for cell, ids in people.items()}, [row, ORGANIZATION_ROW], columns, already=already
            )
            in_row = {column: reason for (r, column), reason in criterion_hidden.items() if r == row}
            figures = statistics.rates(statistics.at_or_above_median(mine), groups, in_row)
            lines.append(Line(str(criterion), criteria[criterion].name, figures))
    in_row = {column: reason for (r, column), reason in pooled_hidden.items() if r == row}
    figures = statistics.rates(statistics.at_or_above_median(in_scope_scores), groups, in_row)
    lines.append(Line("all", str(_("All criteria")), figures))
    return lines
