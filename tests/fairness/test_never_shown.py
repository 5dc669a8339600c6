"""Self-identification never reaches an evaluator or an AI provider (FAIR-1): the pages people who evaluate read,
rendered for each of them, and the requests the OpenAI-compatible provider receives, contain none of a
candidate's answers. Distinctive labels, so a match cannot be a coincidence of ordinary words."""

import pytest
from django.test import Client
from django.urls import reverse

from ai_analysis import pipeline
from ai_analysis.models import AICall, Step
from fairness import services
from fairness.models import SelfIdentification, SelfIdentificationCategory
from interview_analyzer.roles import Role
from tests.ai_analysis.openai_server import Reply, chat_completion
from tests.ai_analysis.step_world import openai_provider_settings, started_with_current_provider, transcribed_analysis

pytestmark = pytest.mark.django_db

CATEGORY = "Ancestry Qvarnby"
LABELS = ["Zorblian heritage", "Quuxite heritage"]


def self_identify(acme, candidate):
    category = services.save_category(actor=acme.admin, category=None, name=CATEGORY, enabled=True, options=LABELS)
    option = category.options.get(label=LABELS[0])
    services.answer(candidate=candidate, consent_given=True, answers={category.public_id: option.public_id})
    assert SelfIdentification.objects.for_operators().filter(candidate=candidate).exists()
    return category, option


def secrets_of(category, option) -> list[str]:
    return [CATEGORY, *LABELS, category.public_id, option.public_id, "zorblian", "quuxite"]


def absent(html: str, needles) -> list[str]:
    lowered = html.lower()
    return [needle for needle in needles if needle.lower() in lowered]


def test_no_page_an_evaluator_reads_shows_the_answers(acme, world):
    candidate = world.candidates["Woman"][0]
    category, option = self_identify(acme, candidate)
    interview = candidate.interviews.get()
    analysis = interview.analyses.get()
    interview.interviewer = acme.interviewer
    interview.save(update_fields=["interviewer"])
    pages = [
        reverse("hiring:candidate_detail", args=[candidate.public_id]),
        reverse("hiring:interview_detail", args=[interview.public_id]),
        reverse("hiring:hiring_detail", args=[world.hiring.public_id]),
        reverse("ai_analysis:analysis", args=[analysis.public_id]),
        reverse("ai_analysis:explanation", args=[analysis.public_id]),
        reverse("ai_analysis:hiring_compare", args=[world.hiring.public_id]),
        reverse("ai_analysis:interview_scorecard", args=[interview.public_id]),
    ]
    seen = 0
    for role in (Role.INTERVIEWER, Role.HIRING_MANAGER, Role.RECRUITER, Role.ADMIN):
        member = acme.member(role)
        if role == Role.HIRING_MANAGER:
            world.hiring.owner = member
            world.hiring.save(update_fields=["owner"])
        client = Client()
        client.force_login(member.user)
        for url in pages:
            response = client.get(url)
            if response.status_code == 200:
                seen += 1
                assert absent(response.content.decode(), secrets_of(category, option)) == [], (role, url)
    assert seen >= 16  # most pages open for most roles: the check looked at real pages


def test_the_ai_providers_input_contains_none_of_the_answers(acme, invite, accept, settings):
    settings.AI_PROVIDER = "openai"
    analysis, criterion = transcribed_analysis(acme, invite, accept)
    category, option = self_identify(acme, analysis.interview.candidate)
    answer = {"score": 4, "rationale": "Added an index.", "evidence": [{"turn_index": 1, "quote": "composite index"}]}
    with openai_provider_settings(settings) as server:
        started_with_current_provider(analysis)
        server.push(
            Reply(chat_completion({"criteria": {criterion.public_id: answer}})),
            Reply(chat_completion("Database design: designed the orders schema.")),
            Reply(chat_completion("Thank you. Database design: a strength.")),
        )
        assert pipeline.run_step(analysis.public_id, Step.SCORE)
        assert pipeline.run_step(analysis.public_id, Step.FEEDBACK)
        sent = [request.text for request in server.requests]
    assert len(sent) >= 2  # scoring and feedback both called the provider
    assert AICall.objects.for_operators().filter(analysis_public_id=analysis.public_id).count() == len(sent)
    for text in sent:
        assert absent(text, secrets_of(category, option)) == []
    # The candidate did self-identify: the rows were there all along.
    assert SelfIdentificationCategory.objects.visible_to(acme.admin).filter(name=CATEGORY).exists()


@pytest.mark.parametrize("role", [Role.INTERVIEWER, Role.HIRING_MANAGER, Role.RECRUITER])
def test_below_admin_the_querysets_answer_nothing(acme, world, role):
    member = acme.member(role)
    assert not SelfIdentification.objects.visible_to(member).exists()
    assert not SelfIdentificationCategory.objects.visible_to(member).exists()
    assert SelfIdentification.objects.visible_to(acme.admin).count() == 13
