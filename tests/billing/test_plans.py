"""Plans are data in billing, and their gates hold in accounts' services (BIL-2, KEY-1, KEY-7).

Accounts asks through the floor-0 hook ``interview_analyzer.entitlements``; these tests change plan rows and see
the gates move, and take the answerer away to see every gate fail closed.
"""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts import services as accounts_services
from accounts.models import Invitation, Membership
from billing.models import Plan
from billing.plans import DEFAULT_CATALOGUE, ensure_default_plans
from interview_analyzer import entitlements
from interview_analyzer.roles import Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def invitations_and_members(org):
    return (
        sorted(Invitation.objects.filter(organization=org.organization).values_list("email", "revoked_at")),
        sorted(Membership.objects.filter(organization=org.organization).values_list("pk", "is_active")),
    )


def test_the_shipped_catalogue_exists_with_one_default_plan():
    codes = list(Plan.objects.values_list("code", flat=True))
    assert codes == [row[0] for row in DEFAULT_CATALOGUE]
    assert Plan.objects.default().code == "free"
    assert Plan.objects.filter(is_default=True).count() == 1


def test_seeding_again_keeps_what_an_operator_edited():
    Plan.objects.filter(code="team").update(seats=7, name="Team (2027)")
    ensure_default_plans()
    team = Plan.objects.get(code="team")
    assert (team.seats, team.name) == (7, "Team (2027)")
    assert Plan.objects.count() == len(DEFAULT_CATALOGUE)


def test_an_organizations_features_come_from_its_plan_row(acme):
    organization = acme.organization
    assert organization.plan == "free"
    assert organization.feature("api_keys") is False
    assert organization.feature("plan_name") == "Free"
    Plan.objects.filter(code="team").update(api_requests_per_minute=42)
    organization.plan = "team"
    assert organization.feature("api_keys") is True
    assert organization.feature("api_requests_per_minute") == 42
    assert organization.feature("seats") == 25


def test_an_unknown_plan_code_reads_as_the_default_plan(acme):
    acme.organization.plan = "platinum-that-was-removed"
    assert acme.organization.feature("plan_name") == "Free"
    assert acme.organization.feature("api_keys") is False


def test_without_billing_answering_every_gate_fails_closed(acme, monkeypatch):
    monkeypatch.setattr(entitlements, "_answerer", None)
    acme.organization.plan = "enterprise"
    assert acme.organization.feature("api_keys") is False
    assert acme.organization.feature("seats") == 1
    with pytest.raises(ValidationError):
        accounts_services.create_api_key(actor=acme.admin, name="x", scopes=["read"], allowed_cidrs=[])


def test_editing_a_plan_row_opens_the_api_key_gate(acme):
    with pytest.raises(ValidationError) as refused:
        accounts_services.create_api_key(actor=acme.admin, name="x", scopes=["read"], allowed_cidrs=[])
    assert refused.value.code == "plan"
    Plan.objects.filter(code="free").update(api_keys=True, api_requests_per_minute=5)
    acme.admin.refresh_from_db()  # a fresh request reads the plan row again
    key, raw = accounts_services.create_api_key(actor=acme.admin, name="x", scopes=["read"], allowed_cidrs=[])
    assert raw.startswith("ia_live_") and key.pk


# --- seats (BIL-2) --------------------------------------------------------------------------------------------------


@pytest.fixture
def full_free_plan(acme):
    """Acme on the Free plan with every seat taken: four members plus one pending invitation of five seats."""
    assert acme.organization.feature("seats") == 5
    accounts_services.invite_member(actor=acme.admin, email="fifth@acme.test", role=Role.INTERVIEWER)
    return acme


def test_an_invitation_beyond_the_plans_seats_is_refused_and_changes_nothing(full_free_plan, mailoutbox):
    before = invitations_and_members(full_free_plan)
    with pytest.raises(ValidationError) as refused:
        accounts_services.invite_member(actor=full_free_plan.admin, email="sixth@acme.test", role=Role.INTERVIEWER)
    assert refused.value.code == "seats"
    assert "All 5 seats of the Free plan are in use" in refused.value.messages[0]
    assert invitations_and_members(full_free_plan) == before


def test_the_members_page_shows_the_seat_limit_as_a_form_error(full_free_plan, mailoutbox):
    browser = Client()
    browser.force_login(full_free_plan.admin.user)
    before = invitations_and_members(full_free_plan)
    response = browser.post("/settings/members/", {"email": "sixth@acme.test", "role": "interviewer"})
    assert response.status_code == 400
    assert "All 5 seats of the Free plan are in use" in response.content.decode()
    assert invitations_and_members(full_free_plan) == before


def test_re_inviting_the_same_address_does_not_count_its_own_seat_twice(full_free_plan, mailoutbox):
    again = accounts_services.invite_member(actor=full_free_plan.admin, email="fifth@acme.test", role=Role.RECRUITER)
    assert again.role == Role.RECRUITER
    assert Invitation.objects.pending().filter(organization=full_free_plan.organization).count() == 1


def test_a_bigger_plan_makes_room(full_free_plan, mailoutbox):
    organization = full_free_plan.organization
    organization.plan = "team"
    organization.save(update_fields=["plan"])
    accounts_services.invite_member(actor=full_free_plan.admin, email="sixth@acme.test", role=Role.INTERVIEWER)
    assert accounts_services.seats_in_use(organization) == 6


def test_reactivating_a_member_needs_a_free_seat(full_free_plan):
    gone = MembershipFactory(organization=full_free_plan.organization, role=Role.INTERVIEWER, is_active=False)
    with pytest.raises(ValidationError) as refused:
        accounts_services.reactivate_member(actor=full_free_plan.admin, membership=gone)
    assert refused.value.code == "seats"
    gone.refresh_from_db()
    assert gone.is_active is False


def test_accepting_after_the_plan_shrank_is_refused(acme, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        accounts_services.invite_member(actor=acme.admin, email="late@acme.test", role=Role.INTERVIEWER)
    token = re.search(r"/invitations/(ia_inv_[0-9A-Za-z]+)/", mailoutbox[-1].body).group(1)
    Plan.objects.filter(code="free").update(seats=4)  # the four members fill it now
    newcomer = UserFactory(email="late@acme.test")
    with pytest.raises(ValidationError) as refused:
        accounts_services.accept_invitation(user=newcomer, raw_token=token)
    assert refused.value.code == "seats"
    assert not Membership.objects.filter(user=newcomer).exists()
