"""The hiring pages, as the people who use them: recruiters and hiring managers run hirings, interviewers see only
their interviews (ORG-4), another organization sees nothing (ORG-5), and every bad input is a form error that stores
nothing (SEC-VAL). Writes go through the services; these tests drive them through the pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consent import services as consent_services
from hiring import services
from hiring.models import Candidate, Criterion, Decision, Hiring, Interview, InterviewQuestion
from interview_analyzer.roles import Role
from tests.factories import MembershipFactory
from tests.hiring.factories import CandidateFactory, HiringFactory, InterviewFactory

pytestmark = pytest.mark.django_db

MANAGERS = [Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER]


def browser(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def url(name: str, obj=None) -> str:
    # Adding a candidate is consent's page (CON-1); every other page here is hiring's.
    namespace = "consent" if name == "candidate_add" else "hiring"
    return reverse(f"{namespace}:{name}", args=[obj.public_id] if obj is not None else [])


def html(response) -> str:
    return response.content.decode()


def snapshot():
    """Everything the hiring pages can write, to prove a refused request changed nothing."""
    models = (Hiring, Criterion, InterviewQuestion, Candidate, Interview, Decision)
    return {model.__name__: list(model.objects.for_operators().order_by("pk").values()) for model in models}


# --- Who may open what -----------------------------------------------------------------------------------------------

# page -> (url name, attribute of the world for "own", for "other in the organization")
DETAIL_PAGES = {
    "hiring": ("hiring_detail", "own", "other"),
    "candidate": ("candidate_detail", "own_candidate", "other_candidate"),
    "interview": ("interview_detail", "own_interview", "other_interview"),
}
# role -> (own hiring, other hiring in the organization, other organization)
DETAIL_EXPECTED = {
    Role.ADMIN: (200, 200, 404),
    Role.RECRUITER: (200, 200, 404),
    Role.HIRING_MANAGER: (200, 404, 404),  # the "other" hiring is the recruiter's, without a grant
    Role.INTERVIEWER: (200, 404, 404),  # the "own" hiring holds the interview assigned to them
}


@pytest.mark.parametrize("page", list(DETAIL_PAGES))
@pytest.mark.parametrize("role", list(DETAIL_EXPECTED), ids=lambda r: r.value)
def test_detail_pages_answer_by_role_and_record(acme_world, globex_world, role, page):
    name, own_attr, other_attr = DETAIL_PAGES[page]
    client = browser(acme_world.org.member(role))
    own, other, rival = DETAIL_EXPECTED[role]
    assert client.get(url(name, getattr(acme_world, own_attr))).status_code == own
    assert client.get(url(name, getattr(acme_world, other_attr))).status_code == other
    assert client.get(url(name, getattr(globex_world, own_attr))).status_code == rival


# Pages for managing: interviewers are refused by role (403); a hidden or foreign object is a 404.
MANAGER_PAGES = [
    ("hiring_create", None),
    ("dashboard", None),
    ("hiring_edit", "own"),
    ("criterion_create", "own"),
    ("candidate_add", "own"),
    ("criterion_edit", "own_criterion"),
    ("candidate_edit", "own_candidate"),
]


@pytest.mark.parametrize(("name", "attr"), MANAGER_PAGES)
def test_manager_pages_open_for_managers_and_refuse_interviewers(acme_world, globex_world, name, attr):
    target = getattr(acme_world, attr) if attr else None
    for role in MANAGERS:
        assert browser(acme_world.org.member(role)).get(url(name, target)).status_code == 200, role
    assert browser(acme_world.org.interviewer).get(url(name, target)).status_code == 403
    if attr:
        other = getattr(acme_world, attr.replace("own", "other"))
        assert browser(acme_world.org.hiring_manager).get(url(name, other)).status_code == 404
        assert browser(acme_world.org.admin).get(url(name, getattr(globex_world, attr))).status_code == 404


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_hirings_and_my_interviews_open_for_everyone(acme_world, role):
    client = browser(acme_world.org.member(role))
    assert client.get(url("hiring_list")).status_code == 200
    assert client.get(url("my_interviews")).status_code == 200


# Writes an interviewer may not make, and a hiring manager may not make on a hiring that is not theirs.
def _writes(world):
    candidate, other_candidate = world.own_candidate, world.other_candidate
    return [
        ("candidate_stage", candidate, other_candidate, {"stage": "screening"}),
        ("decision_record", candidate, other_candidate, {"outcome": "rejected", "reason": "No."}),
        (
            "interview_schedule",
            candidate,
            other_candidate,
            {
                "interviewer": world.org.interviewer.public_id,
                "scheduled_at": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": 30,
            },
        ),
        ("criterion_delete", world.own_criterion, world.other_criterion, {}),
        ("question_create", world.own_criterion, world.other_criterion, {"text": "Why?"}),
        ("hiring_edit", world.own, world.other, {"title": "Taken over", "status": "open"}),
        ("candidate_add", world.own, world.other, {"name": "Mallory", "email": "m@mail.test"}),
    ]


def test_refused_writes_change_nothing(acme_world):
    interviewer = browser(acme_world.org.interviewer)
    manager = browser(acme_world.org.hiring_manager)
    before = snapshot()
    for name, own, other, data in _writes(acme_world):
        assert interviewer.post(url(name, own), data).status_code == 403, name
        assert manager.post(url(name, other), data).status_code == 404, name
    assert snapshot() == before


# --- Hirings ---------------------------------------------------------------------------------------------------------


def test_recruiter_creates_a_hiring_with_sanitized_description(acme):
    client = browser(acme.recruiter)
    description = '<p>Build <strong>APIs</strong></p><script>alert(1)</script><a href="javascript:alert(2)">x</a>'
    response = client.post(
        url("hiring_create"), {"title": "  Backend engineer ", "status": "open", "description": description}
    )
    hiring = Hiring.objects.visible_to(acme.recruiter).get()
    assert response.status_code == 302
    assert response["Location"] == url("hiring_detail", hiring)
    assert hiring.title == "Backend engineer"
    assert hiring.owner == acme.recruiter
    page = html(client.get(url("hiring_detail", hiring)))
    assert "<strong>APIs</strong>" in page
    assert "<script>alert(1)" not in page and "javascript:" not in page


@pytest.mark.parametrize(
    "data",
    [
        {"title": "", "status": "open"},
        {"title": "   ", "status": "open"},
        {"title": "x" * 201, "status": "open"},
        {"title": "Engineer", "status": "archived"},
        {"title": "Engineer", "status": "open", "description": "x" * 20_001},
    ],
    ids=["empty", "blank", "too-long", "bad-status", "description-too-long"],
)
def test_a_bad_hiring_is_a_form_error_and_stores_nothing(acme, data):
    response = browser(acme.hiring_manager).post(url("hiring_create"), data)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html(response)
    assert not Hiring.objects.visible_to(acme.admin).exists()


def test_hiring_manager_edits_their_hiring(acme_world):
    client = browser(acme_world.org.hiring_manager)
    data = {"title": "Staff engineer", "status": "on_hold", "description": "<p>Now senior</p>"}
    assert client.post(url("hiring_edit", acme_world.own), data).status_code == 302
    acme_world.own.refresh_from_db()
    assert (acme_world.own.title, acme_world.own.status) == ("Staff engineer", "on_hold")


def test_hiring_list_searches_filters_and_sorts(acme):
    client = browser(acme.recruiter)
    for title, status in [("Zeta analyst", "open"), ("Alpha engineer", "closed"), ("Beta engineer", "open")]:
        services.create_hiring(actor=acme.recruiter, title=title, status=status)
    page = html(client.get(url("hiring_list"), {"q": "engineer"}))
    assert "Alpha engineer" in page and "Beta engineer" in page and "Zeta analyst" not in page
    page = html(client.get(url("hiring_list"), {"q": "engineer", "status": "open"}))
    assert "Beta engineer" in page and "Alpha engineer" not in page
    page = html(client.get(url("hiring_list"), {"sort": "title"}))
    assert page.index("Alpha engineer") < page.index("Beta engineer") < page.index("Zeta analyst")
    page = html(client.get(url("hiring_list")))  # newest first
    assert page.index("Beta engineer") < page.index("Alpha engineer") < page.index("Zeta analyst")
    page = html(client.get(url("hiring_list"), {"q": "nothing like it"}))
    assert "No hiring matches your search" in page


def test_empty_list_offers_create_to_managers_only(acme):
    assert "Create hiring" in html(browser(acme.hiring_manager).get(url("hiring_list")))
    page = html(browser(acme.interviewer).get(url("hiring_list")))
    assert "Create hiring" not in page
    assert "once a recruiter assigns you an interview" in page


def test_interviewer_sees_only_the_hirings_of_their_interviews_without_pipeline(acme_world):
    page = html(browser(acme_world.org.interviewer).get(url("hiring_list")))
    assert acme_world.own.title in page
    assert acme_world.other.title not in page
    assert "Pipeline" not in page


def test_hiring_list_shows_pipeline_counts(acme_world):
    page = html(browser(acme_world.org.recruiter).get(url("hiring_list")))
    assert 'aria-label="Hired 1"' in page  # the own hiring's candidate was hired
    assert 'aria-label="Rejected 1"' in page


def test_titles_are_escaped(acme):
    hiring = services.create_hiring(actor=acme.recruiter, title="<img src=x onerror=alert(1)>")
    for page in (url("hiring_list"), url("hiring_detail", hiring)):
        body = html(browser(acme.recruiter).get(page))
        assert "<img src=x" not in body
        assert "&lt;img src=x onerror=alert(1)&gt;" in body


def test_recruiter_grants_and_revokes_a_hiring_manager(acme_world):
    recruiter = browser(acme_world.org.recruiter)
    manager = acme_world.org.hiring_manager
    assert browser(manager).get(url("hiring_detail", acme_world.other)).status_code == 404
    response = recruiter.post(url("hiring_member_grant", acme_world.other), {"member": manager.public_id})
    assert response.status_code == 302
    assert browser(manager).get(url("hiring_detail", acme_world.other)).status_code == 200
    assert manager.user.email in html(recruiter.get(url("hiring_detail", acme_world.other)))
    response = recruiter.post(url("hiring_member_revoke", acme_world.other), {"member": manager.public_id})
    assert response.status_code == 302
    assert browser(manager).get(url("hiring_detail", acme_world.other)).status_code == 404


def test_granting_someone_of_another_organization_is_a_form_error(acme_world, globex):
    response = browser(acme_world.org.recruiter).post(
        url("hiring_member_grant", acme_world.other), {"member": globex.hiring_manager.public_id}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in html(response)
    assert acme_world.other not in Hiring.objects.visible_to(globex.hiring_manager)


# --- Criteria and the interview kit -----------------------------------------------------------------------------------


def test_hiring_manager_adds_edits_and_deletes_a_criterion(acme_world):
    client = browser(acme_world.org.hiring_manager)
    hiring = acme_world.own
    version = hiring.criteria_version
    data = {"name": "Communication", "weight": "4", "anchor_1": "Vague", "anchor_5": "Crisp and concrete"}
    response = client.post(url("criterion_create", hiring), {**data, "add_another": "1"})
    assert response["Location"] == url("criterion_create", hiring)
    criterion = Criterion.objects.visible_to(acme_world.org.hiring_manager).get(name="Communication")
    assert (criterion.weight, criterion.anchor_5) == (4, "Crisp and concrete")
    page = html(client.get(url("hiring_detail", hiring)))
    assert "Crisp and concrete" in page and f'id="{criterion.public_id}"' in page

    assert client.post(url("criterion_edit", criterion), {**data, "weight": "2"}).status_code == 302
    criterion.refresh_from_db()
    assert criterion.weight == 2
    assert client.post(url("criterion_delete", criterion)).status_code == 302
    assert not Criterion.objects.visible_to(acme_world.org.admin).filter(pk=criterion.pk).exists()
    hiring.refresh_from_db()
    assert hiring.criteria_version > version


def test_deleting_a_criterion_asks_for_confirmation_and_only_by_post(acme_world):
    client = browser(acme_world.org.recruiter)
    page = html(client.get(url("criterion_edit", acme_world.own_criterion)))
    assert '<details class="confirm">' in page and "Yes, delete" in page
    assert client.get(url("criterion_delete", acme_world.own_criterion)).status_code == 405
    assert Criterion.objects.visible_to(acme_world.org.admin).filter(pk=acme_world.own_criterion.pk).exists()


@pytest.mark.parametrize(
    "data",
    [
        {"name": "", "weight": "3"},
        {"name": "Design", "weight": "9"},
        {"name": "Design", "weight": "3", "anchor_1": "x" * 301},
    ],
    ids=["no-name", "weight-out-of-range", "anchor-too-long"],
)
def test_a_bad_criterion_stores_nothing(acme_world, data):
    before = snapshot()
    response = browser(acme_world.org.recruiter).post(url("criterion_create", acme_world.own), data)
    assert response.status_code == 400
    assert snapshot() == before


def test_questions_are_added_from_the_hiring_page_and_the_criterion_page(acme_world):
    client = browser(acme_world.org.hiring_manager)
    criterion = acme_world.own_criterion
    response = client.post(url("question_create", criterion), {"text": "Design a URL shortener."})
    assert response["Location"].endswith(f"#{criterion.public_id}")
    response = client.post(url("question_create", criterion), {"text": "How would it fail?", "from": "criterion"})
    assert response["Location"].endswith("#kit")
    assert [q.text for q in criterion.questions.all()] == ["Design a URL shortener.", "How would it fail?"]
    assert "How would it fail?" in html(client.get(url("hiring_detail", acme_world.own)))


@pytest.mark.parametrize("origin", ["hiring", "criterion"])
def test_an_empty_question_is_a_form_error_where_it_was_asked(acme_world, origin):
    before = snapshot()
    response = browser(acme_world.org.hiring_manager).post(
        url("question_create", acme_world.own_criterion), {"text": "  ", "from": origin}
    )
    assert response.status_code == 400
    assert "Write the question." in html(response)
    assert snapshot() == before


# --- Candidates ------------------------------------------------------------------------------------------------------


def test_recruiter_adds_a_candidate(acme_world):
    client = browser(acme_world.org.recruiter)
    data = {"name": "Grace Hopper", "email": "Grace@Mail.TEST", "phone": "+46 70 123 45 67", "notes": "Referred."}
    response = client.post(url("candidate_add", acme_world.other), data)
    candidate = Candidate.objects.visible_to(acme_world.org.recruiter).get(name="Grace Hopper")
    assert response["Location"] == url("candidate_detail", candidate)
    assert (candidate.email, candidate.hiring, candidate.stage) == ("grace@mail.test", acme_world.other, "applied")
    page = html(client.get(url("candidate_detail", candidate)))
    assert "grace@mail.test" in page and "+46 70 123 45 67" in page and "Referred." in page


@pytest.mark.parametrize(
    "data",
    [{"name": "Grace", "email": "not-an-email"}, {"name": "", "email": "g@mail.test"}, {"name": "G", "email": ""}],
    ids=["bad-email", "no-name", "no-email"],
)
def test_a_bad_candidate_stores_nothing(acme_world, data):
    before = snapshot()
    response = browser(acme_world.org.recruiter).post(url("candidate_add", acme_world.own), data)
    assert response.status_code == 400
    assert snapshot() == before


def test_candidate_details_are_edited(acme_world):
    client = browser(acme_world.org.hiring_manager)
    data = {"name": "Ada Lovelace", "email": "ada@mail.test", "phone": "", "notes": "Strong systems thinking."}
    assert client.post(url("candidate_edit", acme_world.own_candidate), data).status_code == 302
    acme_world.own_candidate.refresh_from_db()
    assert (acme_world.own_candidate.name, acme_world.own_candidate.notes) == (data["name"], data["notes"])


def test_stage_changes_and_decisions_cannot_be_disguised_as_stages(acme_world):
    client = browser(acme_world.org.recruiter)
    candidate = acme_world.other_candidate
    assert client.post(url("candidate_stage", candidate), {"stage": "offer"}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.stage == "offer"
    response = client.post(url("candidate_stage", candidate), {"stage": "hired"})
    assert response.status_code == 400
    candidate.refresh_from_db()
    assert candidate.stage == "offer"


def test_interviewer_sees_only_the_minimum_about_a_candidate(acme_world):
    candidate = acme_world.own_candidate
    services.update_candidate(
        actor=acme_world.org.recruiter, candidate=candidate, phone="+46 70 555 01 02", notes="Private: salary 80k."
    )
    page = html(browser(acme_world.org.interviewer).get(url("candidate_detail", candidate)))
    assert candidate.name in page and acme_world.own.title in page
    assert url("interview_detail", acme_world.own_interview) in page
    for secret in (candidate.email, "+46 70 555 01 02", "salary 80k", acme_world.own_decision.reason, "Documents"):
        assert secret not in page


# --- Interviews and decisions ----------------------------------------------------------------------------------------


def test_recruiter_schedules_an_interview_with_an_active_member(acme_world):
    client = browser(acme_world.org.recruiter)
    candidate = acme_world.other_candidate
    when = (timezone.localtime() + timedelta(days=5)).replace(second=0, microsecond=0)
    data = {
        "interviewer": acme_world.org.interviewer.public_id,
        "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60",
    }
    page = html(client.get(url("candidate_detail", candidate)))
    assert f'value="{acme_world.org.interviewer.public_id}"' in page  # public ids in the HTML, never keys (ORG-6)
    assert client.post(url("interview_schedule", candidate), data).status_code == 302
    interview = Interview.objects.visible_to(acme_world.org.interviewer).get(candidate=candidate)
    assert (interview.scheduled_at, interview.duration_minutes) == (when, 60)
    assert browser(acme_world.org.interviewer).get(url("interview_detail", interview)).status_code == 200


@pytest.mark.parametrize("problem", ["rival-member", "past", "too-short", "not-a-date"])
def test_a_bad_interview_is_a_form_error_and_stores_nothing(acme_world, globex, problem):
    data = {
        "interviewer": acme_world.org.interviewer.public_id,
        "scheduled_at": (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "45",
    }
    if problem == "rival-member":
        data["interviewer"] = globex.interviewer.public_id
    elif problem == "past":
        data["scheduled_at"] = (timezone.localtime() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    elif problem == "too-short":
        data["duration_minutes"] = "2"
    else:
        data["scheduled_at"] = "tomorrow-ish"
    before = snapshot()
    response = browser(acme_world.org.recruiter).post(url("interview_schedule", acme_world.other_candidate), data)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html(response)
    assert snapshot() == before


def test_interview_is_reassigned(acme_world):
    client = browser(acme_world.org.recruiter)
    response = client.post(
        url("interview_reassign", acme_world.other_interview), {"interviewer": acme_world.org.hiring_manager.public_id}
    )
    assert response.status_code == 302
    acme_world.other_interview.refresh_from_db()
    assert acme_world.other_interview.interviewer == acme_world.org.hiring_manager


def test_a_decision_is_recorded_with_who_and_when(acme_world):
    client = browser(acme_world.org.recruiter)
    candidate = acme_world.other_candidate
    response = client.post(url("decision_record", candidate), {"outcome": "hired", "reason": "Best SQL evidence."})
    assert response.status_code == 302
    decision = Decision.objects.visible_to(acme_world.org.recruiter).filter(candidate=candidate).first()
    assert (decision.outcome, decision.decided_by_email) == ("hired", acme_world.org.recruiter.user.email)
    candidate.refresh_from_db()
    assert candidate.stage == "hired"
    page = html(client.get(url("candidate_detail", candidate)))
    assert "Best SQL evidence." in page and f"by {acme_world.org.recruiter.user.email} on" in page


@pytest.mark.parametrize(
    "data", [{"outcome": "hired", "reason": "   "}, {"outcome": "maybe", "reason": "Unsure."}], ids=["no-reason", "bad"]
)
def test_a_bad_decision_stores_nothing(acme_world, data):
    before = snapshot()
    response = browser(acme_world.org.recruiter).post(url("decision_record", acme_world.other_candidate), data)
    assert response.status_code == 400
    assert snapshot() == before


def test_my_interviews_lists_only_mine_upcoming_first(acme_world):
    org = acme_world.org
    soon = services.schedule_interview(
        actor=org.recruiter,
        candidate=acme_world.own_candidate,
        interviewer=org.interviewer,
        scheduled_at=timezone.now() + timedelta(hours=2),
    )
    page = html(browser(org.interviewer).get(url("my_interviews")))
    assert page.index(url("interview_detail", soon)) < page.index(url("interview_detail", acme_world.own_interview))
    assert url("interview_detail", acme_world.other_interview) not in page
    assert acme_world.other_candidate.name not in page


def test_interview_page_shows_the_kit(acme_world):
    services.add_question(actor=acme_world.org.recruiter, criterion=acme_world.own_criterion, text="Scale a queue?")
    page = html(browser(acme_world.org.interviewer).get(url("interview_detail", acme_world.own_interview)))
    assert acme_world.own_criterion.name in page and "Scale a queue?" in page
    assert acme_world.own_candidate.email not in page


# --- Dashboard and query counts --------------------------------------------------------------------------------------


def test_dashboard_shows_pipelines_awaiting_reviews_expiring_data_and_consents(acme_world):
    org = acme_world.org
    overdue = services.schedule_interview(
        actor=org.recruiter,
        candidate=acme_world.other_candidate,
        interviewer=org.interviewer,
        scheduled_at=timezone.now() - timedelta(days=1),
    )
    page = html(browser(org.recruiter).get(url("dashboard")))
    assert acme_world.own.title in page and acme_world.other.title in page
    assert url("interview_detail", overdue) in page
    assert url("interview_detail", acme_world.own_interview) not in page  # upcoming, not awaiting review
    assert "Data expiring soon" in page and "Consents pending" in page
    manager_page = html(browser(org.hiring_manager).get(url("dashboard")))
    assert acme_world.other.title not in manager_page and url("interview_detail", overdue) not in manager_page


def _add_candidates(hiring, count, interviewer):
    for candidate in CandidateFactory.create_batch(count, hiring=hiring, organization=hiring.organization):
        InterviewFactory(candidate=candidate, organization=hiring.organization, interviewer=interviewer)


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["hiring_detail", "dashboard", "hiring_list"])
@pytest.mark.parametrize("role", [Role.RECRUITER, Role.HIRING_MANAGER], ids=lambda r: r.value)
def test_pages_cost_the_same_for_5_and_200_candidates(acme, page, role):
    member = acme.member(role)
    hiring = HiringFactory(owner=acme.hiring_manager, organization=acme.organization)
    path = url(page, hiring if page == "hiring_detail" else None)
    client = browser(member)
    _add_candidates(hiring, 5, acme.interviewer)
    few = _queries(client, path)
    _add_candidates(hiring, 195, acme.interviewer)
    assert _queries(client, path) == few


def test_interviewer_pages_cost_the_same_for_5_and_200_interviews(acme):
    hiring = HiringFactory(owner=acme.hiring_manager, organization=acme.organization)
    client = browser(acme.interviewer)
    _add_candidates(hiring, 5, acme.interviewer)
    few = {name: _queries(client, url(name)) for name in ("my_interviews", "hiring_list")}
    _add_candidates(hiring, 195, acme.interviewer)
    assert {name: _queries(client, url(name)) for name in few} == few


def test_candidates_are_filtered_by_stage_and_searched(acme_world):
    client = browser(acme_world.org.recruiter)
    hiring = acme_world.other
    consent_services.add_candidate(
        actor=acme_world.org.recruiter, hiring=hiring, name="Cleo Screen", email="cleo@mail.test"
    )
    page = html(client.get(url("hiring_detail", hiring), {"stage": "rejected"}))
    assert acme_world.other_candidate.name in page and "Cleo Screen" not in page
    page = html(client.get(url("hiring_detail", hiring), {"q": "cleo@"}))
    assert "Cleo Screen" in page and acme_world.other_candidate.name not in page
    assert "No candidate matches." in html(client.get(url("hiring_detail", hiring), {"q": "zzz"}))


def test_pipeline_counts_are_not_inflated_by_grants(acme):
    """The owner reads a hiring shared with two colleagues: each candidate still counts once."""
    owner = acme.hiring_manager
    hiring = services.create_hiring(actor=owner, title="Counted")
    for n in range(3):
        consent_services.add_candidate(actor=owner, hiring=hiring, name=f"C{n}", email=f"c{n}@mail.test")
    for _ in range(2):
        colleague = MembershipFactory(organization=acme.organization, role=Role.HIRING_MANAGER)
        services.grant_hiring_access(actor=owner, hiring=hiring, member=colleague)
    page = html(browser(owner).get(url("hiring_list")))
    assert 'aria-label="Applied 3"' in page
