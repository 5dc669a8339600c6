"""``manage.py ai_eval`` (AI-2, AI-9): the golden set tells a faithful provider from one that invents evidence."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.ai_analysis.openai_server import API_KEY, FakeOpenAIServer, Reply, chat_completion


def run(**options) -> str:
    out = StringIO()
    call_command("ai_eval", stdout=out, **options)
    return out.getvalue()


def test_the_local_provider_agrees_with_the_golden_set():
    report = run()
    assert "provider local" in report
    assert "agreement 100%" in report
    assert "[MISS]" not in report


def test_a_model_that_invents_evidence_is_reported_and_fails(settings):
    """An OpenAI-compatible model that quotes words the candidate never said and scores everything."""
    settings.AI_PROVIDER = "openai"
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    invented = {
        "criteria": {
            key: {"score": 5, "rationale": "Strong.", "evidence": [{"turn_index": 1, "quote": "I am fluent in it"}]}
            for key in ("system-design", "disagreement", "data-protection", "mandarin")
        }
    }
    with FakeOpenAIServer() as server:
        settings.OPENAI_BASE_URL = server.base_url
        settings.OPENAI_API_KEY = API_KEY
        server.push(Reply(chat_completion(invented)))
        with pytest.raises(CommandError, match="below the required"):
            run()
        assert len(server.requests) == 1  # one scoring call: the invented quotes were dropped, not retried


def test_an_unreadable_golden_file_is_a_clear_error(tmp_path):
    broken = tmp_path / "golden.json"
    broken.write_text("{not json")
    with pytest.raises(CommandError, match="could not be read"):
        run(golden=str(broken))
