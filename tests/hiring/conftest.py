"""A hiring world for two organizations: each with its own hiring and another hiring, candidates and interviews."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from consent import services as consent_services
from hiring import services
from tests.retention.portal.conftest import approve_everything
from tests.retention.world import full_candidate


@dataclass
class HiringWorld:
    org: object  # the tests.conftest.Org of people
    own: object  # a hiring owned by the org's hiring manager, interviewer assigned to its candidate
    other: object  # a hiring owned by the recruiter; the hiring manager has no grant
    own_candidate: object
    other_candidate: object
    own_interview: object
    other_interview: object
    own_criterion: object
    other_criterion: object
    own_decision: object
    other_decision: object


def build_world(org) -> HiringWorld:
    own = services.create_hiring(actor=org.hiring_manager, title="Platform engineer", description="<p>Own</p>")
    other = services.create_hiring(actor=org.recruiter, title="Data analyst", description="<p>Other</p>")
    own_criterion = services.add_criterion(actor=org.hiring_manager, hiring=own, name="System design", weight=3)
    other_criterion = services.add_criterion(actor=org.recruiter, hiring=other, name="SQL", weight=2)
    own_candidate = consent_services.add_candidate(
        actor=org.hiring_manager, hiring=own, name="Ada Own", email="ada@mail.test"
    )
    other_candidate = consent_services.add_candidate(
        actor=org.recruiter, hiring=other, name="Bo Other", email="bo@mail.test"
    )
    when = timezone.now() + timedelta(days=1)
    own_interview = services.schedule_interview(
        actor=org.hiring_manager, candidate=own_candidate, interviewer=org.interviewer, scheduled_at=when
    )
    other_interview = services.schedule_interview(
        actor=org.recruiter, candidate=other_candidate, interviewer=org.recruiter, scheduled_at=when
    )
    own_decision = services.record_decision(
        actor=org.hiring_manager, candidate=own_candidate, outcome="hired", reason="Strong on every criterion."
    )
    other_decision = services.record_decision(
        actor=org.recruiter, candidate=other_candidate, outcome="rejected", reason="Weak SQL evidence."
    )
    return HiringWorld(
        org,
        own,
        other,
        own_candidate,
        other_candidate,
        own_interview,
        other_interview,
        own_criterion,
        other_criterion,
        own_decision,
        other_decision,
    )


@pytest.fixture
def acme_world(acme) -> HiringWorld:
    return build_world(acme)


@pytest.fixture
def globex_world(globex) -> HiringWorld:
    return build_world(globex)


# The access log's tests (test_access_log*.py): a candidate of Acme on the team plan (tests/conftest.py) with
# everything a candidate can have, approved.
@pytest.fixture
def ada(team):
    person = full_candidate(team.admin, name="Ada Lovelace", email="ada@mail.test")
    approve_everything(person.candidate)
    return person
