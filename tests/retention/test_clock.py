"""The retention clock (RET-1, RET-2, RET-3, RET-8): it starts at the latest decision, follows the organization's
period or the candidate's own, warns once, takes one extension per warning, and the sweep erases on expiry."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from hiring import services as hiring_services
from hiring.models import Candidate
from retention import services, sweep
from retention.models import DeletionRecord, ExtensionLink, RetentionClock, RetentionEvent, RetentionEventKind
from tests.hiring.factories import HiringFactory
from tests.retention.world import full_candidate

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
EXTEND_RE = re.compile(r"https?://[^/\s]+(/retention/extend/[^/\s]+/)")


def decided_candidate(actor, name="Kim Lindqvist", email="kim@mail.test", hiring=None, at=T0):
    from consent import services as consent_services

    hiring = hiring or HiringFactory(owner=actor, organization=actor.organization)
    with time_machine.travel(at, tick=False):
        candidate = consent_services.add_candidate(actor=actor, hiring=hiring, name=name, email=email)
        hiring_services.record_decision(actor=actor, candidate=candidate, outcome="rejected", reason="Other fit")
    return candidate


def clock(candidate) -> RetentionClock:
    return RetentionClock.objects.for_operators().get(candidate=candidate)


def test_the_clock_starts_at_the_decision_and_restarts_at_a_later_one(acme):
    candidate = Candidate.objects.get(pk=decided_candidate(acme.recruiter).pk)
    assert clock(candidate).decided_at == T0
    assert services.deletion_date(candidate) == T0 + timedelta(days=365)
    with time_machine.travel(T0 + timedelta(days=10), tick=False):
        hiring_services.record_decision(actor=acme.recruiter, candidate=candidate, outcome="hired", reason="Came back")
    assert services.deletion_date(candidate) == T0 + timedelta(days=375)


def test_no_decision_no_deletion_date(acme, invite):
    invited = invite(acme.recruiter)
    assert services.deletion_date(invited.candidate) is None


def test_a_recruiter_sets_a_candidates_own_period_audited(acme):
    candidate = decided_candidate(acme.recruiter)
    services.set_candidate_period(actor=acme.recruiter, candidate=candidate, days=60)
    assert services.deletion_date(candidate) == T0 + timedelta(days=60)
    event = RetentionEvent.objects.for_operators().get(kind=RetentionEventKind.OVERRIDE_SET)
    assert event.actor == acme.recruiter and event.details == {"from_days": None, "to_days": 60}
    services.set_candidate_period(actor=acme.recruiter, candidate=candidate, days=None)
    assert services.deletion_date(candidate) == T0 + timedelta(days=365)


@pytest.mark.parametrize("days", [29, 0, -5, "soon", 36501])
def test_a_candidate_period_below_the_floor_or_nonsense_is_refused_and_changes_nothing(acme, days):
    candidate = decided_candidate(acme.recruiter)
    with pytest.raises(ValidationError):
        services.set_candidate_period(actor=acme.recruiter, candidate=candidate, days=days)
    assert clock(candidate).override_days is None
    assert not RetentionEvent.objects.for_operators().filter(kind=RetentionEventKind.OVERRIDE_SET).exists()


@pytest.mark.parametrize("role", ["interviewer", "hiring_manager"])
def test_below_recruiter_cannot_override(acme, role):
    candidate = decided_candidate(acme.recruiter)
    with pytest.raises(PermissionDenied):
        services.set_candidate_period(actor=acme.member(role), candidate=candidate, days=90)
    assert clock(candidate).override_days is None


def test_changing_the_organizations_period_moves_every_clock_that_follows_it(acme):
    follows = decided_candidate(acme.recruiter)
    own = decided_candidate(acme.recruiter, name="Ola Berg", email="ola@mail.test")
    services.set_candidate_period(actor=acme.recruiter, candidate=own, days=500)
    services.set_organization_period(actor=acme.admin, days=90)
    assert services.deletion_date(follows) == T0 + timedelta(days=90)
    assert services.deletion_date(own) == T0 + timedelta(days=500)
    assert RetentionEvent.objects.for_operators().filter(kind=RetentionEventKind.POLICY_CHANGED).count() == 1


def test_the_settings_page_refuses_a_period_below_the_floor_as_a_form_error(acme):
    client = Client()
    client.force_login(acme.admin.user)
    response = client.post("/settings/retention/", {"days": "20"})
    assert response.status_code == 400
    assert "cannot be shorter than 30 days" in response.content.decode()
    acme.organization.refresh_from_db()
    assert acme.organization.retention_days == 365
    response = client.post("/settings/retention/", {"days": "200"})
    assert response.status_code == 302
    acme.organization.refresh_from_db()
    assert acme.organization.retention_days == 200


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "interviewer"])
def test_only_admins_change_the_organizations_period(acme, role):
    client = Client()
    client.force_login(acme.member(role).user)
    assert client.post("/settings/retention/", {"days": "200"}).status_code == 403
    acme.organization.refresh_from_db()
    assert acme.organization.retention_days == 365


def test_the_candidate_page_says_when_the_data_is_deleted(acme):
    candidate = decided_candidate(acme.recruiter)
    client = Client()
    client.force_login(acme.recruiter.user)
    html = client.get(f"/candidates/{candidate.public_id}/").content.decode()
    assert "Deleted on 2 Mar 2027" in html
    assert f"/candidates/{candidate.public_id}/erase/" in html


def test_the_candidate_page_shows_an_override_below_the_floor_as_a_form_error(acme):
    candidate = decided_candidate(acme.recruiter)
    client = Client()
    client.force_login(acme.recruiter.user)
    response = client.post(f"/candidates/{candidate.public_id}/retention/", {"days": "10"})
    assert response.status_code == 400
    assert "cannot be shorter than 30 days" in response.content.decode()
    assert clock(candidate).override_days is None
    response = client.post(f"/candidates/{candidate.public_id}/retention/", {"days": "45"})
    assert response.status_code == 302
    assert clock(candidate).override_days == 45


def test_the_dashboard_lists_data_expiring_soon_soonest_first(acme):
    """RET-2/RET-3: read from the stored deletion date; within the warning window only."""
    acme.organization.retention_days = 100
    acme.organization.save()
    now = datetime.now(UTC)
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization)
    for name, days_ago in (("Sam Soon", 95), ("Lee Later", 50), ("Pat Past", 101), ("Ada Also", 90)):
        decided_candidate(
            acme.recruiter, name=name, email=f"{name[:3]}@mail.test", hiring=hiring, at=now - timedelta(days=days_ago)
        )
    client = Client()
    client.force_login(acme.recruiter.user)
    html = " ".join(client.get("/hirings/dashboard/").content.decode().split())
    section = html[html.index('id="expiring-heading"') : html.index("</section>", html.index('id="expiring-heading"'))]
    assert section.index("Sam Soon") < section.index("Ada Also")
    assert "Lee Later" not in section and "Pat Past" not in section
    # The date the page prints is the site's (TIME_ZONE), which is a day ahead of UTC's late in the evening.
    assert timezone.localtime(now + timedelta(days=5)).strftime("%-d %b %Y") in section


def test_warning_is_sent_once_with_a_single_use_extension_link(acme):
    candidate = decided_candidate(acme.recruiter)
    mail.outbox.clear()
    with time_machine.travel(T0 + timedelta(days=355), tick=False):
        first = sweep.run()
        again = sweep.run()
    assert first.warned == 1 and again.warned == 0
    assert [message.to for message in mail.outbox] == [[acme.recruiter.user.email]]
    body = mail.outbox[0].body
    assert "Kim Lindqvist" in body and "2027-03-02" in body
    path = EXTEND_RE.search(body).group(1)
    client = Client()
    with time_machine.travel(T0 + timedelta(days=356), tick=False):
        assert client.get(path).status_code == 200
        assert services.deletion_date(candidate) == T0 + timedelta(days=365)  # GET changes nothing
        assert client.post(path).status_code == 200
        assert services.deletion_date(candidate) == T0 + timedelta(days=395)
        assert client.post(path).status_code == 410
        assert client.get(path).status_code == 410
    kinds = list(RetentionEvent.objects.for_operators().filter(candidate=candidate).values_list("kind", flat=True))
    assert sorted(kinds) == sorted(["warned", "extended", "link_refused", "link_refused"])
    extended = RetentionEvent.objects.for_operators().get(kind="extended")
    assert extended.actor == acme.recruiter
    # The new date gets its own warning, once.
    with time_machine.travel(T0 + timedelta(days=385), tick=False):
        assert sweep.run().warned == 1
        assert sweep.run().warned == 0


def test_an_extension_link_expires_and_a_forged_one_is_unknown(acme):
    decided_candidate(acme.recruiter)
    with time_machine.travel(T0 + timedelta(days=355), tick=False):
        sweep.run()
    path = EXTEND_RE.search(mail.outbox[-1].body).group(1)
    client = Client()
    forged = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    assert client.get(forged).status_code == 410
    with time_machine.travel(T0 + timedelta(days=366), tick=False):
        assert client.post(path).status_code == 410
    assert not ExtensionLink.objects.for_operators().filter(used_at__isnull=False).exists()


def test_the_sweep_erases_on_expiry_and_not_a_day_before(acme, django_capture_on_commit_callbacks):
    candidate = decided_candidate(acme.recruiter)
    other = decided_candidate(acme.recruiter, name="Ola Berg", email="ola@mail.test", at=T0 + timedelta(days=30))
    with time_machine.travel(T0 + timedelta(days=364), tick=False):
        assert sweep.run().erased_expired == 0
    assert Candidate.objects.for_operators().filter(pk=candidate.pk).exists()
    with (
        time_machine.travel(T0 + timedelta(days=365, seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = sweep.run()
    assert report.erased_expired == 1
    assert not Candidate.objects.for_operators().filter(pk=candidate.pk).exists()
    assert Candidate.objects.for_operators().filter(pk=other.pk).exists()
    record = DeletionRecord.objects.for_operators().get()
    assert record.trigger == "expiry" and record.actor_label == "retention sweep"
    assert record.erased_at == T0 + timedelta(days=365, seconds=1)


def test_the_dry_run_counts_and_changes_nothing(acme):
    full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    RetentionClock.objects.for_operators().update(delete_after=T0)
    report = sweep.run(dry_run=True)
    assert report.erased_expired == 1
    assert Candidate.objects.for_operators().count() == 1
    assert not DeletionRecord.objects.exists()
