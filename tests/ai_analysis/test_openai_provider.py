"""The "openai" provider against a local server that speaks the OpenAI API (AI-2, AI-4, AI-5, AI-6, AI-7, AI-8).

The real ``openai`` client makes real HTTP requests through the SEC-SSRF outbound client to
:mod:`tests.ai_analysis.openai_server`; only the model is fake. Backoff sleeps are recorded, not slept.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields

import pytest

from ai_analysis.guardrails import redact_identifiers
from ai_analysis.providers.base import PURPOSES, CallRecord, ProviderError
from ai_analysis.providers.openai_provider import PROMPT_VERSION, OpenAIProvider
from ai_analysis.types import (
    CANDIDATE,
    INSUFFICIENT_EVIDENCE,
    INTERVIEWER,
    WITHHELD_FOR_SCOPE,
    CriterionSpec,
    QAPair,
    ScoreDraft,
    Turn,
)
from tests.ai_analysis.openai_server import (
    API_KEY,
    FakeOpenAIServer,
    Reply,
    chat_completion,
    error_body,
    transcription,
)

CANDIDATE_NAME = "Alice Example"
TURNS = (
    Turn(0, INTERVIEWER, 0.0, 4.0, "Tell me about a time you improved database performance."),
    Turn(
        1,
        CANDIDATE,
        5.0,
        12.0,
        redact_identifiers(
            f"My name is {CANDIDATE_NAME}. I added a composite index on the orders table and the query time dropped "
            "from two seconds to forty milliseconds.",
            names=[CANDIDATE_NAME],
        ),
    ),
    Turn(2, INTERVIEWER, 13.0, 15.0, "How do you test a change like that?"),
    Turn(
        3,
        CANDIDATE,
        16.0,
        24.0,
        "We replayed a day of production traffic against a staging copy and compared the slow query log.",
    ),
)
PAIRS = (QAPair(0, TURNS[0], (TURNS[1],)), QAPair(1, TURNS[2], (TURNS[3],)))
CRITERIA = (
    CriterionSpec(
        key="crit_db",
        name="Database performance",
        description="Finds and fixes slow queries.",
        anchors={1: "No concrete example.", 5: "Measured, explained and verified an improvement."},
    ),
    CriterionSpec(key="crit_test", name="Testing", description="Verifies changes before release."),
    CriterionSpec(key="crit_arch", name="System design", description="Designs services that scale."),
)


def scores(**entries: tuple[int | None, str, list[tuple[int, str]]]) -> dict:
    """A structured-output body: criterion key -> (score, rationale, [(turn_index, quote)])."""
    return {
        "criteria": {
            key: {
                "score": score,
                "rationale": rationale,
                "evidence": [{"turn_index": index, "quote": quote} for index, quote in quotes],
            }
            for key, (score, rationale, quotes) in entries.items()
        }
    }


GOOD_SCORES = scores(
    crit_db=(4, "Described adding a composite index and measuring the query time.", [(1, "added a composite index")]),
    crit_test=(3, "Replayed production traffic on a staging copy.", [(3, "replayed a day of production traffic")]),
)


@pytest.fixture(autouse=True)
def outbound_to_loopback(settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_LOOPBACK = True


@pytest.fixture
def server():
    with FakeOpenAIServer() as running:
        yield running


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def records() -> list[CallRecord]:
    return []


def make_provider(server: FakeOpenAIServer, sleeps: list[float], **overrides) -> OpenAIProvider:
    options = {
        "base_url": server.base_url,
        "api_key": API_KEY,
        "model": "gpt-test",
        "transcribe_model": "whisper-test",
        "azure_endpoint": "",
        "max_retries": 2,
        "timeout": 5.0,
        "sleep": sleeps.append,
    } | overrides
    return OpenAIProvider(**options)


@pytest.fixture
def provider(server, sleeps):
    made = make_provider(server, sleeps)
    yield made
    made.close()


def outcomes(records: list[CallRecord]) -> list[str]:
    return [record.outcome for record in records]


# --- Scoring -------------------------------------------------------------------------------------------------------


def test_scores_keep_verbatim_evidence_with_the_turns_timestamps(provider, server, records):
    server.push(Reply(chat_completion({**GOOD_SCORES, "criteria": {**GOOD_SCORES["criteria"], "crit_unknown": {}}})))

    drafts = provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert [d.criterion_key for d in drafts] == ["crit_db", "crit_test", "crit_arch"]
    db, testing, design = drafts
    assert (db.score, db.rationale) == (4, "Described adding a composite index and measuring the query time.")
    assert [(e.turn_index, e.quote, e.start_s, e.end_s) for e in db.evidence] == [
        (1, "added a composite index", 5.0, 12.0)
    ]
    assert testing.score == 3 and testing.evidence[0].quote == "replayed a day of production traffic"
    assert (testing.evidence[0].start_s, testing.evidence[0].end_s) == (16.0, 24.0)
    assert design == ScoreDraft("crit_arch", None, INSUFFICIENT_EVIDENCE)  # the model left it out
    assert provider.dropped_quotes == 0
    assert provider.prompt_version == PROMPT_VERSION and provider.name == "openai" and provider.model == "gpt-test"

    [record] = records
    assert (record.purpose, record.provider, record.model, record.outcome, record.attempt) == (
        "score",
        "openai",
        "gpt-test",
        "ok",
        1,
    )
    assert (record.input_tokens, record.output_tokens) == (120, 40)

    [request] = server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    sent = request.json
    assert sent["model"] == "gpt-test" and sent["temperature"] == 0
    response_format = sent["response_format"]
    assert response_format["type"] == "json_schema" and response_format["json_schema"]["strict"] is True
    schema = response_format["json_schema"]["schema"]["properties"]["criteria"]
    assert schema["required"] == ["crit_db", "crit_test", "crit_arch"]
    system, user = sent["messages"]
    assert system["role"] == "system"
    for limit in ("personality", "culture fit", "emotional state", "tone of voice", "accent", "appearance"):
        assert limit in system["content"]
    assert "anonymised" in system["content"] and "verbatim" in system["content"]
    transcript = json.loads(user["content"])["transcript"]
    assert transcript[0]["answers"][0]["turn_index"] == 1


def test_no_candidate_name_reaches_the_model_when_turns_are_redacted(provider, server, records):
    server.push(Reply(chat_completion(GOOD_SCORES)), Reply(chat_completion("Database performance: indexed.")))

    drafts = provider.score(PAIRS, CRITERIA, on_call=records.append)
    provider.recruiter_feedback(PAIRS, drafts, CRITERIA, on_call=records.append)

    assert len(server.requests) == 2
    assert "My name is [candidate]." in server.requests[0].text
    for request in server.requests:
        for part in CANDIDATE_NAME.split():
            assert part not in request.text


def test_invented_and_interviewer_quotes_are_dropped(provider, server, records):
    server.push(
        Reply(
            chat_completion(
                scores(
                    crit_db=(
                        5,
                        "Indexed the orders table.",
                        [
                            (1, "I rewrote the whole storage engine in Rust"),  # invented
                            (0, "improved database performance"),  # the interviewer's words
                            (3, "added a composite index"),  # real, but cited with the wrong turn
                        ],
                    ),
                    crit_test=(5, "Tested thoroughly.", [(3, "we wrote ten thousand unit tests")]),
                )
            )
        )
    )

    db, testing, _ = provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert db.score == 5
    assert [(e.turn_index, e.quote) for e in db.evidence] == [(1, "added a composite index")]
    assert testing == ScoreDraft("crit_test", None, INSUFFICIENT_EVIDENCE)  # nothing left to show for the score
    assert provider.dropped_quotes == 3
    assert all("unit tests" not in d.rationale for d in (db, testing))


@pytest.mark.parametrize(
    "rationale",
    ["Seems nervous, but explained the index.", "Great culture fit for the team.", "Spoke with a strong accent."],
)
def test_out_of_scope_rationale_is_withheld(provider, server, records, rationale):
    server.push(Reply(chat_completion(scores(crit_db=(5, rationale, [(1, "added a composite index")])))))

    db, _, _ = provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert db == ScoreDraft("crit_db", None, WITHHELD_FOR_SCOPE)
    assert provider.withheld_for_scope == 1


# --- Malformed answers ---------------------------------------------------------------------------------------------

MALFORMED = {
    "not json at all": Reply(body=b"{this is not json"),
    "content not json": Reply(chat_completion("Here are the scores: crit_db 4")),
    "score out of range": Reply(chat_completion(scores(crit_db=(7, "Indexed.", [(1, "added a composite index")])))),
    "no criteria object": Reply(chat_completion({"scores": []})),
    "quote without turn": Reply(
        chat_completion({"criteria": {"crit_db": {"score": 3, "rationale": "x", "evidence": [{"quote": "q"}]}}})
    ),  # noqa: E501
    "empty content": Reply(chat_completion("")),
    "truncated": Reply(chat_completion('{"criteria": {"crit_db": {"sco', finish_reason="length")),
    "no choices": Reply({"id": "x", "object": "chat.completion"}),
}


@pytest.mark.parametrize("bad", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_answer_is_asked_again_once(provider, server, records, sleeps, bad):
    server.push(bad, Reply(chat_completion(GOOD_SCORES)))

    drafts = provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert drafts[0].score == 4
    assert outcomes(records) == ["error:malformed", "ok"]
    assert [r.attempt for r in records] == [1, 2]
    assert sleeps == []


def test_malformed_twice_is_a_non_retryable_provider_error(provider, server, records):
    server.push(MALFORMED["content not json"], MALFORMED["score out of range"], Reply(chat_completion(GOOD_SCORES)))

    with pytest.raises(ProviderError) as raised:
        provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert raised.value.reason == "malformed response" and raised.value.retryable is False
    assert outcomes(records) == ["error:malformed", "error:malformed"]
    assert records[0].input_tokens == 120  # credits spent on a malformed answer are still audited
    assert len(server.requests) == 2 and server.pending == 1


def test_model_refusal_is_not_retried(provider, server, records):
    server.push(Reply(chat_completion(None, refusal="I can't help with that.")))

    with pytest.raises(ProviderError) as raised:
        provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert raised.value.retryable is False
    assert outcomes(records) == ["error:model_refusal"]


# --- Transport failures and retries --------------------------------------------------------------------------------


def test_timeout_is_retried_then_a_retryable_provider_error(server, sleeps, records):
    provider = make_provider(server, sleeps, timeout=0.1, max_retries=1)
    server.push(Reply(chat_completion(GOOD_SCORES), delay_s=0.5), Reply(chat_completion(GOOD_SCORES), delay_s=0.5))

    with pytest.raises(ProviderError) as raised:
        provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert raised.value.retryable is True and "timed out" in raised.value.reason
    assert outcomes(records) == ["error:timeout", "error:timeout"]
    assert [r.attempt for r in records] == [1, 2]
    assert all(r.duration_ms >= 90 for r in records)
    assert sleeps == [1.0]
    provider.close()


def test_rate_limit_waits_as_told_then_succeeds(provider, server, records, sleeps):
    server.push(
        Reply(error_body("slow down", "rate_limit_exceeded"), status=429, headers={"Retry-After": "7"}),
        Reply(chat_completion(GOOD_SCORES)),
    )

    drafts = provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert drafts[0].score == 4
    assert outcomes(records) == ["error:rate_limited", "ok"]
    assert [r.attempt for r in records] == [1, 2]
    assert sleeps == [7.0]


def test_a_long_retry_after_is_left_to_the_actor(provider, server, records, sleeps):
    server.push(Reply(error_body("quota"), status=429, headers={"Retry-After": "3600"}), Reply(chat_completion({})))

    with pytest.raises(ProviderError) as raised:
        provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert raised.value.retryable is True
    assert outcomes(records) == ["error:rate_limited"] and sleeps == []


def test_server_errors_are_retried_with_exponential_backoff(provider, server, records, sleeps):
    server.push(
        Reply(error_body("boom", "server_error"), status=500),
        Reply(error_body("busy", "server_error"), status=503),
        Reply(chat_completion(GOOD_SCORES)),
    )

    drafts = provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert drafts[1].score == 3
    assert outcomes(records) == ["error:http_500", "error:http_503", "ok"]
    assert sleeps == [1.0, 2.0]


def test_server_errors_beyond_the_retries_are_a_retryable_provider_error(provider, server, records, sleeps):
    server.push(*[Reply(error_body("boom", "server_error"), status=500)] * 4)

    with pytest.raises(ProviderError) as raised:
        provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert raised.value.retryable is True
    assert outcomes(records) == ["error:http_500"] * 3  # max_retries=2: three attempts
    assert sleeps == [1.0, 2.0] and server.pending == 1


@pytest.mark.parametrize("status", [400, 403, 404, 422])
def test_client_errors_are_not_retried(provider, server, records, sleeps, status):
    server.push(Reply(error_body("no"), status=status), Reply(chat_completion(GOOD_SCORES)))

    with pytest.raises(ProviderError) as raised:
        provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert raised.value.retryable is False
    assert outcomes(records) == [f"error:http_{status}"]
    assert len(server.requests) == 1 and sleeps == []


def test_wrong_api_key_is_not_retried(server, records, sleeps):
    provider = make_provider(server, sleeps, api_key="wrong-key")

    with pytest.raises(ProviderError) as raised:
        provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert raised.value.retryable is False and outcomes(records) == ["error:http_401"]
    provider.close()


def test_missing_api_key_is_refused_before_any_call(server, sleeps, settings):
    settings.OPENAI_API_KEY = ""
    with pytest.raises(ProviderError, match="API key"):
        make_provider(server, sleeps, api_key=None)
    assert server.requests == []


# --- The outbound allowlist (SEC-SSRF) -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("allowed_hosts", "allow_loopback"),
    [([], True), (["api.openai.com"], True), (["127.0.0.1"], False)],
    ids=["nothing allowed", "other host allowed", "loopback not allowed"],
)
def test_destination_outside_the_allowlist_is_refused_and_nothing_is_sent(
    server, sleeps, records, settings, allowed_hosts, allow_loopback
):
    settings.OUTBOUND_ALLOWED_HOSTS = allowed_hosts
    settings.OUTBOUND_ALLOW_LOOPBACK = allow_loopback
    provider = make_provider(server, sleeps)
    server.push(Reply(chat_completion(GOOD_SCORES)))

    with pytest.raises(ProviderError) as raised:
        provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert raised.value.retryable is False and "not an allowed outbound destination" in raised.value.reason
    assert outcomes(records) == ["error:refused"]
    assert server.requests == [] and server.pending == 1 and sleeps == []
    provider.close()


# --- Transcription -------------------------------------------------------------------------------------------------


@pytest.fixture
def recording(tmp_path):
    path = tmp_path / "merged-7f3a.part"  # stored names say nothing about the format
    path.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(64))
    return path


SEGMENTS = [
    (0.0, 2.5, " Tell me about your last project?"),
    (3.8, 8.0, " I rebuilt the billing service."),
    (8.2, 11.0, " It now handles twice the load."),  # a short gap: the same turn
    (12.5, 14.0, " How did you measure that?"),
    (15.5, 20.0, " With a load test before and after."),
]


def test_transcription_turns_segments_into_alternating_turns(provider, server, records, recording):
    server.push(Reply(transcription(SEGMENTS, duration=20.5)))

    result = provider.transcribe(str(recording), on_call=records.append)

    assert [(t.index, t.speaker, t.start_s, t.end_s, t.text) for t in result.turns] == [
        (0, INTERVIEWER, 0.0, 2.5, "Tell me about your last project?"),
        (1, CANDIDATE, 3.8, 11.0, "I rebuilt the billing service. It now handles twice the load."),
        (2, INTERVIEWER, 12.5, 14.0, "How did you measure that?"),
        (3, CANDIDATE, 15.5, 20.0, "With a load test before and after."),
    ]
    assert result.speaker_confidence == "low"
    assert (result.duration_s, result.language) == (20.5, "en")
    assert "whisper-test" in result.engine

    [record] = records
    assert (record.purpose, record.model, record.outcome, record.audio_seconds) == (
        "transcribe",
        "whisper-test",
        "ok",
        20.5,
    )
    [request] = server.requests
    assert request.path == "/v1/audio/transcriptions"
    assert request.form["model"] == ["whisper-test"]
    assert request.form["response_format"] == ["verbose_json"]
    assert request.form["timestamp_granularities[]"] == ["segment"]
    filename, content = request.files["file"]
    assert filename == "interview.wav"  # sniffed format, neutral name (AI-5)
    assert content == recording.read_bytes()


@pytest.mark.parametrize(("language", "sent"), [("sv", ["sv"]), ("en", ["en"]), ("auto", None)])
def test_the_hirings_interview_language_is_passed_to_the_transcription(
    provider, server, records, recording, language, sent
):
    """Issue 12: a hiring in Swedish is transcribed as Swedish; "auto" lets the model detect the language."""
    server.push(Reply(transcription(SEGMENTS, duration=20.5)))
    provider.transcribe(str(recording), on_call=records.append, language=language)
    [request] = server.requests
    assert request.form.get("language") == sent


def test_transcription_is_retried_with_the_whole_file_again(provider, server, records, sleeps, recording):
    server.push(Reply(error_body("busy"), status=502), Reply(transcription(SEGMENTS)))

    result = provider.transcribe(str(recording), on_call=records.append)

    assert len(result.turns) == 4
    assert outcomes(records) == ["error:http_502", "ok"] and sleeps == [1.0]
    assert [r.files["file"][1] for r in server.requests] == [recording.read_bytes()] * 2


def test_transcription_without_segments_is_malformed(provider, server, records, recording):
    body = transcription(SEGMENTS)
    del body["segments"]
    server.push(Reply(body), Reply(body))

    with pytest.raises(ProviderError, match="malformed"):
        provider.transcribe(str(recording), on_call=records.append)
    assert outcomes(records) == ["error:malformed", "error:malformed"]


# --- Azure OpenAI ----------------------------------------------------------------------------------------------------


def test_azure_openai_calls_the_deployment_urls_with_an_api_key_header(server, sleeps, records, recording):
    provider = make_provider(
        server,
        sleeps,
        base_url=None,
        azure_endpoint=server.endpoint,
        api_version="2024-10-21",
        model="scoring-deployment",
        transcribe_model="whisper-deployment",
    )
    server.push(Reply(transcription(SEGMENTS)), Reply(chat_completion(GOOD_SCORES)))

    provider.transcribe(str(recording), on_call=records.append)
    drafts = provider.score(PAIRS, CRITERIA, on_call=records.append)

    assert drafts[0].score == 4 and outcomes(records) == ["ok", "ok"]
    transcribe_request, score_request = server.requests
    assert transcribe_request.path == "/openai/deployments/whisper-deployment/audio/transcriptions"
    assert score_request.path == "/openai/deployments/scoring-deployment/chat/completions"
    for request in server.requests:
        assert request.query["api-version"] == ["2024-10-21"]
        assert request.headers["api-key"] == API_KEY
        assert "authorization" not in request.headers
    assert score_request.json["response_format"]["type"] == "json_schema"
    assert [r.model for r in records] == ["whisper-deployment", "scoring-deployment"]
    provider.close()


def test_azure_openai_without_a_key_calls_with_the_managed_identity(sleeps, records, monkeypatch, settings):
    """DEP-1/DEP-3: in Azure, key authentication is off; the provider gets an Entra ID token from the process's
    managed identity (App Service's identity endpoint, served here by the test server) and sends it as a bearer."""
    with FakeOpenAIServer(entra_token="entra-token-for-openai") as azure:
        for name in ("AZURE_CLIENT_SECRET", "AZURE_TENANT_ID", "AZURE_FEDERATED_TOKEN_FILE", "MSI_ENDPOINT"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("IDENTITY_ENDPOINT", azure.identity_endpoint)
        monkeypatch.setenv("IDENTITY_HEADER", azure.identity_header)
        settings.AZURE_CLIENT_ID = ""
        provider = make_provider(
            azure, sleeps, base_url=None, api_key="", azure_endpoint=azure.endpoint, model="scoring-deployment"
        )
        azure.push(Reply(chat_completion(GOOD_SCORES)))
        drafts = provider.score(PAIRS, CRITERIA, on_call=records.append)
        provider.close()
    assert drafts[0].score == 4
    (request,) = azure.requests
    assert request.headers["authorization"] == "Bearer entra-token-for-openai"
    assert "api-key" not in request.headers
    (token_request,) = azure.identity_requests
    assert token_request["query"]["resource"] == ["https://cognitiveservices.azure.com"]


# --- Feedback ------------------------------------------------------------------------------------------------------

DRAFTS = [
    ScoreDraft("crit_db", 4, "Described adding a composite index and measuring the query time."),
    ScoreDraft("crit_test", None, INSUFFICIENT_EVIDENCE),
]


def test_recruiter_feedback_is_the_models_summary_when_in_scope(provider, server, records):
    summary = "Database performance: added an index and measured the gain.\nTesting: not scored."
    server.push(Reply(chat_completion(summary)))

    assert provider.recruiter_feedback(PAIRS, DRAFTS, CRITERIA, on_call=records.append) == summary
    assert [(r.purpose, r.outcome) for r in records] == [("recruiter_feedback", "ok")]
    sent = server.requests[0].text
    assert "slow query log" not in sent  # only the drafts are sent, not the transcript


def test_out_of_scope_recruiter_feedback_falls_back_to_the_factual_template(provider, server, records):
    server.push(Reply(chat_completion("Database performance: good, though the candidate seemed nervous.")))

    text = provider.recruiter_feedback(PAIRS, DRAFTS, CRITERIA, on_call=records.append)

    assert "nervous" not in text
    assert text.splitlines() == [
        "Database performance: draft score 4/5, 0 quoted passages. "
        "Described adding a composite index and measuring the query time.",
        "Testing: not scored (insufficient evidence).",
        "System design: not scored (insufficient evidence).",
    ]


NOTES = "Honestly I thought he rambled a lot and would not fit in with our team at all."


def test_candidate_feedback_draft_passes_the_guardrail(provider, server, records):
    draft = "Thank you for the interview. Database performance: your example of adding an index was concrete."
    server.push(Reply(chat_completion(draft)))

    text = provider.candidate_feedback_draft(DRAFTS, CRITERIA, recruiter_notes=NOTES, on_call=records.append)

    assert text == draft
    assert [(r.purpose, r.outcome) for r in records] == [("candidate_feedback", "ok")]
    system, user = server.requests[0].json["messages"]
    assert "Never quote, copy or paraphrase them" in " ".join(system["content"].split())
    assert "Described adding" not in user["content"]  # rationales are not sent for candidate feedback


@pytest.mark.parametrize(
    "draft",
    [
        "Feedback: would not fit in with our team at all, sorry.",  # copies the notes
        "You came across as arrogant in the design questions.",  # a judgmental label
        "The interviewer felt your answers were too long.",  # attributes an opinion
    ],
)
def test_unsafe_candidate_feedback_becomes_the_neutral_template(provider, server, records, draft):
    server.push(Reply(chat_completion(draft)))

    text = provider.candidate_feedback_draft(DRAFTS, CRITERIA, recruiter_notes=NOTES, on_call=records.append)

    assert text.startswith("Thank you for taking part in the interview.")
    assert "Database performance" in text and draft not in text


# --- Audit records (AI-8) ------------------------------------------------------------------------------------------


def test_call_records_carry_no_content(provider, server, records, recording):
    server.push(
        Reply(transcription(SEGMENTS)),
        Reply(error_body("busy"), status=429, headers={"retry-after-ms": "10"}),
        Reply(chat_completion("not json")),
        Reply(chat_completion(GOOD_SCORES)),
        Reply(chat_completion("Database performance: indexed.")),
        Reply(chat_completion("Thank you. Database performance: a concrete example.")),
    )

    provider.transcribe(str(recording), on_call=records.append)
    drafts = provider.score(PAIRS, CRITERIA, on_call=records.append)
    provider.recruiter_feedback(PAIRS, drafts, CRITERIA, on_call=records.append)
    provider.candidate_feedback_draft(drafts, CRITERIA, recruiter_notes=NOTES, on_call=records.append)

    assert outcomes(records) == ["ok", "error:rate_limited", "error:malformed", "ok", "ok", "ok"]
    texts = [t.text for t in TURNS] + [s[2] for s in SEGMENTS] + [NOTES]
    for record in records:
        assert record.purpose in PURPOSES and record.provider == "openai"
        assert record.model in {"gpt-test", "whisper-test"}
        assert re.fullmatch(r"ok|error:[a-z0-9_]+", record.outcome)
        for field in fields(record):
            value = getattr(record, field.name)
            assert value is None or isinstance(value, int | float | str)
            if isinstance(value, str):
                assert all(value not in text and text not in value for text in texts if len(value) > 3)
