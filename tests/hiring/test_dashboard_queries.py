"""The whole dashboard's cost per role (OPS-3, issue 17's performance target): the page and every panel other apps add
to it — consents pending (CON-6), data expiring soon (RET-2), drafts awaiting review and failed analyses (AI-3), and
the organization's health for admins — run a fixed number of queries whatever the amount of data behind them. Each
list carries its total in its own query, or, for the two lists that are usually short (drafts awaiting review, failed
analyses), counts it apart only when the list is full: the count grows by those two once, and never with the data.

``bench/bench_hiring.py`` measures the latency; this pins the query counts, which is what grows first."""

import secrets
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from ai_analysis.models import Analysis, Review
from consent import services as consent_services
from consent.models import ConsentRequest
from hiring.models import Hiring, Interview, Stage
from interview_analyzer.roles import Role
from retention.models import RetentionClock
from tests.ai_analysis.factories import AnalysisFactory, RecordingFactory, ScoreFactory
from tests.factories import MembershipFactory
from tests.hiring.factories import DecisionFactory, HiringFactory, InterviewFactory

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("hiring:dashboard")
HOME = reverse("home")
# The session and one membership query (user, organization and verified flag joined: accounts.backends) before the
# view; then the dashboard's four (hirings shown, their candidates per stage, every summary figure, the interviews
# awaiting review), ai_analysis's two (drafts awaiting review, failed analyses), consent's one and retention's one;
# each panel's list counts its total apart only when it is full (here consents pending: 21 for 8 rows, so its two
# totals are one query more). Admins add six: the DPA check (once per request, however many panels the page
# renders), members by role, the health panel's other totals in one query, and the storage sums (one per model that
# stores bytes).
PINNED = {Role.RECRUITER: 11, Role.HIRING_MANAGER: 11, Role.ADMIN: 17}


def add_data(org, times: int) -> None:
    """``times`` of everything the dashboard and its panels count, in hirings the hiring manager owns (so every role
    measured sees them): ``times`` open hirings and a closed one, each with candidates in every stage and their
    consent requests (one lapsed), an interview held and one upcoming, a retention clock about to expire, a finished
    analysis with a draft score and a failed one; and for the admin's health panel members and invitations."""
    manager = org.hiring_manager
    for number in range(times + 1):
        status = Hiring.Status.CLOSED if number == times else Hiring.Status.OPEN
        hiring = HiringFactory(owner=manager, organization=org.organization, status=status)
        for stage in Stage.values:
            candidate = consent_services.add_candidate(
                actor=org.recruiter, hiring=hiring, name=f"Cand {number} {stage}", email=f"c{number}{stage}@mail.test"
            )
            type(candidate).objects.for_operators().filter(pk=candidate.pk).update(stage=stage)
        ConsentRequest.objects.for_operators().filter(candidate=candidate).update(
            expires_at=timezone.now() - timedelta(days=1)
        )
        decision = DecisionFactory(candidate=candidate)
        RetentionClock.objects.for_operators().filter(candidate=decision.candidate).update(
            delete_after=timezone.now() + timedelta(days=3)
        )
        held = InterviewFactory(
            candidate=candidate, interviewer=org.interviewer, scheduled_at=timezone.now() - timedelta(days=1)
        )
        InterviewFactory(candidate=candidate, interviewer=org.interviewer)
        analysis = AnalysisFactory(
            recording=RecordingFactory(interview=held), status=Analysis.Status.DONE, finished_at=timezone.now()
        )
        ScoreFactory(analysis=analysis, status=Review.DRAFT)
        failed = InterviewFactory(candidate=candidate, interviewer=org.interviewer, status=Interview.Status.SCHEDULED)
        AnalysisFactory(recording=RecordingFactory(interview=failed), status=Analysis.Status.FAILED)
        MembershipFactory(organization=org.organization, role=Role.INTERVIEWER)
        Invitation.objects.create(
            organization=org.organization,
            email=f"invitee{times}-{number}@mail.test",
            role=Role.INTERVIEWER,
            token_hash=secrets.token_hex(32),
            invited_by=org.admin.user,
            expires_at=timezone.now() + timedelta(days=7),
        )


def queries(member, path=DASHBOARD) -> int:
    client = Client()
    client.force_login(member.user)
    client.get(path)  # the first request may warm caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.HIRING_MANAGER, Role.ADMIN], ids=lambda r: r.value)
def test_the_dashboard_runs_the_same_queries_with_more_data(acme, role):
    member = acme.member(role)
    add_data(acme, 1)
    small = queries(member)
    page = Client()
    page.force_login(member.user)
    html = page.get(DASHBOARD).content.decode()
    assert "Cand 0 offer" in html  # the panels have rows to show: consents pending, data expiring soon
    assert 'data-role="queue-count">2<' in html  # one analysis with a draft per hiring

    add_data(acme, 12)  # past every list's length (8 consents, 8 expiring, 10 drafts, 5 failed, 20 hirings)
    # The panels' lists, usually short, count their totals apart once they are full
    # (interview_analyzer.tenancy.first_rows_and_total): consents pending already was (14 for 8 rows); drafts awaiting
    # review, failed analyses and data expiring soon are now.
    full = queries(member)
    assert full == small + 3
    assert queries(member, HOME) == full  # the start page is the same page
    add_data(acme, 5)
    assert queries(member) == full  # and nothing grows beyond that


@pytest.mark.parametrize("role", PINNED, ids=lambda r: r.value)
def test_the_query_count_is_pinned(acme, role):
    add_data(acme, 2)
    assert queries(acme.member(role)) == PINNED[role]


def test_the_admins_health_figures_come_from_the_one_query(acme):
    """The organization's health (OPS-3) reads its totals in one query: they still count every member, the one not
    verified (ID-6) and every pending invitation, and nothing of another organization's."""
    add_data(acme, 1)  # two more interviewers and two invitations
    EmailAddress.objects.filter(user=acme.recruiter.user).update(verified=False)
    other = MembershipFactory(role=Role.INTERVIEWER)
    Invitation.objects.create(
        organization=other.organization,
        email="elsewhere@mail.test",
        role=Role.INTERVIEWER,
        token_hash=secrets.token_hex(32),
        expires_at=timezone.now() + timedelta(days=7),
    )
    page = Client()
    page.force_login(acme.admin.user)
    health = page.get(HOME).content.decode().split('id="health"')[1].split("</section>")[0]
    for value, label in (
        (6, "Active members"),
        (1, "Not verified"),
        (2, "Invitations waiting"),
        (0, "Active API keys"),
    ):
        assert f'<span class="stat-value">{value}</span><span class="stat-label">{label}</span>' in health, label
