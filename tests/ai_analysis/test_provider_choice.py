"""Which provider an organization's analyses use (AI-2, BYO-1): its own ``ai_provider``, or the deployment's
``AI_PROVIDER`` when it has none."""

import pytest

from ai_analysis import pipeline
from ai_analysis.models import AICall, Step
from ai_analysis.providers import provider_for, provider_name_for
from ai_analysis.providers.base import ProviderError
from ai_analysis.providers.local import LocalProvider
from ai_analysis.providers.openai_provider import OpenAIProvider
from tests.ai_analysis.openai_server import API_KEY, Reply, chat_completion
from tests.ai_analysis.step_world import openai_provider_settings, started_with_current_provider, transcribed_analysis

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def openai_configured(settings):
    settings.OPENAI_API_KEY = API_KEY  # so the openai provider can be built without a call


@pytest.mark.parametrize(
    ("organization_choice", "deployment_default", "expected"),
    [
        ("openai", "local", OpenAIProvider),
        ("local", "openai", LocalProvider),
        ("", "local", LocalProvider),
        ("", "openai", OpenAIProvider),
    ],
)
def test_the_organizations_choice_wins_and_blank_follows_the_deployment(
    acme, settings, organization_choice, deployment_default, expected
):
    settings.AI_PROVIDER = deployment_default
    acme.organization.ai_provider = organization_choice
    acme.organization.save(update_fields=["ai_provider"])

    provider = provider_for(acme.organization)

    assert type(provider) is expected
    assert provider.name == provider_name_for(acme.organization) == (organization_choice or deployment_default)


def test_another_organization_keeps_the_deployments_provider(acme, globex, settings):
    settings.AI_PROVIDER = "local"
    acme.organization.ai_provider = "openai"
    acme.organization.save(update_fields=["ai_provider"])
    assert provider_for(acme.organization).name == "openai"
    assert provider_for(globex.organization).name == "local"


@pytest.mark.parametrize("deployment_default", ["local", "openai"])
def test_no_organization_means_the_deployments_provider(settings, deployment_default):
    settings.AI_PROVIDER = deployment_default
    assert provider_for(None).name == deployment_default


def test_an_unknown_choice_is_a_provider_error_people_can_read(acme):
    acme.organization.ai_provider = "mystery"
    with pytest.raises(ProviderError, match="unknown AI provider 'mystery'") as raised:
        provider_for(acme.organization)
    assert raised.value.retryable is False


def test_the_pipeline_scores_with_the_organizations_provider(acme, invite, accept, settings):
    settings.AI_PROVIDER = "local"
    acme.organization.ai_provider = "openai"
    acme.organization.save(update_fields=["ai_provider"])
    analysis, criterion = transcribed_analysis(acme, invite, accept)
    answer = {"score": 4, "rationale": "Added an index.", "evidence": [{"turn_index": 1, "quote": "composite index"}]}
    with openai_provider_settings(settings) as server:
        started_with_current_provider(analysis)
        server.push(Reply(chat_completion({"criteria": {criterion.public_id: answer}})))
        assert pipeline.run_step(analysis.public_id, Step.SCORE)
        assert [request.path for request in server.requests] == ["/v1/chat/completions"]
    [call] = AICall.objects.for_operators().filter(analysis_public_id=analysis.public_id)
    assert (call.provider, call.purpose) == ("openai", "score")
    assert analysis.scores.get().value == 4
