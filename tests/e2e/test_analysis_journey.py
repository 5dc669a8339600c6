"""From recording to explanation in Chromium (SPEC section 0, CON-4, AI-1, AI-3, AI-4, RET-7).

1. A recruiter opens the recorder of a consented candidate's interview, uploads a real recording (the synthetic
   interview spoken by two flite voices, as WebM/Opus written the way MediaRecorder writes it) through the page's
   file input; the page sends it in pieces, completes it and shows the analysis becoming ready, with a real
   Dramatiq worker running the pipeline. The recruiter approves a score; the explanation page shows it with its
   evidence. Without consent, the recorder page explains and offers nothing.
2. An interviewer records live: Chromium's fake microphone plays the same interview from a WAV file into
   getUserMedia. The connection drops for a while (parts wait and are retried), then the tab is reloaded while the
   uploads are blocked (the parts kept in IndexedDB are sent after the reload); Stop and analyse completes it.
"""

import re
import shutil
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.backends.signals import connection_created
from playwright.sync_api import expect

from accounts.models import Membership
from ai_analysis import views
from ai_analysis.models import Analysis, Recording, Review, Score
from hiring.models import Interview
from interview_analyzer.roles import Role
from tests.ai_analysis import conftest as audio
from tests.ai_analysis import pipeline_world as pw
from tests.e2e.test_hiring_journey import console_errors, sign_in
from tests.e2e.test_login_journey import SCREENSHOTS, demo_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PIPELINE_SECONDS = 180


@pytest.fixture(scope="session")
def spoken_interview(request, tmp_path_factory) -> audio.Interview:
    """The scripted interview of tests/ai_analysis, spoken by two flite voices: built once per run, shared."""
    missing = [f"{tool} ({install})" for tool, install in audio.TOOLS.items() if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the journey needs {', '.join(missing)} to synthesize the interview")
    return audio.once_per_run(
        request,
        tmp_path_factory,
        "interview",
        audio.build_interview,
        audio.Interview.to_json,
        audio.Interview.from_json,
    )


def _read_uncommitted(sender, connection, value: int = 1, **kwargs):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA read_uncommitted = {int(value)}")


@pytest.fixture
def pipeline_worker(live_server, worker, settings):
    """A real Dramatiq worker beside the live server.

    On SQLite the test database is one in-memory shared cache, which needs two adjustments while a worker thread
    writes beside the server's request threads (PostgreSQL needs neither):
    - pytest-django may hand every request thread the test's own connection (when the database was set up before
      the live server started); concurrent requests then share one connection's transaction state. Here each
      request thread opens its own connection instead, as it does when the server starts first.
    - In a shared cache a reader's table lock makes a writer fail at once instead of waiting; connections that read
      uncommitted data take no such lock, so every connection opened meanwhile reads that way.
    - Two writers cannot wait for each other there either (a shared cache answers "table is locked" at once, where
      the embedded default's WAL file waits out its busy timeout, as tests/test_embedded_concurrency.py proves), and
      every page view now writes its access-log row (LOG-1) while the worker writes results. So these journeys run
      with the access log off on SQLite; tests/hiring/test_access_log.py covers it, and on PostgreSQL (CI) the
      journeys run with it on.
    """
    if connection.vendor == "sqlite":
        settings.ACCESS_LOG_ENABLED = False
    shared = live_server.thread.connections_override
    handed_over = dict(shared)
    shared.clear()
    connection_created.connect(_read_uncommitted)
    _read_uncommitted(None, connection)
    yield worker
    connection_created.disconnect(_read_uncommitted)
    _read_uncommitted(None, connection, value=0)
    shared.update(handed_over)


def demo_world(login: dict, *, consent: bool = True) -> pw.RecordingWorld:
    """The scripted interview's hiring in the demo organization, its candidate consented, the demo interviewer
    assigned."""
    recruiter = Membership.objects.get(user__email=login["email"])
    interviewer = Membership.objects.get(organization=recruiter.organization, role=Role.INTERVIEWER)
    org = SimpleNamespace(organization=recruiter.organization, recruiter=recruiter, interviewer=interviewer)
    return pw.build(org, consent=consent)


def test_recruiter_uploads_a_recording_approves_a_score_and_the_explanation_shows_it(
    live_server, browser, spoken_interview, pipeline_worker, monkeypatch
):
    # Small pieces, so this one-minute file travels as several chunks, each checksummed and sent in order.
    monkeypatch.setattr(views, "FILE_CHUNK_BYTES", 16 * 1024)
    login = demo_login("recruiter")
    world = demo_world(login)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = console_errors(page)
    sign_in(page, base, login)

    # --- From the interview page to the recorder ---
    page.goto(f"{base}/interviews/{world.interview.public_id}/")
    recording_card = page.locator("#recording")
    expect(recording_card.get_by_role("heading", name="Recording and analysis")).to_be_visible()
    recording_card.get_by_role("link", name="Upload recording").click()
    expect(page.get_by_role("heading", name="Record the interview with Robin Example")).to_be_visible()
    expect(page.get_by_role("button", name="Start recording")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "recorder.png"), full_page=True)

    # --- Upload the file: sliced, checksummed, sent in order, completed; then the analysis page ---
    page.get_by_label("Recording file", exact=True).set_input_files(str(spoken_interview.live_webm))
    page.get_by_role("button", name="Upload and analyse").click()
    page.wait_for_url(re.compile(r"/analyses/ana_[0-9A-Za-z]{22}/$"), timeout=60_000)
    pieces = -(-spoken_interview.live_webm.stat().st_size // (16 * 1024))
    recording = Recording.objects.for_operators().get(interview=world.interview)
    assert recording.status == Recording.Status.COMPLETE and recording.chunk_count == pieces > 1
    expect(page.locator("#progress")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "analysis-running.png"), full_page=True)

    # --- The worker runs the pipeline; the page follows it and shows the results when ready ---
    expect(page.locator(".page-head .badge")).to_have_text("Ready for review", timeout=PIPELINE_SECONDS * 1000)
    analysis = Analysis.objects.for_operators().get(recording=recording)
    assert analysis.status == Analysis.Status.DONE
    teamwork = page.locator(".score-card", has=page.get_by_role("heading", name="Teamwork"))
    expect(teamwork.locator(".score-value strong")).to_be_visible()
    expect(teamwork.locator(".quotes blockquote").first).to_be_visible()
    expect(page.locator("#transcript .turn").first).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "analysis-ready.png"), full_page=True)

    # Evidence links to its turn in the transcript.
    quote_link = teamwork.locator(".quotes a.ts-link").first
    turn_anchor = quote_link.get_attribute("href")
    quote_link.click()
    expect(page.locator(f"{turn_anchor}.turn-candidate")).to_be_visible()

    # --- The recruiter approves the Teamwork score ---
    teamwork.get_by_role("button", name="Approve Teamwork").click()
    expect(page.get_by_text("“Teamwork” approved.")).to_be_visible()
    teamwork = page.locator(".score-card", has=page.get_by_role("heading", name="Teamwork"))
    expect(teamwork.locator(".badge.review-approved")).to_have_text("Approved")
    score = Score.objects.for_operators().get(analysis=analysis, criterion_name="Teamwork")
    assert score.status == Review.APPROVED and score.reviewed_by.user.email == login["email"]
    page.screenshot(path=str(SCREENSHOTS / "analysis-reviewed.png"), full_page=True)

    # --- The explanation shows the approved score with its evidence, and nothing unreviewed ---
    page.get_by_role("link", name="Open the explanation").click()
    expect(page.get_by_role("heading", name="How the interview was assessed")).to_be_visible()
    explained = page.locator(".explain-score")
    expect(explained).to_have_count(1)
    expect(explained.get_by_role("heading", name="Teamwork")).to_be_visible()
    quote = score.evidence.first().quote
    expect(explained.locator("blockquote").first).to_contain_text(quote[:20])
    expect(page.get_by_text("Handling disagreement")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "explanation.png"), full_page=True)
    page.emulate_media(media="print")
    page.screenshot(path=str(SCREENSHOTS / "explanation-print.png"), full_page=True)
    page.emulate_media(media="screen")

    # --- The interview page now links to the analysis, with its state ---
    page.goto(f"{base}/interviews/{world.interview.public_id}/")
    expect(page.locator("#recording").get_by_text("Ready for review")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "interview-with-analysis.png"), full_page=True)
    assert errors == [], errors


def test_without_consent_the_recorder_page_explains_and_records_nothing(live_server, browser):
    login = demo_login("recruiter")
    world = demo_world(login, consent=False)
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = console_errors(page)
    sign_in(page, live_server.url, login)
    page.goto(f"{live_server.url}/interviews/{world.interview.public_id}/record/")
    expect(page.get_by_role("heading", name="Recording is not possible: there is no consent")).to_be_visible()
    expect(page.get_by_role("button", name="Start recording")).to_have_count(0)
    expect(page.get_by_label("Recording file", exact=True)).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "recorder-no-consent.png"), full_page=True)
    assert not Recording.objects.for_operators().filter(interview=world.interview).exists()
    assert errors == [], errors


@pytest.fixture
def microphone_browser(browser_type, browser_type_launch_args, spoken_interview):
    """Chromium whose fake microphone plays the spoken interview (16 kHz mono WAV) into getUserMedia."""
    args = [
        *browser_type_launch_args.get("args", []),
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={spoken_interview.mono_wav}",
        "--autoplay-policy=no-user-gesture-required",
    ]
    launched = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield launched
    launched.close()


def sent_parts(page) -> int:
    return int(page.locator('[data-role="sent"]').inner_text())


def test_interviewer_records_live_through_a_dropped_connection_and_a_reload(
    live_server, microphone_browser, pipeline_worker
):
    recruiter_login = demo_login("recruiter")
    interviewer_login = demo_login("interviewer")
    world = demo_world(recruiter_login)
    base = live_server.url
    context = microphone_browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["microphone"], origin=base)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # "leave the page?" while parts are waiting
    # Failed requests are the point of this test (the console reports them); script errors never are.
    script_errors = []
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    sign_in(page, base, interviewer_login)
    recorder_url = f"{base}/interviews/{world.interview.public_id}/record/"
    page.goto(recorder_url)

    # --- Recording: a part every 5 s, a moving level meter and clock ---
    page.get_by_role("button", name="Start recording").click()
    expect(page.locator('[data-role="state"]')).to_have_text("Recording")
    expect(page.locator('[data-role="sent"]')).to_have_text("1", timeout=15_000)
    level = page.locator('[data-role="level"]').evaluate("element => element.style.transform")
    assert level.startswith("scaleX(")
    assert page.locator('[data-role="timer"]').inner_text() != "0:00"
    page.screenshot(path=str(SCREENSHOTS / "recorder-live.png"), full_page=True)

    # --- The connection drops: parts wait on the device and are retried with backoff ---
    context.set_offline(True)
    expect(page.locator('[data-role="waiting"]')).not_to_have_text("0", timeout=15_000)
    expect(page.locator('[data-role="status"]')).to_contain_text("Connection problem", timeout=15_000)
    page.screenshot(path=str(SCREENSHOTS / "recorder-offline.png"), full_page=True)
    context.set_offline(False)
    expect(page.locator('[data-role="waiting"]')).to_have_text("0", timeout=30_000)
    held_before_reload = sent_parts(page)

    # --- Uploads blocked, then the tab is reloaded: the parts kept in IndexedDB are sent after the reload ---
    page.route("**/chunks/**", lambda route: route.abort())
    expect(page.locator('[data-role="waiting"]')).not_to_have_text("0", timeout=15_000)
    page.reload()
    page.unroute("**/chunks/**")
    expect(page.locator('[data-role="waiting"]')).to_have_text("0", timeout=30_000)
    expect(page.locator('[data-role="status"]')).to_contain_text("parts are on the server", timeout=15_000)
    expect(page.get_by_role("button", name="Continue recording")).to_be_visible()
    recording = Recording.objects.for_operators().get(interview=world.interview)
    held = sorted(recording.chunks.values_list("index", flat=True))
    assert held == list(range(len(held))) and len(held) > held_before_reload  # no gap: nothing was lost
    page.screenshot(path=str(SCREENSHOTS / "recorder-resumed.png"), full_page=True)

    # --- Stop and analyse: the recording is completed and the analysis page follows the pipeline ---
    page.get_by_role("button", name="Stop and analyse").click()
    page.wait_for_url(re.compile(r"/analyses/ana_[0-9A-Za-z]{22}/$"), timeout=60_000)
    recording.refresh_from_db()
    assert recording.status == Recording.Status.COMPLETE and recording.chunk_count == len(held)
    expect(page.locator(".page-head .badge")).to_have_text(
        re.compile("Ready for review|Failed"), timeout=PIPELINE_SECONDS * 1000
    )
    analysis = Analysis.objects.for_operators().get(recording=recording)
    merge = analysis.steps.get(name="merge")
    assert merge.status == "done", merge.failure_reason  # the live parts and the resumed session form one recording
    # The interviewer sees the analysis but no review controls.
    expect(page.get_by_role("button", name=re.compile("^Approve"))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Mark as"))).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "analysis-interviewer.png"), full_page=True)
    assert Interview.objects.for_operators().filter(pk=world.interview.pk).exists()
    assert script_errors == [], script_errors
    context.close()
