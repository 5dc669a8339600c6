"""The recruiter's day in Chromium (issue 14; AI-1, AI-3, AI-4, CON-4).

1. Yesterday's video call: the recruiter logs it on the candidate's page as an interview that already took place,
   uploads its recording, and, once the analysis is ready, clicks a quote: the player seeks to the moment it was
   said (the audio element's ``currentTime``, over HTTP Range requests answered 206) and that turn is highlighted.
2. A failed upload is not a dead end: a file that is not audio fails at "Merge audio" with a reason in plain words;
   the recruiter retries it (it fails again, the file is still not audio), then replaces it with the real recording,
   which is analysed.

Screenshots land in var/screenshots/ (SCREENSHOT_DIR) for a person to look at.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ai_analysis.models import Analysis, Recording
from hiring.models import Interview
from tests.e2e.test_analysis_journey import (  # noqa: F401 (fixtures)
    PIPELINE_SECONDS,
    demo_world,
    pipeline_worker,
    spoken_interview,
)
from tests.e2e.test_hiring_journey import console_errors, sign_in
from tests.e2e.test_login_journey import SCREENSHOTS, demo_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ANALYSIS_URL = re.compile(r"/analyses/ana_[0-9A-Za-z]{22}/$")


def upload(page, path) -> None:
    page.get_by_label("Recording file", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Upload and analyse").click()
    page.wait_for_url(ANALYSIS_URL, timeout=60_000)


def test_recruiter_logs_yesterdays_interview_uploads_it_and_a_quote_seeks_the_player(
    live_server,
    browser,
    spoken_interview,  # noqa: F811
    pipeline_worker,  # noqa: F811
):
    login = demo_login("recruiter")
    world = demo_world(login)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = console_errors(page)
    ranges = []
    page.on("response", lambda r: ranges.append(r.status) if "/audio" in r.url else None)
    sign_in(page, base, login)
    expect(page.get_by_role("heading", name="Drafts awaiting your review")).to_be_visible()  # the start page
    page.screenshot(path=str(SCREENSHOTS / "day-home.png"), full_page=True)

    # --- Log the interview held yesterday, on the candidate's page ---
    page.goto(f"{base}/candidates/{world.candidate.public_id}/")
    form = page.locator("#interviews form")
    if not form.is_visible():
        page.get_by_text("Schedule or log an interview").click()
    yesterday = timezone.localtime(timezone.now() - timedelta(days=1)).replace(hour=10, minute=0)
    form.get_by_label("Date and time").fill(yesterday.strftime("%Y-%m-%dT%H:%M"))
    form.get_by_label("It already took place").check()
    page.screenshot(path=str(SCREENSHOTS / "day-log-held.png"), full_page=True)
    form.get_by_role("button", name="Save interview").click()
    expect(page.get_by_text("logged. Upload its recording here.")).to_be_visible()
    expect(page.get_by_text("logged after it was held")).to_be_visible()
    held = Interview.objects.for_operators().filter(candidate=world.candidate, logged_as_held=True).get()
    assert held.status == Interview.Status.COMPLETED and held.scheduled_at < timezone.now()

    # --- Upload its recording ---
    page.locator("#recording").get_by_role("link", name="Upload recording").click()
    upload(page, spoken_interview.live_webm)
    expect(page.locator(".page-head .badge")).to_have_text("Ready for review", timeout=PIPELINE_SECONDS * 1000)
    analysis = Analysis.objects.for_operators().get(interview=held)
    assert analysis.status == Analysis.Status.DONE

    # --- Click a quote: the player seeks to it and the turn is highlighted ---
    player = page.locator("audio[data-player]")
    expect(player).to_be_visible()
    quote = page.locator(".quotes a.quote-link").last
    expect(quote).to_be_visible()
    moment = float(quote.get_attribute("data-seek"))
    assert moment > 1.0  # a quote from the middle of the interview, not its start
    quote.click()
    page.wait_for_function(
        "m => Math.abs(document.querySelector('audio[data-player]').currentTime - m) < 1.5", arg=moment, timeout=15_000
    )
    player.evaluate("audio => audio.pause()")  # hold the moment, so the highlighted turn stays put
    current = player.evaluate("audio => audio.currentTime")
    assert abs(current - moment) < 1.5, (current, moment)
    expect(page.locator(".turn.turn-playing")).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "day-quote-seeks.png"), full_page=True)
    # Jump to an earlier turn by its time: the player follows.
    first_turn = page.locator(".transcript .turn .ts-link").first
    first_turn.click()
    page.wait_for_function("() => document.querySelector('audio[data-player]').currentTime < 2", timeout=15_000)
    assert 206 in ranges, ranges  # Chromium asked for byte ranges and got them
    assert errors == [], errors


def test_a_failed_upload_is_retried_then_replaced_and_analysed(
    live_server,
    browser,
    spoken_interview,  # noqa: F811
    pipeline_worker,  # noqa: F811
    tmp_path,
):
    login = demo_login("recruiter")
    world = demo_world(login)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, base, login)
    not_audio = tmp_path / "interview.webm"  # named like a recording, but a document inside
    not_audio.write_bytes(b"%PDF-1.7 minutes of the meeting, not a recording\n" * 400)

    page.goto(f"{base}/interviews/{world.interview.public_id}/record/")
    upload(page, not_audio)
    expect(page.locator(".page-head .badge")).to_have_text("Failed", timeout=PIPELINE_SECONDS * 1000)
    failure = page.locator('[data-role="failure"]')
    expect(failure).to_contain_text("The uploaded file could not be read as a recording.")
    expect(failure).to_contain_text("Upload the recording again, or another copy of it")
    page.screenshot(path=str(SCREENSHOTS / "day-upload-failed.png"), full_page=True)

    # --- Retry from the failed step: it runs again, and fails again (the file is still not audio) ---
    page.get_by_role("button", name="Retry from the failed step").click()
    expect(page.get_by_text("Retrying from “Merge audio”.")).to_be_visible()
    expect(page.locator(".page-head .badge")).to_have_text("Failed", timeout=PIPELINE_SECONDS * 1000)
    recording = Recording.objects.for_operators().get(interview=world.interview)
    merge = Analysis.objects.for_operators().get(recording=recording).steps.get(name="merge")
    assert merge.status == "failed" and merge.attempts == 1  # a fresh attempt after the retry
    page.screenshot(path=str(SCREENSHOTS / "day-retried.png"), full_page=True)

    # --- Replace it with the real recording ---
    page.get_by_role("button", name="Replace with a new upload").click()
    expect(page.get_by_text("The failed recording is deleted. Upload the new file.")).to_be_visible()
    assert not Recording.objects.for_operators().filter(pk=recording.pk).exists()
    page.screenshot(path=str(SCREENSHOTS / "day-replace.png"), full_page=True)
    upload(page, spoken_interview.live_webm)
    expect(page.locator(".page-head .badge")).to_have_text("Ready for review", timeout=PIPELINE_SECONDS * 1000)
    expect(page.locator("audio[data-player]")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "day-replaced-ready.png"), full_page=True)
    assert errors == [], errors
