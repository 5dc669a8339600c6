"""An analysis ready for one pipeline step without audio: a consented candidate, a criterion, a short transcript
with its question/answer pair; and the settings that point the OpenAI-compatible provider at the local fake server."""

from contextlib import contextmanager

from ai_analysis.models import QuestionAnswer
from ai_analysis.types import Turn
from tests.ai_analysis.factories import AnalysisFactory, TurnFactory
from tests.ai_analysis.openai_server import API_KEY, FakeOpenAIServer
from tests.hiring.factories import CriterionFactory, HiringFactory, InterviewFactory

QUESTION = "Tell me about a database you designed?"
ANSWER = "I designed the orders schema and added a composite index on the customer column."
TURNS = [Turn(0, "interviewer", 0.0, 4.0, QUESTION), Turn(1, "candidate", 5.0, 12.0, ANSWER)]


def transcribed_analysis(org, invite, accept):
    """(analysis, criterion): an analysis of a consented candidate, transcribed and structured, steps pending."""
    hiring = HiringFactory(owner=org.recruiter, organization=org.organization)
    criterion = CriterionFactory(hiring=hiring, name="Database design", description="Designs database schemas.")
    invited = invite(org.recruiter, hiring)
    accept(invited)
    interview = InterviewFactory(candidate=invited.candidate, interviewer=org.interviewer)
    analysis = AnalysisFactory(recording__interview=interview)
    for turn in TURNS:
        TurnFactory(analysis=analysis, **vars(turn))
    QuestionAnswer.objects.create(
        organization=org.organization, analysis=analysis, index=0, question_turn=0, answer_turns=[1]
    )
    return analysis, criterion


@contextmanager
def openai_provider_settings(settings):
    """The deployment's OpenAI settings aimed at a fake server (no retries inside the provider); yields the server."""
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    settings.AZURE_OPENAI_ENDPOINT = ""
    settings.OPENAI_API_KEY = API_KEY
    settings.OPENAI_MAX_RETRIES = 0
    with FakeOpenAIServer() as server:
        settings.OPENAI_BASE_URL = server.base_url
        yield server


def started_with_current_provider(analysis):
    """Record on ``analysis`` the provider its organization uses now, as starting it would (AI-8): later steps use
    the provider an analysis was started with (``provider_for_analysis``), not whichever is configured then."""
    from ai_analysis.providers import provider_for

    provider = provider_for(analysis.organization)
    analysis.provider, analysis.model = provider.name, provider.model
    analysis.save(update_fields=["provider", "model"])
    return analysis
