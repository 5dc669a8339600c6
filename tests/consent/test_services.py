"""Consent requests, answers, resending and withdrawal through the services (CON-1, CON-3, CON-5, CON-6)."""

import hashlib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from consent import services
from consent.models import ConsentEvent, ConsentLink, ConsentRequest, ConsentStatus, LinkPurpose
from hiring.models import Candidate
from tests.consent.links import last_token_to
from tests.hiring.factories import CandidateFactory, HiringFactory

pytestmark = pytest.mark.django_db


def test_adding_a_candidate_creates_a_pending_request_for_that_hiring_and_emails_a_link(acme, invite):
    invited = invite(acme.recruiter)
    consent = invited.consent
    assert consent.status == ConsentStatus.PENDING
    assert consent.hiring_id == invited.candidate.hiring_id
    assert consent.organization_id == acme.organization.pk
    assert consent.times_sent == 1 and consent.last_sent_at is not None
    assert consent.expires_at > timezone.now() + timedelta(days=13)
    [message] = mail.outbox
    assert message.to == [invited.candidate.email]
    assert invited.candidate.hiring.title in message.subject
    assert [e.kind for e in consent.events.all()] == ["requested", "sent"]


def test_the_token_has_at_least_128_bits_and_only_its_hash_is_stored(acme, invite):
    invited = invite(acme.recruiter)
    assert len(invited.token) >= 22  # base62: 22 characters are 131 bits; we issue 32 (190 bits)
    [link] = ConsentLink.objects.for_operators().filter(request__candidate=invited.candidate)
    assert link.token_hash == hashlib.sha256(invited.token.encode()).hexdigest()
    # The raw token is nowhere in the consent tables.
    with connection.cursor() as cursor:
        for table in ("consent_consentrequest", "consent_consentlink", "consent_consentevent"):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
            assert invited.token not in repr(cursor.fetchall())


def test_two_candidates_get_different_links(acme, invite):
    first, second = invite(acme.recruiter), invite(acme.recruiter)
    assert first.token != second.token


def test_accepting_records_status_and_time_against_the_hiring_and_emails_a_portal_link(acme, invite, accept):
    invited = invite(acme.recruiter)
    before = timezone.now()
    portal_token = accept(invited)
    consent = invited.consent
    assert consent.status == ConsentStatus.ACCEPTED
    assert before <= consent.responded_at <= timezone.now()
    assert portal_token != invited.token
    portal = ConsentLink.objects.for_operators().get(token_hash=hashlib.sha256(portal_token.encode()).hexdigest())
    assert portal.purpose == LinkPurpose.PORTAL and portal.expires_at is None
    assert ConsentLink.objects.for_operators().get(purpose=LinkPurpose.CONSENT, request=consent).used_at is not None
    assert services.has_consent(invited.candidate)


def test_declining_records_the_optional_message(acme, invite):
    invited = invite(acme.recruiter)
    services.decline(invited.token, message="  I prefer not to be recorded.  ")
    consent = invited.consent
    assert consent.status == ConsentStatus.DECLINED
    assert consent.decline_message == "I prefer not to be recorded."
    assert consent.responded_at is not None
    assert not services.has_consent(invited.candidate)


def test_an_overlong_decline_message_is_refused_and_nothing_changes(acme, invite):
    invited = invite(acme.recruiter)
    with pytest.raises(ValidationError):
        services.decline(invited.token, message="x" * (services.DECLINE_MESSAGE_MAX + 1))
    consent = invited.consent
    assert consent.status == ConsentStatus.PENDING and consent.responded_at is None
    services.decline(invited.token, message="")  # the link still works
    assert invited.consent.status == ConsentStatus.DECLINED


def test_consent_is_per_hiring_never_global(acme, invite, accept):
    """The same person in two hirings: consenting to one says nothing about the other (CON-3)."""
    first = invite(acme.recruiter, email="same.person@mail.test")
    second = invite(acme.recruiter, email="same.person@mail.test")
    accept(first)
    assert services.has_consent(first.candidate)
    assert not services.has_consent(second.candidate)
    with pytest.raises(services.ConsentRequired):
        services.require_consent(second.candidate)


def test_a_candidate_without_any_request_has_no_consent(acme):
    candidate = CandidateFactory(hiring=HiringFactory(owner=acme.recruiter, organization=acme.organization))
    with pytest.raises(services.ConsentRequired):
        services.require_consent(candidate)


@pytest.mark.parametrize("state", ["pending", "declined", "expired", "withdrawn"])
def test_require_consent_refuses_every_state_but_accepted(acme, invite, accept, state):
    invited = invite(acme.recruiter)
    if state == "declined":
        services.decline(invited.token)
    elif state == "expired":
        ConsentLink.objects.for_operators().update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "withdrawn":
        services.withdraw(accept(invited))
    with pytest.raises(services.ConsentRequired):
        services.require_consent(invited.candidate)


def test_withdrawal_stops_processing_and_requests_erasure(acme, invite, accept):
    invited = invite(acme.recruiter)
    portal_token = accept(invited)
    services.require_consent(invited.candidate)
    consent = services.withdraw(portal_token)
    assert consent.status == ConsentStatus.WITHDRAWN
    assert consent.withdrawn_at is not None and consent.erasure_requested_at is not None
    with pytest.raises(services.ConsentRequired):
        services.require_consent(invited.candidate)
    assert ConsentEvent.objects.for_operators().filter(request=consent, kind="withdrawn").count() == 1


def test_require_consent_reads_the_database_not_a_stale_object(acme, invite, accept):
    """A worker holding a candidate loaded before the withdrawal still stops (CON-4, CON-5)."""
    invited = invite(acme.recruiter)
    portal_token = accept(invited)
    loaded_before = Candidate.objects.for_operators().select_related("consent").get(pk=invited.candidate.pk)
    assert loaded_before.consent.status == ConsentStatus.ACCEPTED
    services.withdraw(portal_token)
    with pytest.raises(services.ConsentRequired):
        services.require_consent(loaded_before)


def test_resending_voids_the_previous_link(acme, invite, django_capture_on_commit_callbacks):
    invited = invite(acme.recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        services.resend(actor=acme.recruiter, consent=invited.consent)
    new_token = last_token_to(invited.candidate.email)
    assert new_token != invited.token
    with pytest.raises(services.LinkRefused) as refused:
        services.accept(invited.token)
    assert refused.value.reason == services.LinkRefused.REPLACED
    services.accept(new_token)
    consent = invited.consent
    assert consent.status == ConsentStatus.ACCEPTED and consent.times_sent == 2


def test_resending_a_lapsed_link_gives_a_fresh_expiry(acme, invite):
    invited = invite(acme.recruiter)
    lapsed = timezone.now() - timedelta(days=1)
    ConsentRequest.objects.for_operators().update(expires_at=lapsed)
    ConsentLink.objects.for_operators().update(expires_at=lapsed)
    assert invited.consent.display_status == "expired"
    services.resend(actor=acme.recruiter, consent=invited.consent)
    assert invited.consent.display_status == "pending"


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_an_answered_request_cannot_be_resent(acme, invite, answer):
    invited = invite(acme.recruiter)
    getattr(services, answer)(invited.token)
    links_before = ConsentLink.objects.for_operators().count()
    with pytest.raises(ValidationError):
        services.resend(actor=acme.recruiter, consent=invited.consent)
    assert ConsentLink.objects.for_operators().count() == links_before


def test_only_members_who_manage_the_hiring_may_resend(acme, globex, invite):
    invited = invite(acme.recruiter)
    for outsider in (acme.interviewer, globex.recruiter, globex.admin):
        with pytest.raises(PermissionDenied):
            services.resend(actor=outsider, consent=invited.consent)
    # A hiring manager who neither owns nor was granted the hiring cannot either (ORG-4).
    with pytest.raises(PermissionDenied):
        services.resend(actor=acme.hiring_manager, consent=invited.consent)
    assert invited.consent.times_sent == 1


def test_only_members_who_manage_the_hiring_may_add_candidates(acme, globex):
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization)
    for outsider in (acme.interviewer, globex.admin):
        with pytest.raises(PermissionDenied):
            services.add_candidate(actor=outsider, hiring=hiring, name="X", email="x@mail.test")
    assert not Candidate.objects.for_operators().exists()
    assert not ConsentRequest.objects.for_operators().exists()
    assert mail.outbox == []


def test_an_invalid_candidate_leaves_no_request_and_sends_nothing(acme):
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization)
    with pytest.raises(ValidationError):
        services.add_candidate(actor=acme.recruiter, hiring=hiring, name="X", email="not an email")
    assert not ConsentRequest.objects.for_operators().exists()
    assert mail.outbox == []


def test_a_failing_mail_server_keeps_the_candidate_and_records_the_failure(
    acme, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.consent.failing_mail.FailingBackend"
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization)
    with django_capture_on_commit_callbacks(execute=True):
        candidate = services.add_candidate(actor=acme.recruiter, hiring=hiring, name="X", email="x@mail.test")
    consent = ConsentRequest.objects.for_operators().get(candidate=candidate)
    assert consent.status == ConsentStatus.PENDING
    assert list(consent.events.values_list("kind", flat=True)) == ["requested", "sent", "send_failed"]


def test_the_email_is_written_in_the_requests_language(acme, invite):
    invite(acme.recruiter, language="sv")
    [message] = mail.outbox
    assert "ber om ditt samtycke" in message.subject
    assert "Hej Kim Candidate" in message.body
