"""The recorder speaks Swedish in Chromium for a Swedish interviewer (issue 14, "Polish": recruiter pages translated
to Swedish too; AI-1, CON-4).

recorder.js takes every sentence it shows from the page (``#recorder-messages`` and ``data-msg-*``), so a user whose
profile says ``sv`` sees Swedish from the script, not only from the template:

1. The microphone refused (Chromium's fake microphone, ``--use-fake-device-for-media-stream``, but no permission
   granted in the browser context): the status says so in Swedish; uploading without a file asks for one in Swedish.
2. The fake microphone allowed (its built-in tone): recording, pausing and
   resuming change the state badge, the status and the pause button's label in Swedish; the connection dropped
   gives the Swedish retry sentence with its count and seconds filled in, and the connection back says so.
"""

import re

import pytest
from playwright.sync_api import expect

from accounts.models import User
from tests.e2e.test_analysis_journey import demo_world
from tests.e2e.test_hiring_journey import sign_in
from tests.e2e.test_login_journey import SCREENSHOTS, demo_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def fake_microphone_browser(browser_type, browser_type_launch_args):
    args = [
        *browser_type_launch_args.get("args", []),
        "--use-fake-device-for-media-stream",  # no --use-fake-ui-for-media-stream: the context's grant decides
    ]
    launched = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield launched
    launched.close()


def swedish_interviewer():
    """The demo interviewer with Swedish on their profile, and the demo interview assigned to them."""
    login = demo_login("interviewer")
    world = demo_world(demo_login("recruiter"))
    User.objects.filter(email=login["email"]).update(language="sv")
    return login, world


def open_recorder(browser, live_server, login, world, *, microphone: bool):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    if microphone:
        context.grant_permissions(["microphone"], origin=live_server.url)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, live_server.url, login)  # the sign-in page is before the profile's language applies
    page.goto(f"{live_server.url}/interviews/{world.interview.public_id}/record/")
    expect(page.get_by_role("heading", name="Spela in intervjun med Robin Example")).to_be_visible()
    return context, page, errors


def status(page):
    return page.locator('[data-role="status"]')


def state(page):
    return page.locator('[data-role="state"]')


def test_a_refused_microphone_and_a_missing_file_are_said_in_swedish(live_server, fake_microphone_browser):
    login, world = swedish_interviewer()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page, errors = open_recorder(fake_microphone_browser, live_server, login, world, microphone=False)
    expect(state(page)).to_have_text("Redo")
    expect(page.locator('[data-role="connection"]')).to_have_text("Ansluten")

    page.get_by_role("button", name="Starta inspelningen").click()
    expect(status(page)).to_have_text(
        "Webbläsaren fick inte använda mikrofonen. Tillåt den i adressfältet och försök sedan igen."
    )
    expect(page.get_by_role("button", name="Starta inspelningen")).to_be_enabled()
    page.screenshot(path=str(SCREENSHOTS / "recorder-sv-microphone-refused.png"), full_page=True)

    page.get_by_role("button", name="Ladda upp och analysera").click()
    expect(status(page)).to_have_text("Välj en inspelningsfil först.")
    assert "Start recording" not in page.content()
    assert errors == [], errors
    context.close()


def test_recording_pausing_and_a_dropped_connection_are_said_in_swedish(live_server, fake_microphone_browser):
    login, world = swedish_interviewer()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page, errors = open_recorder(fake_microphone_browser, live_server, login, world, microphone=True)

    page.get_by_role("button", name="Starta inspelningen").click()
    expect(state(page)).to_have_text("Spelar in")
    expect(status(page)).to_have_text("Spelar in. Ljudet skickas var 5:e sekund.")
    pause = page.locator('[data-action="pause"]')
    expect(pause).to_have_text("Pausa")

    pause.click()
    expect(state(page)).to_have_text("Pausad")
    expect(status(page)).to_have_text("Pausad. Inget spelas in förrän du fortsätter.")
    expect(pause).to_have_text("Fortsätt")
    page.screenshot(path=str(SCREENSHOTS / "recorder-sv-paused.png"), full_page=True)
    pause.click()
    expect(pause).to_have_text("Pausa")
    expect(state(page)).to_have_text("Spelar in")
    expect(page.locator('[data-role="sent"]')).to_have_text("1", timeout=15_000)

    context.set_offline(True)
    expect(page.locator('[data-role="connection"]')).to_have_text("Frånkopplad: delarna sparas på den här enheten")
    expect(status(page)).to_have_text(
        re.compile(
            r"^Anslutningsproblem: (1 del|[2-9]\d* delar) väntar på den här enheten\. "
            r"Nästa försök om \d+ s; inspelningen fortsätter\.$"
        ),
        timeout=15_000,
    )
    page.screenshot(path=str(SCREENSHOTS / "recorder-sv-offline.png"), full_page=True)
    context.set_offline(False)
    expect(status(page)).to_have_text(
        "Anslutningen är tillbaka: inspelningen pågår och alla delar är ikapp.", timeout=30_000
    )
    expect(page.locator('[data-role="waiting"]')).to_have_text("0", timeout=30_000)
    assert errors == [], errors
    context.close()
