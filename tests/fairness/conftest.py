"""A hiring whose candidates self-identified (FAIR-1), built through the services people use: the admin turns
the gender category on, candidates consent and answer on their portal (``services.answer``)."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from ai_analysis.models import Review
from fairness import services
from fairness.models import SelfIdentificationCategory
from hiring.models import Candidate, Stage
from tests.ai_analysis.factories import ScoreFactory
from tests.hiring.factories import CandidateFactory, CriterionFactory, HiringFactory, InterviewFactory


@dataclass
class World:
    hiring: object
    criterion: object
    gender: object
    options: dict  # label -> option
    candidates: dict  # group label -> [candidate]


def enable_gender(admin):
    services.suggest_categories(actor=admin)
    gender = SelfIdentificationCategory.objects.visible_to(admin).get(name="Gender")
    services.save_category(
        actor=admin, category=gender, name="Gender", enabled=True, options=["Woman", "Man", "Non-binary"]
    )
    return gender, {option.label: option for option in gender.options.all()}


def answer(candidate, gender, option):
    services.answer(
        candidate=candidate,
        consent_given=True,
        answers={gender.public_id: option.public_id if option else services.PREFER_NOT_TO_SAY},
    )


def scored(candidate, criterion, value):
    interview = InterviewFactory(candidate=candidate, interviewer=None)
    ScoreFactory(
        analysis__recording__interview=interview,
        criterion=criterion,
        value=value,
        status=Review.APPROVED,
        reviewed_at=timezone.now(),
    )
    return interview


@pytest.fixture
def world(acme) -> World:
    """Hiring "Platform engineer" (see tests/fairness/test_report_pages.py for the figures):

    Woman 7: 5 interviewed with approved scores 2, 2, 3, 4, 5; 1 of them hired.
    Man 5: all interviewed, scores 3, 4, 4, 5, 5; 3 hired.
    Non-binary 1, interviewed (score 5), hired.   No answer 5: applied only.
    """
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization, title="Platform engineer")
    criterion = CriterionFactory(hiring=hiring, name="System design")
    gender, options = enable_gender(acme.admin)
    groups = {"Woman": [], "Man": [], "Non-binary": [], "No answer": []}
    plan = [
        ("Woman", [2, 2, 3, 4, 5, None, None], 1),
        ("Man", [3, 4, 4, 5, 5], 3),
        ("Non-binary", [5], 1),
        ("No answer", [None] * 5, 0),
    ]
    for label, values, hired in plan:
        for index, value in enumerate(values):
            candidate = CandidateFactory(hiring=hiring, name=f"{label} candidate {index}")
            if value is not None:
                scored(candidate, criterion, value)
            if index < hired:
                Candidate.objects.filter(pk=candidate.pk).update(stage=Stage.HIRED)
            if label != "No answer":
                answer(candidate, gender, options[label])
            groups[label].append(candidate)
    return World(hiring=hiring, criterion=criterion, gender=gender, options=options, candidates=groups)
