"""``manage.py seed_demo``: idempotent demo organizations and logins; never in production."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from accounts.models import Membership, Organization, User
from accounts.roles import ROLE_ORDER

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
