"""Interviewer scorecards (issue 14, AI-3, AI-4, ORG-4, ORG-5): each interviewer rates the hiring's criteria for the
interview they ran, pre-filled from the AI analysis; a submitted scorecard is final, theirs (who and when, audited);
others' scorecards are visible to an interviewer only after they submitted their own for the same candidate, and
hiring managers and up see every submitted one beside the AI scores. Pages through Django's test client, the API
through the real endpoints; every refusal stores nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import AuditEvent
from ai_analysis import signals
from ai_analysis.models import Review, Score, Scorecard, ScorecardRating
from hiring.models import Interview
from interview_analyzer.roles import Role
from tests.ai_analysis import pipeline_world as pw
from tests.ai_analysis.test_pages import analysed
from tests.factories import MembershipFactory
from tests.hiring.factories import InterviewFactory

pytestmark = pytest.mark.django_db


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def api_for(member) -> APIClient:
    client = APIClient()
    client.force_login(member.user)
    return client


@pytest.fixture
def world(acme):
    world = pw.build(acme)
    Interview.objects.for_operators().filter(pk=world.interview.pk).update(
        scheduled_at=timezone.now() - timedelta(hours=2)
    )
    world.interview.refresh_from_db()
    return world


@pytest.fixture
def second(world):
    """A second interviewer of the same candidate, in an interview of their own."""
    other = MembershipFactory(organization=world.org.organization, role=Role.INTERVIEWER)
    interview = InterviewFactory(
        candidate=world.candidate,
        interviewer=other,
        organization=world.org.organization,
        scheduled_at=timezone.now() - timedelta(hours=1),
    )
    return other, interview


def criteria(world):
    return list(world.hiring.criteria.order_by("position", "pk"))


def form_data(world, values, *, action="submit", notes=None, quotes=None):
    data = {"action": action}
    for index, criterion in enumerate(criteria(world)):
        data[f"value_{criterion.public_id}"] = values[index]
        data[f"note_{criterion.public_id}"] = (notes or {}).get(index, f"Note {index}")
        if quotes and index in quotes:
            data[f"quotes_{criterion.public_id}"] = quotes[index]
    return data


def scorecard_url(interview):
    return f"/interviews/{interview.public_id}/scorecard/"


def stored():
    return (
        list(Scorecard.objects.for_operators().order_by("pk").values()),
        list(ScorecardRating.objects.for_operators().order_by("pk").values()),
    )


# --- Pre-fill --------------------------------------------------------------------------------------------------


def test_the_form_is_prefilled_from_the_draft_analysis_and_from_approved_scores_first(world):
    analysis = analysed(world)
    scores = list(Score.objects.for_operators().filter(analysis=analysis).order_by("pk"))
    Score.objects.for_operators().filter(pk=scores[0].pk).update(
        value=5, status=Review.APPROVED, reviewed_at=timezone.now(), rationale="Approved reason."
    )
    Score.objects.for_operators().filter(pk=scores[2].pk).update(status=Review.REJECTED, reviewed_at=timezone.now())
    response = client_for(world.org.interviewer).get(scorecard_url(world.interview))
    assert response.status_code == 200
    form = response.context["form"]
    first, second_, third = criteria(world)
    assert form.initial[f"value_{first.public_id}"] == "5"
    assert form.initial[f"note_{first.public_id}"] == "Approved reason."
    assert form.initial[f"value_{second_.public_id}"] == "3"  # the draft
    assert f"value_{third.public_id}" not in form.initial  # a rejected score pre-fills nothing
    quoted = scores[0].evidence.get().turn.public_id
    assert form.initial[f"quotes_{first.public_id}"] == [quoted]
    html = response.content.decode()
    assert "Pre-filled from the AI analysis" in html and "Approved AI score:" in html and "AI draft score:" in html


def test_without_an_analysis_the_form_starts_empty(world):
    response = client_for(world.org.interviewer).get(scorecard_url(world.interview))
    assert response.status_code == 200
    assert response.context["form"].initial == {}
    assert "Pre-filled" not in response.content.decode()


# --- Submitting through the page ---------------------------------------------------------------------------------


def test_an_interviewer_submits_a_scorecard_that_is_theirs_audited_and_signalled(world):
    analysis = analysed(world)
    turn = analysis.turns.filter(speaker="candidate").first()
    heard = []

    def receiver(sender, scorecard, **kwargs):
        heard.append(scorecard.public_id)

    signals.scorecard_submitted.connect(receiver)
    try:
        response = client_for(world.org.interviewer).post(
            scorecard_url(world.interview), form_data(world, ["4", "none", "2"], quotes={0: [turn.public_id]})
        )
    finally:
        signals.scorecard_submitted.disconnect(receiver)
    assert response.status_code == 302
    card = Scorecard.objects.for_operators().get()
    assert card.status == Scorecard.Status.SUBMITTED and card.author == world.org.interviewer
    assert card.submitted_at is not None and card.analysis == analysis
    ratings = list(card.ratings.order_by("criterion__position", "criterion_id"))
    assert [rating.value for rating in ratings] == [4, None, 2]
    assert ratings[0].quotes == [
        {"turn": turn.public_id, "quote": turn.text, "start_s": turn.start_s, "end_s": turn.end_s}
    ]
    event = AuditEvent.objects.get(action="scorecard.submitted")
    assert event.target == card.public_id and event.actor == world.org.interviewer.user
    assert heard == [card.public_id]
    page = client_for(world.org.interviewer).get(scorecard_url(world.interview))
    assert page.context["form"] is None and "It is final." in page.content.decode()


def test_a_draft_is_editable_until_submitted_and_final_after(world):
    client = client_for(world.org.interviewer)
    assert (
        client.post(scorecard_url(world.interview), form_data(world, ["1", "1", "1"], action="save")).status_code == 302
    )
    card = Scorecard.objects.for_operators().get()
    assert card.status == Scorecard.Status.DRAFT
    assert client.post(scorecard_url(world.interview), form_data(world, ["3", "3", "3"])).status_code == 302
    card.refresh_from_db()
    assert card.status == Scorecard.Status.SUBMITTED
    assert [r.value for r in card.ratings.all()] == [3, 3, 3]
    before = stored()
    response = client.post(scorecard_url(world.interview), form_data(world, ["5", "5", "5"]))
    assert response.status_code == 409
    assert stored() == before
    api = api_for(world.org.interviewer)
    payload = {
        "interview": world.interview.public_id,
        "ratings": [{"criterion": c.public_id, "value": 5} for c in criteria(world)],
    }
    assert api.post("/api/v1/scorecards/", payload, format="json").status_code == 409
    assert api.post(f"/api/v1/scorecards/{card.public_id}/submit/").status_code == 409
    assert stored() == before


@pytest.mark.parametrize(
    "values, quotes, message",
    [
        (["", "3", "3"], None, "Choose a rating from 1 to 5"),
        (["6", "3", "3"], None, "A rating is 1 to 5"),
        (["abc", "3", "3"], None, "A rating is 1 to 5"),
        (["3", "3", "3"], {0: ["turn_doesnotexist"]}, "Quotes can only come from what the candidate said"),
        (["none", "3", "3"], {0: ["CANDIDATE"]}, "cannot rest on quotes"),
        (["3", "3", "3"], {0: ["INTERVIEWER"]}, "Quotes can only come from what the candidate said"),
    ],
)
def test_every_bad_input_on_the_page_is_a_form_error_and_stores_nothing(world, values, quotes, message):
    analysis = analysed(world)
    candidate_turn = analysis.turns.filter(speaker="candidate").first().public_id
    interviewer_turn = analysis.turns.filter(speaker="interviewer").first().public_id
    if quotes:
        quotes = {
            k: [candidate_turn if v == "CANDIDATE" else interviewer_turn if v == "INTERVIEWER" else v for v in vs]
            for k, vs in quotes.items()
        }
    response = client_for(world.org.interviewer).post(
        scorecard_url(world.interview), form_data(world, values, quotes=quotes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert stored() == ([], [])


def test_a_note_too_long_is_a_form_error(world):
    response = client_for(world.org.interviewer).post(
        scorecard_url(world.interview), form_data(world, ["3", "3", "3"], notes={1: "x" * 5001})
    )
    assert response.status_code == 400 and stored() == ([], [])


def test_only_the_interviews_interviewer_writes_its_scorecard(world):
    payload = {
        "interview": world.interview.public_id,
        "ratings": [{"criterion": c.public_id, "value": 3} for c in criteria(world)],
    }
    for member in (world.org.recruiter, world.org.admin):  # they see the interview, but did not run it
        response = client_for(member).post(scorecard_url(world.interview), form_data(world, ["3", "3", "3"]))
        assert response.status_code == 403
        assert api_for(member).post("/api/v1/scorecards/", payload, format="json").status_code == 403
    # A hiring manager of another hiring does not even see the interview (ORG-4): 404, and 400 "does not exist".
    manager = world.org.hiring_manager
    assert client_for(manager).post(scorecard_url(world.interview), form_data(world, ["3"] * 3)).status_code == 404
    assert api_for(manager).post("/api/v1/scorecards/", payload, format="json").status_code == 400
    assert stored() == ([], [])


def test_a_cancelled_interview_takes_no_scorecard(world):
    Interview.objects.for_operators().filter(pk=world.interview.pk).update(status=Interview.Status.CANCELLED)
    response = client_for(world.org.interviewer).post(scorecard_url(world.interview), form_data(world, ["3", "3", "3"]))
    assert response.status_code == 403 and stored() == ([], [])


def test_a_rival_organization_gets_404_everywhere(world, globex):
    card = _submit(world, world.org.interviewer, world.interview)
    for member in (globex.admin, globex.interviewer):
        assert client_for(member).get(scorecard_url(world.interview)).status_code == 404
        api = api_for(member)
        assert api.get(f"/api/v1/scorecards/{card.public_id}/").status_code == 404
        assert api.post(f"/api/v1/scorecards/{card.public_id}/submit/").status_code == 404
        assert _ids(api.get("/api/v1/scorecards/")) == set()


# --- Independent judgement ---------------------------------------------------------------------------------------


def _submit(world, member, interview, values=(3, 3, 3), *, submit=True):
    api = api_for(member)
    payload = {
        "interview": interview.public_id,
        "ratings": [
            {"criterion": c.public_id, "value": v, "note": "n"} for c, v in zip(criteria(world), values, strict=True)
        ],
    }
    response = api.post("/api/v1/scorecards/", payload, format="json")
    assert response.status_code in (200, 201), response.content
    card_id = response.json()["id"]
    if submit:
        response = api.post(f"/api/v1/scorecards/{card_id}/submit/")
        assert response.status_code == 200, response.content
        assert response.json()["status"] == "submitted" and response.json()["submitted_at"]
    return Scorecard.objects.for_operators().get(public_id=card_id)


def _ids(response):
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def test_interviewer_a_sees_bs_scorecard_only_after_submitting_their_own(world, second):
    other, other_interview = second
    b_card = _submit(world, other, other_interview, (5, 5, 5))
    a = world.org.interviewer
    api = api_for(a)
    assert _ids(api.get("/api/v1/scorecards/")) == set()
    assert api.get(f"/api/v1/scorecards/{b_card.public_id}/").status_code == 404
    candidate_page = client_for(a).get(f"/candidates/{world.candidate.public_id}/").content.decode()
    assert "after you submitted your own" in candidate_page and other.user.display_name not in candidate_page
    a_draft = _submit(world, a, world.interview, (2, 2, 2), submit=False)
    assert _ids(api.get("/api/v1/scorecards/")) == {a_draft.public_id}  # a draft is not enough
    assert not Scorecard.objects.visible_to(other).filter(pk=a_draft.pk).exists()  # and nobody else sees it
    api.post(f"/api/v1/scorecards/{a_draft.public_id}/submit/")
    assert _ids(api.get("/api/v1/scorecards/")) == {a_draft.public_id, b_card.public_id}
    assert api.get(f"/api/v1/scorecards/{b_card.public_id}/").json()["ratings"][0]["value"] == 5
    candidate_page = client_for(a).get(f"/candidates/{world.candidate.public_id}/").content.decode()
    assert other.user.display_name in candidate_page


def test_a_scorecard_of_another_candidate_does_not_open_this_ones(world, second):
    other, other_interview = second
    b_card = _submit(world, other, other_interview)
    elsewhere = InterviewFactory(
        interviewer=world.org.interviewer,
        organization=world.org.organization,
        candidate__organization=world.org.organization,
        candidate__hiring=world.hiring,
        scheduled_at=timezone.now() - timedelta(days=1),
    )
    _submit(world, world.org.interviewer, elsewhere)
    assert not Scorecard.objects.visible_to(world.org.interviewer).filter(pk=b_card.pk).exists()


def test_managers_see_every_submitted_scorecard_beside_the_ai_scores_but_no_draft(world, second):
    other, other_interview = second
    analysis = analysed(world)
    score = Score.objects.for_operators().filter(analysis=analysis).order_by("pk").first()
    Score.objects.for_operators().filter(pk=score.pk).update(
        value=4, status=Review.APPROVED, reviewed_at=timezone.now()
    )
    _submit(world, other, other_interview, (5, None, 1))
    draft = _submit(world, world.org.interviewer, world.interview, submit=False)
    for member in (world.org.recruiter, world.org.admin):
        html = client_for(member).get(f"/candidates/{world.candidate.public_id}/").content.decode()
        section = html.split('id="scorecards"')[1].split("</section>")[0]
        assert other.user.display_name in section and world.org.interviewer.user.display_name not in section
        assert "AI (approved)" in section and ">4<" in section and "no evidence" in section
        assert draft.public_id not in _ids(api_for(member).get("/api/v1/scorecards/"))


def test_the_comparison_shows_the_interviewers_ratings_beside_the_ai_score(world, second):
    other, other_interview = second
    _submit(world, other, other_interview, (5, None, 1))
    _submit(world, world.org.interviewer, world.interview, (4, None, 2))
    response = client_for(world.org.recruiter).get(f"/hirings/{world.hiring.public_id}/compare")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Interviewers: 4.5 (2 scorecards)" in html
    assert "Interviewers: no evidence" in html
    assert "Interviewers: 1.5 (2 scorecards)" in html


# --- API input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mutate",
    [
        lambda p, w: p["ratings"].pop(),  # a criterion missing
        lambda p, w: p["ratings"].append(dict(p["ratings"][0])),  # a criterion twice
        lambda p, w: p["ratings"][0].update(value=0),
        lambda p, w: p["ratings"][0].update(value="five"),
        lambda p, w: p["ratings"][0].update(criterion="crit_nothere"),
        lambda p, w: p["ratings"][0].update(quotes=["turn_nothere"]),
        lambda p, w: p["ratings"][0].update(note="x" * 5001),
        lambda p, w: p["ratings"][0].update(status="submitted"),  # not writable
        lambda p, w: p.update(author="someone"),
        lambda p, w: p.update(interview="intv_nothere"),
        lambda p, w: p.update(ratings="all fives"),
    ],
)
def test_every_bad_api_input_is_a_400_and_stores_nothing(world, mutate):
    payload = {
        "interview": world.interview.public_id,
        "ratings": [{"criterion": c.public_id, "value": 3, "note": ""} for c in criteria(world)],
    }
    mutate(payload, world)
    response = api_for(world.org.interviewer).post("/api/v1/scorecards/", payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()
    assert stored() == ([], [])


def test_a_criterion_of_another_hiring_is_refused(world, acme):
    other = pw.build(acme)
    foreign = other.hiring.criteria.first()
    payload = {
        "interview": world.interview.public_id,
        "ratings": [{"criterion": c.public_id, "value": 3} for c in criteria(world)[:-1]]
        + [{"criterion": foreign.public_id, "value": 3}],
    }
    response = api_for(world.org.interviewer).post("/api/v1/scorecards/", payload, format="json")
    assert response.status_code == 400 and stored() == ([], [])


def test_saving_again_replaces_the_draft_and_answers_200(world):
    first = _submit(world, world.org.interviewer, world.interview, (1, 1, 1), submit=False)
    api = api_for(world.org.interviewer)
    payload = {
        "interview": world.interview.public_id,
        "ratings": [{"criterion": c.public_id, "value": 4} for c in criteria(world)],
    }
    response = api.post("/api/v1/scorecards/", payload, format="json")
    assert response.status_code == 200 and response.json()["id"] == first.public_id
    assert [r["value"] for r in response.json()["ratings"]] == [4, 4, 4]
    assert ScorecardRating.objects.for_operators().count() == 3


# --- Home and interview pages ------------------------------------------------------------------------------------


def test_the_interviewers_home_lists_the_scorecards_to_submit(world):
    upcoming = InterviewFactory(
        candidate=world.candidate, interviewer=world.org.interviewer, organization=world.org.organization
    )
    client = client_for(world.org.interviewer)
    html = client.get("/").content.decode()
    section = html.split('id="scorecards-to-submit"')[1].split("</section>")[0]
    assert scorecard_url(world.interview) in section and scorecard_url(upcoming) not in section
    assert 'data-role="to-submit-count">1<' in section
    _submit(world, world.org.interviewer, world.interview)
    html = client.get("/").content.decode()
    assert 'data-role="to-submit-count">0<' in html and "Every scorecard of your past interviews is submitted." in html


def test_the_interview_page_leads_to_the_scorecard(world):
    html = client_for(world.org.interviewer).get(f"/interviews/{world.interview.public_id}/").content.decode()
    assert "Write your scorecard" in html and scorecard_url(world.interview) in html
    _submit(world, world.org.interviewer, world.interview)
    html = client_for(world.org.recruiter).get(f"/interviews/{world.interview.public_id}/").content.decode()
    assert "1 scorecard submitted." in html
