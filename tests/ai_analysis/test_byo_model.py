"""Each organization's own model (BYO-1, AI-2, SEC-SSRF, SEC-SECRETS): an admin saves an OpenAI-compatible endpoint,
the golden set is scored by it in a background job, and only then can it be enabled; its analyses go to it while
another organization keeps the offline engine; the key never shows; private addresses are refused.

The endpoint is the local OpenAI-compatible server (``tests/ai_analysis/openai_server.py``), answered by a rule
that builds each score from the request it receives (``golden_answer``): the report must show what that rule
earns on the golden set, computed here independently by running the same rule in-process through
``ai_analysis.evaluation`` (no fixed figure).
"""

import json
import logging
import re
import wave
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from django.views.debug import SafeExceptionReporterFilter

from accounts.models import AuditEvent
from ai_analysis import evaluation, pipeline, provider_settings, recordings
from ai_analysis.management.commands.ai_eval import as_json
from ai_analysis.models import AICall, Analysis, OrganizationAIProvider, ProviderEvaluation, Review, Score, Step
from ai_analysis.provider_actors import evaluate_own_provider
from ai_analysis.providers import provider_for, provider_for_analysis
from ai_analysis.providers.base import ProviderError
from ai_analysis.providers.local import LocalProvider
from ai_analysis.providers.organization import OrganizationEndpointProvider
from ai_analysis.types import CANDIDATE, EvidenceDraft, ScoreDraft
from interview_analyzer.secret_tokens import new_secret
from tests.ai_analysis.factories import RecordingFactory
from tests.ai_analysis.openai_server import FakeOpenAIServer, Reply, chat_completion, error_body, transcription
from tests.ai_analysis.step_world import transcribed_analysis
from tests.ai_analysis.test_scorecard_translations import extracted_msgids, untranslated
from tests.factories import UserFactory
from tests.hiring.factories import InterviewFactory

pytestmark = pytest.mark.django_db

PAGE = "/settings/ai-provider/"
ORG_MODEL = "acme-llama-3.1-70b"
INVENTED = "I single-handedly rebuilt the whole national grid in a weekend."
FIRST_SENTENCE = re.compile(r"^.*?[.!?](?=\s|$)", re.S)


# --- The endpoint's rule, shared by the test server and the in-process check --------------------------------------


def golden_answer(criteria_keys: list[str], candidate_turns: list[tuple[int, str]]) -> dict:
    """Per criterion, by position: quote the first sentence of a candidate turn (score 3 or 4), invent a quote
    (score 4), or claim no evidence. Deterministic, so its golden-set figures can be computed independently."""
    answer = {}
    for position, key in enumerate(criteria_keys):
        if position % 4 == 3 or not candidate_turns:
            answer[key] = {"score": None, "rationale": "No evidence in the answers.", "evidence": []}
        elif position % 4 == 2:
            index = candidate_turns[0][0]
            answer[key] = {
                "score": 4,
                "rationale": "Described the work.",
                "evidence": [{"turn_index": index, "quote": INVENTED}],
            }
        else:
            index, text = candidate_turns[(position * 3) % len(candidate_turns)]
            match = FIRST_SENTENCE.match(text.strip())
            quote = match.group(0) if match else text.strip()
            answer[key] = {
                "score": 3 + position % 2,
                "rationale": "Described the work in the answer.",
                "evidence": [{"turn_index": index, "quote": quote}],
            }
    return answer


def golden_responder(request):
    """The test server's answer to whatever the openai client sends: scores from ``golden_answer`` for a structured
    scoring request, a short factual text for the feedback requests."""
    if request.route != "chat":
        return Reply(error_body("only chat here"), status=404)
    if not request.json.get("response_format"):
        return Reply(chat_completion("Database design: the answer described a composite index."))
    user = json.loads(request.json["messages"][1]["content"])
    turns = [
        (turn["turn_index"], turn["text"])
        for pair in user["transcript"]
        for turn in pair["answers"]
        if turn["speaker"] == CANDIDATE
    ]
    criteria = golden_answer([c["key"] for c in user["criteria"]], turns)
    return Reply(chat_completion({"criteria": criteria}))


class RuleProvider:
    """The same rule in-process: what the report must show."""

    name, model, prompt_version = "rule", "rule", "rule"

    def score(self, pairs, criteria, *, on_call):
        turns = [(t.index, t.text) for pair in pairs for t in pair.answer_turns if t.speaker == CANDIDATE]
        answer = golden_answer([c.key for c in criteria], turns)
        return [
            ScoreDraft(
                key,
                entry["score"],
                entry["rationale"],
                tuple(EvidenceDraft(e["turn_index"], e["quote"], 0.0, 0.0) for e in entry["evidence"]),
            )
            for key, entry in answer.items()
        ]


def figures(document: dict) -> dict:
    """The figures of an ai_eval JSON document, overall and per interview, without the provider's names."""
    keys = ("evidence_recall", "no_evidence_precision", "invented_evidence", "score_agreement", "agreement")
    return {
        "overall": {key: document["overall"][key] for key in (*keys, "invented_quotes", "interviews")},
        "interviews": [{"name": i["name"], **{key: i[key] for key in keys}} for i in document["interviews"]],
    }


@pytest.fixture(scope="module")
def expected_report() -> dict:
    result = evaluation.evaluate_paths(RuleProvider(), provider_settings.GOLDEN_SET)
    return figures(as_json(result, result.reports[0]))


# --- Fixtures -------------------------------------------------------------------------------------------------------


@pytest.fixture
def org_key() -> str:
    return new_secret("sk-acme-", 40)


@pytest.fixture
def endpoint(settings, org_key):
    """The organization's endpoint: the local server on loopback, which this operator allows; the deployment's own
    OpenAI settings point somewhere else entirely, so a request that reaches the server used the org's settings."""
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    settings.OPENAI_MAX_RETRIES = 0
    settings.AI_PROVIDER = "local"
    settings.OPENAI_API_KEY = "deployment-key-never-used"
    settings.OPENAI_BASE_URL = "http://127.0.0.1:9/v1"
    settings.OPENAI_MODEL = "deployment-model"
    settings.AZURE_OPENAI_ENDPOINT = ""
    with FakeOpenAIServer(api_key=org_key, responder=golden_responder) as server:
        yield server


def form(server, key, **changes) -> dict:
    return {"kind": "openai", "base_url": server.base_url, "model": ORG_MODEL, "api_key": key, **changes}


def saved(acme, server, key, **changes) -> OrganizationAIProvider:
    data = form(server, key, **changes)
    return provider_settings.save_endpoint(actor=acme.admin, **data)


def evaluated(acme, broker, django_capture_on_commit_callbacks) -> ProviderEvaluation:
    """Queue the evaluation as the page does and run the queued job's function here."""
    endpoint_row = provider_settings.endpoint_of(acme.admin)
    with django_capture_on_commit_callbacks(execute=True):
        run = provider_settings.start_evaluation(actor=acme.admin, provider=endpoint_row)
    broker.flush_all()  # the message the page sent; the job runs here instead of on a worker
    provider_settings.run_evaluation(run.public_id)
    run.refresh_from_db()
    return run


def audit_text(organization) -> str:
    return json.dumps(list(AuditEvent.objects.for_operators().filter(organization=organization).values()), default=str)


# --- Saving: the key encrypted and never shown; private addresses refused -------------------------------------------


def test_an_admin_saves_the_endpoint_and_the_key_is_stored_encrypted_and_never_shown(client, acme, endpoint, org_key):
    client.force_login(acme.admin.user)
    assert client.get(PAGE).status_code == 200
    response = client.post(PAGE, form(endpoint, org_key))
    assert response.status_code == 302
    row = OrganizationAIProvider.objects.for_operators().get(organization=acme.organization)
    assert (row.kind, row.base_url, row.model, row.status, row.config_version) == (
        "openai",
        endpoint.base_url,
        ORG_MODEL,
        "draft",
        1,
    )
    assert org_key not in row.api_key_secret and provider_settings.decrypt_key(row.api_key_secret) == org_key
    page = client.get(PAGE).content.decode()
    assert org_key not in page and row.api_key_secret not in page
    assert "API key: set" in page and ORG_MODEL in page
    assert 'name="api_key"' in page and f'value="{org_key}"' not in page
    assert org_key not in audit_text(acme.organization)
    assert AuditEvent.objects.for_operators().filter(action="ai_provider.saved", target=row.public_id).count() == 1


def test_the_key_never_appears_on_the_operators_admin_pages(
    client, acme, endpoint, org_key, broker, django_capture_on_commit_callbacks
):
    row = saved(acme, endpoint, org_key)
    evaluated(acme, broker, django_capture_on_commit_callbacks)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for path in (
        "/admin/ai_analysis/organizationaiprovider/",
        f"/admin/ai_analysis/organizationaiprovider/{row.pk}/change/",
        "/admin/ai_analysis/providerevaluation/",
        f"/admin/ai_analysis/providerevaluation/{row.evaluations.get().pk}/change/",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert org_key not in page and row.api_key_secret not in page, path
    assert ORG_MODEL in page


def test_leaving_the_key_blank_keeps_it_and_the_same_values_change_nothing(client, acme, endpoint, org_key):
    row = saved(acme, endpoint, org_key)
    client.force_login(acme.admin.user)
    assert client.post(PAGE, form(endpoint, "")).status_code == 302
    assert client.post(PAGE, form(endpoint, org_key)).status_code == 302
    row.refresh_from_db()
    assert row.config_version == 1 and provider_settings.decrypt_key(row.api_key_secret) == org_key


def test_the_key_is_kept_out_of_error_reports(client, acme, endpoint, org_key):
    client.force_login(acme.admin.user)
    response = client.post(PAGE, form(endpoint, org_key))
    cleansed = SafeExceptionReporterFilter().get_post_parameters(response.wsgi_request)
    assert cleansed["api_key"] != org_key and cleansed["model"] == ORG_MODEL


def test_the_first_save_needs_a_key(client, acme, endpoint):
    client.force_login(acme.admin.user)
    response = client.post(PAGE, form(endpoint, ""))
    assert response.status_code == 400
    assert "Enter the endpoint&#x27;s API key." in response.content.decode()
    assert not OrganizationAIProvider.objects.for_operators().exists()


@pytest.mark.parametrize(
    ("base_url", "allow_loopback", "message"),
    [
        ("http://10.0.0.1/v1", True, "10.0.0.1 resolves to a private address"),
        ("https://10.0.0.1/v1", True, "10.0.0.1 resolves to a private address"),
        ("http://169.254.169.254/latest", True, "169.254.169.254 resolves to a cloud metadata address"),
        ("http://localhost:8000/v1", False, "localhost resolves to a loopback address"),
        ("http://127.0.0.1:8000/v1", False, "127.0.0.1 resolves to a loopback address"),
        ("http://[::ffff:10.0.0.1]/v1", True, "private address"),
        ("https://models.internal.example/v1", True, "not an allowed outbound host"),
        ("ftp://10.0.0.1/v1", True, "Give the full https:// address"),
        ("https://user:pass@api.openai.com/v1", True, "cannot carry a user name or password"),
    ],
)
def test_a_base_url_that_could_reach_inside_the_network_is_a_form_error(
    client, acme, settings, org_key, base_url, allow_loopback, message
):
    """SEC-SSRF at save: the operator even allowlists these hosts; their addresses are refused all the same."""
    settings.OUTBOUND_ALLOWED_HOSTS = ["10.0.0.1", "169.254.169.254", "localhost", "127.0.0.1", "::ffff:10.0.0.1"]
    settings.OUTBOUND_ALLOW_LOOPBACK = allow_loopback
    client.force_login(acme.admin.user)
    response = client.post(PAGE, {"kind": "openai", "base_url": base_url, "model": "m", "api_key": org_key})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page.replace("&#x27;", "'")
    assert org_key not in page
    assert not OrganizationAIProvider.objects.for_operators().exists()
    assert not AuditEvent.objects.for_operators().filter(action__startswith="ai_provider.").exists()


def test_loopback_is_allowed_where_the_operator_allows_it(acme, endpoint, org_key):
    row = saved(acme, endpoint, org_key)
    assert urlsplit(row.base_url).hostname == "127.0.0.1"


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "interviewer"])
def test_only_admins_open_and_change_the_page(client, acme, endpoint, org_key, role):
    row = saved(acme, endpoint, org_key)
    client.force_login(acme.member(role).user)
    before = list(OrganizationAIProvider.objects.for_operators().values())
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, form(endpoint, "sk-other", model="other")).status_code == 403
    for action in ("evaluate", "enable", "disable", "remove"):
        assert client.post(f"{PAGE}{action}", {}).status_code == 403
    assert list(OrganizationAIProvider.objects.for_operators().values()) == before
    assert not ProviderEvaluation.objects.for_operators().exists()
    assert row.status == "draft"


def test_another_organizations_evaluation_is_a_404(
    client, acme, globex, endpoint, org_key, broker, django_capture_on_commit_callbacks
):
    saved(acme, endpoint, org_key)
    run = evaluated(acme, broker, django_capture_on_commit_callbacks)
    client.force_login(globex.admin.user)
    assert client.get(f"{PAGE}evaluations/{run.public_id}/").status_code == 404
    provider_settings.save_endpoint(actor=globex.admin, **form(endpoint, "sk-globex"))
    assert client.post(f"{PAGE}enable", {"evaluation": run.public_id}).status_code == 404
    assert OrganizationAIProvider.objects.for_operators().filter(status="enabled").count() == 0


# --- The evaluation: a Dramatiq job, progress, then the report ------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_page_runs_the_golden_set_on_a_worker_and_shows_what_the_endpoint_earned(
    client, acme, endpoint, org_key, broker, worker, expected_report
):
    saved(acme, endpoint, org_key)
    client.force_login(acme.admin.user)
    assert client.post(f"{PAGE}evaluate").status_code == 302
    run = ProviderEvaluation.objects.for_operators().get()
    broker.join(evaluate_own_provider.queue_name, timeout=60_000)
    worker.join()
    run.refresh_from_db()
    assert run.status == "done", run.failure_reason
    total = len(evaluation.golden_files(provider_settings.GOLDEN_SET))
    assert (run.interviews_done, run.interviews_total) == (total, total) and total == 17

    # What the endpoint received: one scoring request per golden interview, with the org's key and model.
    assert len(endpoint.requests) == total
    for request in endpoint.requests:
        assert request.path == "/v1/chat/completions"
        assert request.headers["authorization"] == f"Bearer {org_key}"
        assert request.json["model"] == ORG_MODEL

    # The report is what the rule earns, as computed independently in-process.
    assert figures(run.report) == expected_report
    overall = expected_report["overall"]
    assert overall["invented_evidence"] > 0 and INVENTED in overall["invented_quotes"]
    assert 0 < overall["evidence_recall"]["value"] < 1
    assert (run.report["provider"], run.report["model"]) == ("org-openai", ORG_MODEL)

    page = client.get(PAGE).content.decode()
    recall = overall["evidence_recall"]
    assert f"({recall['hits']}/{recall['total']})" in page
    assert f'data-figure="invented_evidence">{overall["invented_evidence"]}<' in page
    assert page.count("<tr data-interview=") == total and "dev/01-registered-nurse.json" in page
    assert "Enable this endpoint" in page and org_key not in page

    # AI-8: the golden-set calls are audited as the organization's AI calls.
    calls = AICall.objects.for_operators().filter(organization=acme.organization)
    assert calls.count() == total
    assert {(c.purpose, c.provider, c.model, c.outcome) for c in calls} == {
        ("evaluation:score", "org-openai", ORG_MODEL, "ok")
    }
    assert OrganizationAIProvider.objects.for_operators().get().status == "evaluated"


def test_the_page_shows_progress_while_the_job_runs(
    client, acme, endpoint, org_key, broker, django_capture_on_commit_callbacks
):
    row = saved(acme, endpoint, org_key)
    with django_capture_on_commit_callbacks() as queued:  # captured, not sent: the state is set by hand below
        run = provider_settings.start_evaluation(actor=acme.admin, provider=row)
    assert len(queued) == 1  # the message, sent once the transaction commits (the worker test sends it)
    ProviderEvaluation.objects.for_operators().filter(pk=run.pk).update(status="running", interviews_done=5)
    client.force_login(acme.admin.user)
    page = client.get(PAGE).content.decode()
    assert f'data-poll-url="{PAGE}evaluations/{run.public_id}/"' in page
    assert "5 of 17 interviews scored." in page and "Enable this endpoint" not in page
    assert "js/analysis.js" in page
    fragment = client.get(f"{PAGE}evaluations/{run.public_id}/").content.decode()
    assert 'data-status="running"' in fragment and "5 of 17" in fragment
    # Asking again while it runs does not start a second job.
    assert provider_settings.start_evaluation(actor=acme.admin, provider=row) == run
    broker.flush_all()


def test_a_job_cut_short_runs_again_and_a_finished_one_is_left_alone(
    acme, endpoint, org_key, broker, django_capture_on_commit_callbacks
):
    row = saved(acme, endpoint, org_key)
    with django_capture_on_commit_callbacks(execute=True):
        run = provider_settings.start_evaluation(actor=acme.admin, provider=row)
    broker.flush_all()
    # A worker died mid-way: the message comes back, the evaluation starts over and finishes.
    ProviderEvaluation.objects.for_operators().filter(pk=run.pk).update(status="running", attempts=1, interviews_done=9)
    provider_settings.run_evaluation(run.public_id)
    run.refresh_from_db()
    assert (run.status, run.attempts, run.interviews_done) == ("done", 2, 17)
    sent = len(endpoint.requests)
    provider_settings.run_evaluation(run.public_id)  # delivered once more: nothing happens
    assert len(endpoint.requests) == sent == 17


def test_a_failing_endpoint_fails_the_evaluation_with_a_reason_and_no_key(
    acme, endpoint, org_key, broker, django_capture_on_commit_callbacks, caplog
):
    saved(acme, endpoint, org_key)
    endpoint.responder = lambda request: Reply(error_body(f"Incorrect API key provided: {org_key}"), status=401)
    caplog.set_level(logging.DEBUG)
    run = evaluated(acme, broker, django_capture_on_commit_callbacks)
    assert run.status == "failed"
    assert run.failure_reason == "the AI service rejected the request (HTTP 401)"
    assert org_key not in caplog.text and org_key not in json.dumps(run.report)
    assert OrganizationAIProvider.objects.for_operators().get().status == "draft"
    assert AICall.objects.for_operators().get().outcome == "error:http_401"


# --- Enabling only after an evaluation of exactly this configuration -----------------------------------------------


def test_enabling_is_refused_before_an_evaluation_and_after_a_change(
    client, acme, endpoint, org_key, broker, django_capture_on_commit_callbacks
):
    row = saved(acme, endpoint, org_key)
    client.force_login(acme.admin.user)
    page = client.get(PAGE).content.decode()
    assert "Enable this endpoint" not in page
    assert client.post(f"{PAGE}enable", {"evaluation": ""}).status_code == 404  # no report to point at

    first = evaluated(acme, broker, django_capture_on_commit_callbacks)
    provider_settings.save_endpoint(actor=acme.admin, **form(endpoint, "", model="acme-llama-3.1-8b"))
    row.refresh_from_db()
    assert (row.status, row.config_version) == ("draft", 2)
    response = client.post(f"{PAGE}enable", {"evaluation": first.public_id}, follow=True)
    assert "not of the configuration saved now" in response.content.decode()
    assert "earlier configuration" in response.content.decode()
    row.refresh_from_db()
    assert row.status == "draft" and provider_for(acme.organization).name == "local"

    second = evaluated(acme, broker, django_capture_on_commit_callbacks)
    response = client.post(f"{PAGE}enable", {"evaluation": second.public_id})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.enabled_by, row.config_version) == ("enabled", acme.admin, 2)
    enabled = AuditEvent.objects.for_operators().get(action="ai_provider.enabled")
    assert enabled.details["evaluation"] == second.public_id and enabled.details["model"] == "acme-llama-3.1-8b"
    assert enabled.details["agreement"] == second.report["overall"]["agreement"]["value"]

    # A new key is a new configuration too: back to draft, no longer in use, audited as disabled.
    provider_settings.save_endpoint(actor=acme.admin, **form(endpoint, "sk-rotated-key", model="acme-llama-3.1-8b"))
    row.refresh_from_db()
    assert (row.status, row.config_version) == ("draft", 3)
    assert provider_for(acme.organization).name == "local"
    disabled = AuditEvent.objects.for_operators().get(action="ai_provider.disabled")
    assert disabled.details["reason"] == "configuration_changed"
    assert "sk-rotated-key" not in audit_text(acme.organization) and org_key not in audit_text(acme.organization)


def test_an_unfinished_evaluation_cannot_be_enabled(
    acme, endpoint, org_key, broker, django_capture_on_commit_callbacks
):
    row = saved(acme, endpoint, org_key)
    with django_capture_on_commit_callbacks(execute=True):
        run = provider_settings.start_evaluation(actor=acme.admin, provider=row)
    broker.flush_all()
    with pytest.raises(provider_settings.Conflict, match="once its evaluation has finished"):
        provider_settings.enable(actor=acme.admin, provider=row, evaluation_run=run)
    row.refresh_from_db()
    assert row.status == "draft"


def test_disabling_goes_back_to_the_offline_engine_and_is_audited(
    client, acme, endpoint, org_key, broker, django_capture_on_commit_callbacks
):
    row = saved(acme, endpoint, org_key)
    run = evaluated(acme, broker, django_capture_on_commit_callbacks)
    provider_settings.enable(actor=acme.admin, provider=row, evaluation_run=run)
    assert isinstance(provider_for(acme.organization), OrganizationEndpointProvider)
    client.force_login(acme.admin.user)
    page = client.get(PAGE).content.decode()
    assert "Your own endpoint: model" in page and "Use the offline engine again" in page
    assert client.post(f"{PAGE}disable").status_code == 302
    assert type(provider_for(acme.organization)) is LocalProvider
    assert AuditEvent.objects.for_operators().get(action="ai_provider.disabled").details["reason"] == "admin"
    assert "nothing is sent to any AI service" in client.get(PAGE).content.decode()
    # Enabled again with the same report (the configuration did not change), then removed: key and rows gone.
    provider_settings.enable(actor=acme.admin, provider=row, evaluation_run=run)
    assert client.post(f"{PAGE}remove").status_code == 302
    assert not OrganizationAIProvider.objects.for_operators().exists()
    assert not ProviderEvaluation.objects.for_operators().exists()
    assert [e.details["reason"] for e in AuditEvent.objects.for_operators().filter(action="ai_provider.disabled")] == [
        "removed",
        "admin",
    ]


# --- Analyses: the org's endpoint for new ones, nothing rewritten --------------------------------------------------


def enable_endpoint(acme, endpoint, key, broker, django_capture_on_commit_callbacks, **changes):
    row = saved(acme, endpoint, key, **changes)
    run = evaluated(acme, broker, django_capture_on_commit_callbacks)
    provider_settings.enable(actor=acme.admin, provider=row, evaluation_run=run)
    endpoint.requests.clear()
    return row


def started_on_the_endpoint(acme, invite, accept):
    """A transcribed analysis recorded as started while the endpoint was in use (as ``start_analysis`` records it)."""
    analysis, _criterion = transcribed_analysis(acme, invite, accept)
    Analysis.objects.for_operators().filter(pk=analysis.pk).update(provider="org-openai", model=ORG_MODEL)
    return analysis


def test_an_analysis_of_the_organization_goes_to_its_endpoint_and_another_stays_offline(
    acme, globex, endpoint, org_key, broker, django_capture_on_commit_callbacks, invite, accept, caplog
):
    enable_endpoint(acme, endpoint, org_key, broker, django_capture_on_commit_callbacks)
    analysis = started_on_the_endpoint(acme, invite, accept)
    # A new analysis records the provider and model it is made with.
    recording = RecordingFactory(interview=InterviewFactory(candidate=analysis.interview.candidate))
    fresh = recordings.start_analysis(recording=recording, actor=acme.recruiter)
    assert (fresh.provider, fresh.model) == ("org-openai", ORG_MODEL)

    caplog.set_level(logging.DEBUG)
    assert pipeline.run_step(analysis.public_id, Step.SCORE)
    assert pipeline.run_step(analysis.public_id, Step.FEEDBACK)
    assert [r.path for r in endpoint.requests] == ["/v1/chat/completions"] * 3  # score, two feedback drafts
    for request in endpoint.requests:
        assert request.headers["authorization"] == f"Bearer {org_key}"
        assert request.json["model"] == ORG_MODEL
        assert "Kim Candidate" not in request.text  # AI-5 still holds
    score = Score.objects.for_operators().get(analysis=analysis)
    assert score.value == 3 and score.evidence.get().quote.startswith("I designed the orders schema")
    calls = AICall.objects.for_operators().filter(analysis_public_id=analysis.public_id)
    assert {(c.provider, c.model) for c in calls} == {("org-openai", ORG_MODEL)}
    assert org_key not in caplog.text

    # Globex has no endpoint of its own: the offline engine, and nothing of Acme's.
    assert type(provider_for(globex.organization)) is LocalProvider
    other = recordings.start_analysis(
        recording=RecordingFactory(interview=InterviewFactory(organization=globex.organization)), actor=globex.recruiter
    )
    assert other.provider == "local"


def test_azure_openai_as_the_organizations_endpoint(
    acme, endpoint, org_key, broker, django_capture_on_commit_callbacks
):
    enable_endpoint(
        acme,
        endpoint,
        org_key,
        broker,
        django_capture_on_commit_callbacks,
        kind="azure",
        base_url=endpoint.endpoint,
        model="acme-gpt4o-deployment",
        api_version="2024-10-21",
    )
    provider = provider_for(acme.organization)
    assert provider.name == "org-azure" and provider.model == "acme-gpt4o-deployment"
    assert ProviderEvaluation.objects.for_operators().get().status == "done"
    assert AICall.objects.for_operators().filter(provider="org-azure", model="acme-gpt4o-deployment").count() == 17


def test_azure_requests_carry_the_deployment_and_api_key_header(acme, endpoint, org_key):
    saved(acme, endpoint, org_key, kind="azure", base_url=endpoint.endpoint, model="acme-dep", api_version="")
    row = OrganizationAIProvider.objects.for_operators().get()
    assert row.api_version == "2024-10-21"  # the service's default API version
    provider = provider_settings.build_provider(row)
    evaluation.evaluate(provider, evaluation.load(evaluation.GOLDEN))
    [request] = endpoint.requests
    assert request.path == "/openai/deployments/acme-dep/chat/completions"
    assert request.headers["api-key"] == org_key and request.query["api-version"] == ["2024-10-21"]


def test_a_named_speech_model_sends_the_audio_to_the_endpoint_with_its_key(acme, endpoint, org_key, tmp_path):
    """Without one, speech to text stays on the offline engine (``OrganizationEndpointProvider.transcribe``)."""
    saved(acme, endpoint, org_key, transcribe_model="whisper-large-v3")
    provider = provider_settings.build_provider(OrganizationAIProvider.objects.for_operators().get())
    audio = tmp_path / "stored-name.wav"
    with wave.open(str(audio), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\0\0" * 16000)
    endpoint.push(Reply(transcription([(0.0, 0.8, "I designed the orders schema.")])))
    records = []
    result = provider.transcribe(str(audio), on_call=records.append, language="en")
    [request] = endpoint.requests
    assert request.path == "/v1/audio/transcriptions" and request.form["model"] == ["whisper-large-v3"]
    assert request.headers["authorization"] == f"Bearer {org_key}" and request.files["file"][0] == "interview.wav"
    assert [turn.text for turn in result.turns] == ["I designed the orders schema."]
    assert [(r.provider, r.model, r.purpose) for r in records] == [("org-openai", "whisper-large-v3", "transcribe")]


def test_switching_the_provider_never_rewrites_analyses_already_made(
    acme, endpoint, org_key, broker, django_capture_on_commit_callbacks, invite, accept
):
    before, criterion = transcribed_analysis(acme, invite, accept)
    assert pipeline.run_step(before.public_id, Step.SCORE)  # the offline engine scores it
    score = Score.objects.for_operators().get(analysis=before)
    score.status, score.reviewed_by, score.reviewed_at = Review.APPROVED, acme.recruiter, timezone.now()
    score.save()
    snapshot = (
        Analysis.objects.for_operators().filter(pk=before.pk).values("provider", "model", "prompt_version").get(),
        list(Score.objects.for_operators().filter(analysis=before).values()),
        list(score.evidence.values()),
    )

    enable_endpoint(acme, endpoint, org_key, broker, django_capture_on_commit_callbacks)
    assert pipeline.run_step(before.public_id, Step.SCORE)  # done before: skipped, nothing re-scored
    assert endpoint.requests == []
    after = (
        Analysis.objects.for_operators().filter(pk=before.pk).values("provider", "model", "prompt_version").get(),
        list(Score.objects.for_operators().filter(analysis=before).values()),
        list(score.evidence.values()),
    )
    assert after == snapshot and snapshot[0]["provider"] == "local"


def test_an_analysis_keeps_the_provider_it_started_with_for_its_later_steps(
    acme, endpoint, org_key, broker, django_capture_on_commit_callbacks, invite, accept
):
    started_offline, _criterion = transcribed_analysis(acme, invite, accept)
    row = enable_endpoint(acme, endpoint, org_key, broker, django_capture_on_commit_callbacks)
    assert type(provider_for_analysis(started_offline)) is LocalProvider

    recording = RecordingFactory(interview=InterviewFactory(candidate=started_offline.interview.candidate))
    started_on_endpoint = recordings.start_analysis(recording=recording, actor=acme.recruiter)
    own = provider_for_analysis(started_on_endpoint)
    assert isinstance(own, OrganizationEndpointProvider) and own.model == ORG_MODEL

    provider_settings.disable(actor=acme.admin, provider=row)
    with pytest.raises(ProviderError, match="changed after this analysis started") as raised:
        provider_for_analysis(started_on_endpoint)
    assert raised.value.retryable is False


# --- Every call checked again (SEC-SSRF), the key kept readable only with the service's keys -----------------------


def test_every_call_is_checked_against_the_allowlist_again(
    acme, endpoint, org_key, settings, broker, django_capture_on_commit_callbacks, invite, accept
):
    enable_endpoint(acme, endpoint, org_key, broker, django_capture_on_commit_callbacks)
    analysis = started_on_the_endpoint(acme, invite, accept)
    settings.OUTBOUND_ALLOW_LOOPBACK = False  # the operator no longer allows loopback: refused at connect time
    assert not pipeline.run_step(analysis.public_id, Step.SCORE)
    assert endpoint.requests == []
    step = analysis.steps.get(name=Step.SCORE)
    assert step.failure_reason == "the AI endpoint is not an allowed outbound destination"
    assert AICall.objects.for_operators().get(analysis_public_id=analysis.public_id).outcome == "error:refused"


def test_a_dedicated_encryption_key_and_its_rotation(settings):
    settings.AI_PROVIDER_KEY_ENCRYPTION_KEY = ["first-dedicated-key"]
    token = provider_settings.encrypt_key("sk-secret")
    settings.AI_PROVIDER_KEY_ENCRYPTION_KEY = ["second-key", "first-dedicated-key"]
    assert provider_settings.decrypt_key(token) == "sk-secret"
    settings.AI_PROVIDER_KEY_ENCRYPTION_KEY = ["second-key"]
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    with pytest.raises(provider_settings.KeyUnreadable):
        provider_settings.decrypt_key(token)


def test_a_key_the_service_cannot_decrypt_fails_the_step_with_a_reason(
    acme, endpoint, org_key, settings, broker, django_capture_on_commit_callbacks
):
    enable_endpoint(acme, endpoint, org_key, broker, django_capture_on_commit_callbacks)
    settings.SECRET_KEY = "a-rotated-secret-key-" + "y" * 40
    with pytest.raises(ProviderError, match="an admin enters it again") as raised:
        provider_for(acme.organization)
    assert raised.value.retryable is False and org_key not in raised.value.reason


# --- In Swedish ---------------------------------------------------------------------------------------------------

BYO_FILES = (
    "ai_analysis/provider_views.py",
    "ai_analysis/provider_forms.py",
    "ai_analysis/provider_settings.py",
    "ai_analysis/provider_panels.py",
    "ai_analysis/templates/ai_analysis/ai_provider.html",
    "ai_analysis/templates/ai_analysis/_provider_evaluation.html",
    "ai_analysis/templates/ai_analysis/_ratio.html",
    "ai_analysis/templates/ai_analysis/_settings_nav.html",
)


def test_every_msgid_of_the_ai_provider_page_has_a_swedish_msgstr(tmp_path):
    msgids = extracted_msgids(BYO_FILES, tmp_path)
    assert len(msgids) > 60 and "Enable this endpoint" in msgids
    choices = [*OrganizationAIProvider.Kind.labels, *OrganizationAIProvider.Status.labels]
    assert untranslated(msgids) == [] and untranslated({str(label): {"plural": False} for label in choices}) == []


def test_the_page_in_swedish_with_its_report_and_a_form_error(
    client, acme, endpoint, org_key, broker, django_capture_on_commit_callbacks
):
    acme.admin.user.language = "sv"
    acme.admin.user.save(update_fields=["language"])
    saved(acme, endpoint, org_key)
    evaluated(acme, broker, django_capture_on_commit_callbacks)
    client.force_login(acme.admin.user)
    page = client.get(PAGE).content.decode()
    for swedish in ("AI-leverantör", "Utvärdering på referensintervjuerna", "Totalt, 17 intervjuer", "Påhittade citat"):
        assert swedish in page, swedish
    assert "Aktivera den här slutpunkten" in page and "Utvärderad, används inte" in page
    response = client.post(PAGE, form(endpoint, "", base_url="https://models.internal.example/v1"))
    assert "är inte en tillåten utgående värd" in response.content.decode()
