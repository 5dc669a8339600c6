"""The credit ledger (BIL-1, BIL-5): the balance is the sum of append-only entries; an analysis reserves its credits
as it starts, refuses to start without them (409 in the API, a message the recorder shows), and a failed analysis
gives them back."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from ai_analysis import pipeline
from ai_analysis.models import Analysis, Recording, Step
from billing import services
from billing.models import AppendOnly, CreditEntry, Plan
from tests.ai_analysis import pipeline_world as pw
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def ledger(org):
    return list(
        CreditEntry.objects.filter(organization=org.organization)
        .order_by("pk")
        .values_list("kind", "amount", "grant_key", "analysis")
    )


def spend_all(org):
    """Use up the month's grant with an operator's adjustment, as if every credit had gone to analyses."""
    left = services.credits_left(org.organization)
    operator = UserFactory(is_staff=True, is_superuser=True)
    services.adjust_credits(operator=operator, organization=org.organization, amount=-left, reason="test: used up")
    assert services.credits_left(org.organization) == 0


# --- the ledger -----------------------------------------------------------------------------------------------------


def test_the_first_look_in_a_month_grants_the_plans_credits_once(acme, settings):
    free = Plan.objects.get(code="free")
    assert services.credits_left(acme.organization) == free.monthly_credits == settings.BILLING_FREE_MONTHLY_CREDITS
    assert services.credits_left(acme.organization) == free.monthly_credits
    assert len(ledger(acme)) == 1


def test_a_new_month_grants_again_and_unused_credits_carry_over(acme):
    december = datetime(2026, 12, 31, 23, 0, tzinfo=STOCKHOLM)
    january = datetime(2027, 1, 1, 0, 30, tzinfo=STOCKHOLM)
    services.grant_monthly_credits(acme.organization, now=december)
    services.grant_monthly_credits(acme.organization, now=december)
    services.grant_monthly_credits(acme.organization, now=january)
    assert [entry[2] for entry in ledger(acme)] == ["2026-12/free", "2027-01/free"]
    assert CreditEntry.objects.filter(organization=acme.organization).balance() == 40


def test_moving_to_a_bigger_plan_tops_the_month_up_and_a_smaller_one_takes_nothing_back(acme):
    organization = acme.organization
    assert services.credits_left(organization) == 20
    organization.plan = "team"
    assert services.credits_left(organization) == 100
    organization.plan = "free"
    assert services.credits_left(organization) == 100
    organization.plan = "team"
    assert services.credits_left(organization) == 100
    assert [(kind, amount) for kind, amount, *_ in ledger(acme)] == [("grant", 20), ("grant", 80)]


def test_entries_cannot_be_changed_or_deleted(acme):
    services.credits_left(acme.organization)
    entry = CreditEntry.objects.get(organization=acme.organization)
    entry.amount = 10_000
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        CreditEntry.objects.filter(pk=entry.pk).update(amount=10_000)
    assert services.credits_left(acme.organization) == 20


def test_only_a_platform_operator_adjusts_and_says_why(acme):
    before = ledger(acme)
    with pytest.raises(PermissionDenied):
        services.adjust_credits(operator=acme.admin.user, organization=acme.organization, amount=50, reason="mine")
    operator = UserFactory(is_staff=True, is_superuser=True)
    with pytest.raises(ValidationError):
        services.adjust_credits(operator=operator, organization=acme.organization, amount=50, reason="  ")
    assert ledger(acme) == before
    entry = services.adjust_credits(operator=operator, organization=acme.organization, amount=5, reason="goodwill")
    assert (entry.kind, entry.amount, entry.reason, entry.created_by) == ("adjustment", 5, "goodwill", operator)


def test_reserving_is_idempotent_and_release_gives_back_once(acme):
    first = services.reserve_for_analysis(organization=acme.organization, analysis_public_id="ana_one")
    again = services.reserve_for_analysis(organization=acme.organization, analysis_public_id="ana_one")
    assert first == again and first.amount == -1
    assert services.credits_left(acme.organization) == 19
    services.release_for_analysis(organization_id=acme.organization.pk, analysis_public_id="ana_one")
    services.release_for_analysis(organization_id=acme.organization.pk, analysis_public_id="ana_one")
    assert services.credits_left(acme.organization) == 20
    # retried after its failure, the same analysis reserves again
    services.reserve_for_analysis(organization=acme.organization, analysis_public_id="ana_one")
    assert services.credits_left(acme.organization) == 19


def test_without_credits_the_reservation_is_refused_and_nothing_is_written(acme):
    spend_all(acme)
    before = ledger(acme)
    with pytest.raises(services.CreditsExhausted) as refused:
        services.reserve_for_analysis(organization=acme.organization, analysis_public_id="ana_two")
    assert "needs 1 and 0 are left" in str(refused.value)
    assert ledger(acme) == before


# --- through the product: the recording API and the pipeline --------------------------------------------------------


def _uploaded(org):
    world = pw.build(org)
    recording_id = pw.start(world)
    assert pw.put_chunk(world.client, recording_id, 0, b"these bytes are not audio").status_code == 201
    return world, recording_id


def test_completing_a_recording_without_credits_answers_409_and_starts_nothing(acme):
    world, recording_id = _uploaded(acme)
    spend_all(acme)
    before = ledger(acme)

    response = pw.complete(world, recording_id, 1)

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "credits_exhausted"
    assert body["detail"].startswith("Not enough analysis credits")
    assert not Analysis.objects.for_operators().filter(recording__public_id=recording_id).exists()
    assert Recording.objects.for_operators().get(public_id=recording_id).status == Recording.Status.RECEIVING
    assert ledger(acme) == before


def test_an_analysis_spends_a_credit_as_it_starts_and_a_failure_gives_it_back(acme):
    world, recording_id = _uploaded(acme)
    response = pw.complete(world, recording_id, 1)
    assert response.status_code == 202
    analysis_id = response.json()["id"]
    assert services.credits_left(acme.organization) == 19
    assert ("consumption", -1, "", analysis_id) in ledger(acme)

    assert pipeline.run_step(analysis_id, Step.MERGE) is False  # the bytes are not audio: the analysis fails

    assert Analysis.objects.for_operators().get(public_id=analysis_id).status == Analysis.Status.FAILED
    assert ledger(acme)[-1] == ("release", 1, "", analysis_id)
    assert services.credits_left(acme.organization) == 20


def test_deleting_the_organization_takes_its_ledger_with_it(acme):
    """Append-only is for the product's code paths; the organization's own deletion still removes its rows."""
    services.reserve_for_analysis(organization=acme.organization, analysis_public_id="ana_gone")
    acme.organization.delete()
    assert not CreditEntry.objects.exists()


def test_retrying_a_failed_analysis_spends_its_credit_again_or_is_refused(acme):
    world, recording_id = _uploaded(acme)
    analysis_id = pw.complete(world, recording_id, 1).json()["id"]
    assert pipeline.run_step(analysis_id, Step.MERGE) is False  # failed: the credit came back
    assert services.credits_left(acme.organization) == 20
    recruiter = APIClient()
    recruiter.force_login(acme.recruiter.user)

    retried = recruiter.post(f"/api/v1/analyses/{analysis_id}/retry/")
    assert retried.status_code in (200, 202), retried.content
    assert services.credits_left(acme.organization) == 19

    assert pipeline.run_step(analysis_id, Step.MERGE) is False  # fails again: given back again
    spend_all(acme)
    before = ledger(acme)
    refused = recruiter.post(f"/api/v1/analyses/{analysis_id}/retry/")
    assert refused.status_code == 409 and refused.json()["code"] == "credits_exhausted"
    assert Analysis.objects.for_operators().get(public_id=analysis_id).status == Analysis.Status.FAILED
    assert ledger(acme) == before
