"""One queue, and a start page that shows what needs each person (OPS-3, AI-3, ORG-2): "Drafts awaiting your review"
counts every finished analysis with a draft left (it said 0 while 8 waited), oldest first; recruiters, hiring
managers and admins land on the dashboard at ``/``, admins also see the organization's health, interviewers land
on their interviews, and someone without an organization or not verified yet gets the welcome card."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from django.utils import timezone

from ai_analysis import review
from ai_analysis.models import Analysis, Feedback, Score
from tests.ai_analysis import pipeline_world as pw
from tests.ai_analysis.test_pages import analysed
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def queue(html: str) -> str:
    return html.split('id="review-queue"')[1].split("</section>")[0]


def waiting(acme, count: int) -> list[Analysis]:
    """``count`` finished analyses with drafts, each ready a day earlier than the next."""
    made = []
    for number in range(count):
        world = pw.build(acme)
        analysis = analysed(world)
        Analysis.objects.for_operators().filter(pk=analysis.pk).update(
            finished_at=timezone.now() - timedelta(days=count - number)
        )
        made.append(analysis)
    return made


def test_eight_drafts_waiting_are_counted_eight_oldest_first(acme):
    analyses = waiting(acme, 8)
    html = client_for(acme.recruiter).get("/").content.decode()
    section = queue(html)
    assert 'data-role="queue-count">8<' in section
    links = [section.index(f"/analyses/{a.public_id}/#scores") for a in analyses]
    assert links == sorted(links)  # the longest waiting first


def test_reviewed_analyses_leave_the_queue_and_more_than_ten_are_counted_all(acme):
    analyses = waiting(acme, 12)
    done = analyses[0]
    # Reviewed the way a person reviews: through the review services, which keep each analysis's count.
    for score in Score.objects.for_operators().filter(analysis=done):
        review.approve_score(actor=acme.recruiter, score=score)
    for feedback in Feedback.objects.for_operators().filter(analysis=done):
        review.approve_feedback(actor=acme.recruiter, feedback=feedback)
    for feedback in Feedback.objects.for_operators().filter(analysis=analyses[1]):
        review.reject_feedback(actor=acme.recruiter, feedback=feedback)
    section = queue(client_for(acme.recruiter).get("/hirings/dashboard/").content.decode())
    assert 'data-role="queue-count">11<' in section  # 12 less the one fully reviewed; draft scores still count
    assert f"/analyses/{done.public_id}/" not in section
    assert section.count("#scores") == 10
    assert "The 10 longest waiting of 11 analyses." in section


def test_a_hiring_manager_sees_only_the_drafts_of_their_hirings(acme):
    mine = pw.build(acme)
    mine.hiring.owner = acme.hiring_manager
    mine.hiring.save()
    analysed(mine)
    waiting(acme, 2)  # owned by the recruiter: not the hiring manager's
    section = queue(client_for(acme.hiring_manager).get("/").content.decode())
    assert 'data-role="queue-count">1<' in section


def test_failed_analyses_are_listed_to_retry_or_replace(acme):
    world = pw.build(acme)
    analysis = analysed(world)
    Analysis.objects.for_operators().filter(pk=analysis.pk).update(status=Analysis.Status.FAILED)
    section = queue(client_for(acme.recruiter).get("/").content.decode())
    assert "1 analysis failed" in section and f"/analyses/{analysis.public_id}/#recovery" in section


def test_recruiters_land_on_the_dashboard_titled_with_their_organization(acme):
    response = client_for(acme.recruiter).get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<h1>{acme.organization.name}</h1>" in html and "Pipeline per hiring" in html
    assert "Drafts awaiting your review" in html
    assert "Organization health" not in html  # admins only


def test_admins_also_see_the_organizations_health(acme):
    EmailAddress.objects.filter(user=acme.recruiter.user).update(verified=False)
    html = client_for(acme.admin).get("/").content.decode()
    health = html.split('id="health"')[1].split("</section>")[0]
    assert "Organization health" in health
    assert '<span class="stat-value">4</span><span class="stat-label">Active members</span>' in health
    assert '<span class="stat-value">1</span><span class="stat-label">Not verified</span>' in health
    assert "Storage:" in health


def test_interviewers_land_on_their_interviews(acme):
    world = pw.build(acme)
    html = client_for(acme.interviewer).get("/").content.decode()
    assert "<h1>My interviews</h1>" in html and world.candidate.name in html
    assert "Drafts awaiting your review" not in html


def test_members_not_verified_and_people_without_an_organization_get_the_welcome_card(acme):
    EmailAddress.objects.filter(user=acme.recruiter.user).update(verified=False)
    html = client_for(acme.recruiter).get("/").content.decode()
    assert "Not yet — check your inbox" in html and "Pipeline per hiring" not in html
    loner = MembershipFactory(organization=acme.organization, role="recruiter")
    loner.is_active = False
    loner.save()
    html = client_for(loner).get("/").content.decode()
    assert "You are not a member of an organization yet" in html


def test_visitors_get_the_landing_page(client):
    response = client.get("/")
    assert response.status_code == 200 and "Sign in" in response.content.decode()
    assert client.head("/").status_code == 200
    assert client.post("/").status_code == 405
