"""``manage.py seed_demo``: idempotent demo organizations and logins; never in production."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import Membership, Organization, User
from interview_analyzer.roles import ROLE_ORDER

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts():
    return Organization.objects.count(), User.objects.count(), Membership.objects.count()


def hiring_counts():
    from hiring.models import Candidate, Decision, Hiring, Interview

    return [model.objects.count() for model in (Hiring, Candidate, Interview, Decision)]


def test_seed_creates_two_organizations_with_every_role_and_is_idempotent():
    logins = json.loads(seed("--json"))
    first = counts(), hiring_counts()
    seed()
    assert (counts(), hiring_counts()) == first
    assert first[0] == (2, 8, 8)
    assert {row["organization"] for row in logins} == {"Acme Recruiting", "Globex Talent"}
    for organization in ("Acme Recruiting", "Globex Talent"):
        roles = sorted(row["role"] for row in logins if row["organization"] == organization)
        assert roles == sorted(role.value for role in ROLE_ORDER)


def test_every_printed_login_works_and_lands_in_its_organization(client):
    logins = json.loads(seed("--json"))
    for row in logins:
        assert client.login(email=row["email"], password=row["password"]), row["email"]
        me = client.get("/api/v1/me").json()
        assert me["role"] == row["role"]
        assert me["organization"]["name"] == row["organization"]
        assert me["verified"] is True
        client.logout()


def test_each_organization_gets_hirings_candidates_an_interview_for_the_interviewer_and_a_decision():
    from hiring.models import Candidate, Decision, Hiring, Interview

    seed()
    for name in ("Acme Recruiting", "Globex Talent"):
        organization = Organization.objects.get(name=name)
        assert Hiring.objects.for_operators().filter(organization=organization).count() == 2
        stages = set(
            Candidate.objects.for_operators().filter(organization=organization).values_list("stage", flat=True)
        )
        assert {"applied", "screening", "interview", "offer", "rejected"} <= stages
        interviewer = Membership.objects.get(organization=organization, role="interviewer")
        assert Interview.objects.visible_to(interviewer).exists()
        assert Decision.objects.for_operators().filter(organization=organization).count() == 1


def test_human_readable_output_lists_the_logins():
    output = seed()
    assert "admin@acme.example" in output and "Acme-admin-demo-2026" in output


@override_settings(IS_PRODUCTION=True)
def test_seed_refuses_to_run_in_production():
    with pytest.raises(CommandError, match="production"):
        seed()
    assert counts() == (0, 0, 0)


def test_seed_leaves_consent_in_every_state_in_each_organization():
    from consent.models import ConsentRequest

    seed()
    for organization in Organization.objects.all():
        states = {c.display_status for c in ConsentRequest.objects.for_operators().filter(organization=organization)}
        assert {"pending", "accepted", "declined", "expired"} <= states, (organization, states)
    # Every demo candidate was asked (CON-1); seeding again asks nobody twice.
    from hiring.models import Candidate

    assert not Candidate.objects.for_operators().filter(consent__isnull=True).exists()
    before = ConsentRequest.objects.count()
    seed()
    assert ConsentRequest.objects.count() == before


def test_seed_has_an_analysed_interview_with_draft_and_approved_scores():
    from ai_analysis.models import Analysis, Evidence, Score

    seed()
    analysis = Analysis.objects.for_operators().get(organization__name="Acme Recruiting")
    assert analysis.status == "done" and analysis.turns.count() >= 4
    statuses = set(Score.objects.for_operators().filter(analysis=analysis).values_list("status", flat=True))
    assert statuses == {"draft", "approved"}
    for evidence in Evidence.objects.for_operators().filter(score__analysis=analysis):
        assert evidence.turn.speaker == "candidate" and evidence.quote in evidence.turn.text
    seed()
    assert Analysis.objects.count() == 2
