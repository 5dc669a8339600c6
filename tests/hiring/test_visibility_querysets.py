"""Record-level visibility in the querysets (ORG-4, ORG-5): who sees which hiring, criterion, candidate,
interview and decision. Pages and the API read only through these, so this table is the rule itself."""

import pytest

from consent import services as consent_services
from hiring import services
from hiring.models import Candidate, Criterion, Decision, Hiring, Interview
from interview_analyzer.roles import Role

pytestmark = pytest.mark.django_db

KINDS = {
    "hiring": (Hiring, "own", "other"),
    "criterion": (Criterion, "own_criterion", "other_criterion"),
    "candidate": (Candidate, "own_candidate", "other_candidate"),
    "interview": (Interview, "own_interview", "other_interview"),
    "decision": (Decision, "own_decision", "other_decision"),
}
# role -> kind -> (sees own, sees other in the org)
EXPECTED = {
    Role.ADMIN: dict.fromkeys(KINDS, (True, True)),
    Role.RECRUITER: dict.fromkeys(KINDS, (True, True)),
    Role.HIRING_MANAGER: dict.fromkeys(KINDS, (True, False)),
    Role.INTERVIEWER: {
        "hiring": (True, False),
        "criterion": (True, False),
        "candidate": (True, False),
        "interview": (True, False),
        "decision": (False, False),
    },
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("role", list(EXPECTED), ids=lambda r: r.value)
def test_visibility_table(acme_world, globex_world, role, kind):
    model, own_attr, other_attr = KINDS[kind]
    member = acme_world.org.member(role)
    visible = set(model.objects.visible_to(member))
    sees_own, sees_other = EXPECTED[role][kind]
    assert (getattr(acme_world, own_attr) in visible) is sees_own
    assert (getattr(acme_world, other_attr) in visible) is sees_other
    # Never anything of the other organization, whatever the role.
    assert not visible & {getattr(globex_world, own_attr), getattr(globex_world, other_attr)}


def test_a_granted_hiring_manager_sees_the_hiring_and_everything_in_it(acme_world):
    manager = acme_world.org.hiring_manager
    services.grant_hiring_access(actor=acme_world.org.recruiter, hiring=acme_world.other, member=manager)
    assert acme_world.other in Hiring.objects.visible_to(manager)
    assert acme_world.other_candidate in Candidate.objects.visible_to(manager)
    assert acme_world.other_decision in Decision.objects.visible_to(manager)
    services.revoke_hiring_access(actor=acme_world.org.recruiter, hiring=acme_world.other, member=manager)
    assert acme_world.other not in Hiring.objects.visible_to(manager)


def test_visibility_is_one_query(acme_world, django_assert_num_queries):
    manager = acme_world.org.hiring_manager
    with django_assert_num_queries(1):
        list(Candidate.objects.visible_to(manager))


def test_a_hiring_manager_cannot_act_on_a_hiring_they_cannot_see(acme_world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        consent_services.add_candidate(
            actor=acme_world.org.hiring_manager, hiring=acme_world.other, name="Sneaky", email="s@mail.test"
        )
    assert not Candidate.objects.filter(name="Sneaky").exists()


def test_interviewers_cannot_manage_hirings(acme_world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.record_decision(
            actor=acme_world.org.interviewer, candidate=acme_world.own_candidate, outcome="hired", reason="x"
        )


def test_a_hiring_manager_asked_to_interview_in_another_hiring_sees_that_interview_only(acme):
    """ORG-4: assigned as interviewer on a hiring they do not manage, they see the interview, not the hiring."""
    from hiring.models import Candidate, Hiring, Interview
    from tests.hiring.factories import CandidateFactory, HiringFactory, InterviewFactory

    others = HiringFactory(owner=acme.recruiter, organization=acme.organization)
    theirs = InterviewFactory(candidate=CandidateFactory(hiring=others), interviewer=acme.hiring_manager)
    not_theirs = InterviewFactory(candidate=CandidateFactory(hiring=others), interviewer=acme.interviewer)
    visible = set(Interview.objects.visible_to(acme.hiring_manager))
    assert theirs in visible and not_theirs not in visible
    assert not Hiring.objects.visible_to(acme.hiring_manager).filter(pk=others.pk).exists()
    assert not Candidate.objects.visible_to(acme.hiring_manager).filter(pk=not_theirs.candidate_id).exists()
