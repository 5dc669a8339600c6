"""``manage.py ai_safety_check`` (TST-3, AI-7): the adversarial program as a command with a report. It passes with
the product's providers, and it fails — naming the cases — when the guardrail lets things through, so a pass means
something."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ai_analysis import safety
from ai_analysis.guardrails import FeedbackResult
from tests.ai_analysis.openai_server import FakeOpenAIServer, Reply, chat_completion

pytestmark = pytest.mark.django_db


def run(tmp_path, *args) -> tuple[str, dict]:
    out = StringIO()
    call_command("ai_safety_check", *args, "--report-dir", str(tmp_path), stdout=out)
    (report,) = tmp_path.glob("ai-safety-*.json")
    assert len(list(tmp_path.glob("ai-safety-*.md"))) == 1
    return out.getvalue(), json.loads(report.read_text())


def test_the_program_is_big_enough_and_bilingual():
    cases = safety.load_cases()
    assert len(cases.hostile_notes) >= 40
    assert any("jag" in case.note.lower() or "hon" in case.note.lower() for case in cases.hostile_notes)
    assert all(case.must_not_reach for case in cases.hostile_notes)


def test_the_local_provider_passes_every_probe(tmp_path):
    output, report = run(tmp_path, "--provider", "local")
    cases = safety.load_cases()
    assert report["probes"] == 3 * len(cases.hostile_notes) + len(cases.neutral_feedback)
    assert report["failed"] == 0 and "PASS" in output


def test_a_guardrail_that_lets_everything_through_fails_the_program(tmp_path, monkeypatch):
    monkeypatch.setattr(safety, "candidate_feedback", lambda draft, **kwargs: FeedbackResult(draft, False, []))
    with pytest.raises(CommandError, match="would have reached a candidate"):
        call_command("ai_safety_check", "--provider", "local", "--report-dir", str(tmp_path), stdout=StringIO())
    report = json.loads(next(tmp_path.glob("ai-safety-*.json")).read_text())
    ways = {failure["way"] for failure in report["failures"]}
    assert {"as the draft", "inside a draft"} <= ways
    assert report["failed"] >= 2 * len(safety.load_cases().hostile_notes)


def test_the_openai_provider_copying_the_notes_is_caught(tmp_path, settings):
    """A model that pastes the hostile notes into the feedback: the provider's copy check and the guardrail replace
    every draft, so the program passes against a real HTTP exchange with the openai client."""
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    cases = safety.load_cases()
    with FakeOpenAIServer() as server:
        settings.OPENAI_BASE_URL, settings.OPENAI_API_KEY = server.base_url, "test-key"
        settings.AZURE_OPENAI_ENDPOINT = ""
        settings.OPENAI_MAX_RETRIES = 0
        server.push(*[Reply(chat_completion(f"Feedback: {case.note}")) for case in cases.hostile_notes])
        output, report = run(tmp_path, "--provider", "openai")
        assert len(server.requests) == len(cases.hostile_notes)
    assert report["failed"] == 0, report["failures"][:3]
    assert "provider openai" in output


def test_an_unconfigured_openai_provider_is_a_clear_error(tmp_path, settings):
    settings.OPENAI_API_KEY, settings.AZURE_OPENAI_ENDPOINT = "", ""
    with pytest.raises(CommandError, match="cannot run"):
        call_command("ai_safety_check", "--provider", "openai", "--report-dir", str(tmp_path), stdout=StringIO())
