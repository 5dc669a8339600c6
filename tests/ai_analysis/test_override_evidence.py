"""Human overrides carry evidence (AI-3, AI-4, RET-7): a reviewer who sets their own score picks the candidate's
words it rests on, quoted verbatim with their time; a score no quote supports is shown as the reviewer's judgement,
never under "rests on quotes", on the analysis page, the explanation (page and API) and the comparison."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from ai_analysis.models import Evidence, Review, Score
from tests.ai_analysis import pipeline_world as pw
from tests.ai_analysis.test_pages import analysed, snapshot

pytestmark = pytest.mark.django_db


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def world(acme):
    return pw.build(acme)


def scores(analysis) -> list[Score]:
    return list(Score.objects.for_operators().filter(analysis=analysis).order_by("pk"))


def turns(analysis, speaker):
    return list(analysis.turns.filter(speaker=speaker).order_by("index"))


def edit(member, score, **data):
    return client_for(member).post(f"/scores/{score.public_id}/edit", data)


def test_the_edit_form_offers_the_candidates_turns_with_their_time(world):
    analysis = analysed(world)
    html = client_for(world.org.recruiter).get(f"/analyses/{analysis.public_id}/").content.decode()
    assert "Quotes your score rests on" in html
    for turn in turns(analysis, "candidate"):
        assert f'value="{turn.public_id}"' in html
    for turn in turns(analysis, "interviewer"):
        assert f'name="quotes" value="{turn.public_id}"' not in html  # evidence quotes only the candidate


def test_a_reviewers_score_rests_on_the_quotes_they_pick_verbatim_and_the_machines_evidence_is_kept(world):
    analysis = analysed(world)
    score = scores(analysis)[0]
    machine = list(score.evidence.values("quote", "start_s"))
    picked = turns(analysis, "candidate")
    response = edit(
        world.org.recruiter,
        score,
        value="4",
        rationale="Planned the work with the team.",
        quotes=[turn.public_id for turn in picked],
    )
    assert response.status_code == 302
    score.refresh_from_db()
    assert score.value == 4 and score.edited and score.status == Review.APPROVED
    evidence = list(score.evidence.order_by("start_s"))
    assert [item.turn_id for item in evidence] == [turn.pk for turn in picked]
    for item, turn in zip(evidence, picked, strict=True):
        assert item.quote in turn.text and item.start_s >= turn.start_s  # verbatim, with its time
    assert [(item["quote"], item["start_s"]) for item in score.machine_evidence] == [
        (m["quote"], m["start_s"]) for m in machine
    ]
    html = client_for(world.org.recruiter).get(f"/analyses/{analysis.public_id}/").content.decode()
    assert "Reviewer's judgement" not in html.split(f'id="score-{score.public_id}"')[1].split("</article>")[0]


def test_a_score_no_quote_supports_is_the_reviewers_judgement_everywhere(world):
    analysis = analysed(world)
    judged, quoted = scores(analysis)[:2]
    assert edit(world.org.recruiter, judged, value="5", rationale="I heard more in the interview.").status_code == 302
    client = client_for(world.org.recruiter)
    client.post(f"/scores/{quoted.public_id}/approve")
    judged.refresh_from_db()
    assert not judged.evidence.exists() and judged.is_reviewer_judgement(0)

    page = client.get(f"/analyses/{analysis.public_id}/").content.decode()
    card = page.split(f'id="score-{judged.public_id}"')[1].split("</article>")[0]
    assert "No quote supports this score: it is the reviewer's own judgement." in card

    explanation = client.get(f"/analyses/{analysis.public_id}/explanation/").content.decode()
    quoted_part, judgement_part = explanation.split('id="judgement-heading">')
    quoted_part = quoted_part.split('id="quoted-heading">')[1]
    assert quoted.criterion_name in quoted_part
    assert judged.criterion_name not in quoted_part
    assert judged.criterion_name in judgement_part and "I heard more in the interview." in judgement_part
    assert "every score below rests on the candidate" not in explanation

    api = APIClient()
    api.force_login(world.org.recruiter.user)
    body = api.get(f"/api/v1/analyses/{analysis.public_id}/explanation/").json()
    basis = {item["criterion_name"]: item["basis"] for item in body["scores"]}
    assert basis == {judged.criterion_name: "reviewer_judgement", quoted.criterion_name: "quotes"}

    compare = client.get(f"/hirings/{world.hiring.public_id}/compare").content.decode()
    assert "Reviewer's judgement" in compare


@pytest.mark.parametrize("who", ["interviewer turn", "another analysis", "junk"])
def test_a_quote_that_is_not_the_candidates_own_words_here_is_a_form_error(world, acme, who):
    analysis = analysed(world)
    other = analysed(pw.build(acme))  # a second interview's analysis, same organization
    score = scores(analysis)[0]
    chosen = {
        "interviewer turn": turns(analysis, "interviewer")[0].public_id,
        "another analysis": turns(other, "candidate")[0].public_id,
        "junk": "turn_' OR 1=1 --",
    }[who]
    before = snapshot(analysis)
    response = edit(world.org.recruiter, score, value="4", rationale="Because.", quotes=[chosen])
    assert response.status_code == 400
    assert "Quotes can only come from what the candidate said in this interview." in response.content.decode()
    assert snapshot(analysis) == before


def test_the_api_takes_quotes_and_an_empty_list_makes_it_judgement(world):
    analysis = analysed(world)
    score = scores(analysis)[0]
    api = APIClient()
    api.force_login(world.org.recruiter.user)
    candidate_turn = turns(analysis, "candidate")[-1]
    response = api.patch(
        f"/api/v1/scores/{score.public_id}/",
        {"value": 4, "rationale": "Clear plan.", "quotes": [candidate_turn.public_id]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["basis"] == "quotes"
    assert [item["turn"] for item in response.json()["evidence"]] == [candidate_turn.public_id]

    judged = api.patch(
        f"/api/v1/scores/{score.public_id}/", {"value": 2, "rationale": "Thin.", "quotes": []}, format="json"
    )
    assert (
        judged.status_code == 200 and judged.json()["basis"] == "reviewer_judgement" and judged.json()["evidence"] == []
    )

    before = list(Evidence.objects.for_operators().filter(score=score).values())
    bad = api.patch(
        f"/api/v1/scores/{score.public_id}/",
        {"value": 3, "rationale": "x", "quotes": [turns(analysis, "interviewer")[0].public_id]},
        format="json",
    )
    assert bad.status_code == 400 and "quotes" in bad.json()
    too_many = api.patch(
        f"/api/v1/scores/{score.public_id}/", {"value": 3, "rationale": "x", "quotes": ["t"] * 21}, format="json"
    )
    assert too_many.status_code == 400
    assert list(Evidence.objects.for_operators().filter(score=score).values()) == before


def test_approving_every_score_completes_the_interview_by_itself(world):
    from hiring.models import Interview

    analysis = analysed(world)
    client = client_for(world.org.recruiter)
    all_scores = scores(analysis)
    for score in all_scores[:-1]:
        client.post(f"/scores/{score.public_id}/approve")
        assert Interview.objects.for_operators().get(pk=world.interview.pk).status == "scheduled"
    client.post(f"/scores/{all_scores[-1].public_id}/reject")
    interview = Interview.objects.for_operators().get(pk=world.interview.pk)
    assert interview.status == "completed" and interview.closed_automatically
    assert interview.closed_by == world.org.recruiter
