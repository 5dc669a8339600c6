"""The fairness report in Debian's Chromium (FAIR-1): an admin opens a hiring's report, sees the flagged figures,
the chart with its text alternative, and downloads the CSV; a screenshot is kept for people to look at."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.e2e.test_login_journey import SCREENSHOTS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_admin_reads_the_hiring_report_and_downloads_the_csv(live_server, browser, acme, world):
    client = Client()
    client.force_login(acme.admin.user)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]  # fmt: skip
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/fairness/hirings/{world.hiring.public_id}/")
    expect(page.get_by_role("heading", name="Fairness report: Platform engineer")).to_be_visible()
    expect(page.get_by_role("img", name="Selection rate per stage by Gender")).to_be_visible()
    expect(page.locator(".badge-warn").first).to_have_text("below four fifths")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "fairness-report.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.startswith("scope,category,measure,line,group,n,N,rate_percent") and ",Woman,5,7,71.4,0.714," in text
    context.close()


def test_a_candidate_answers_on_their_portal_and_withdraws(live_server, browser, acme, invite, accept):
    """The voluntary section in Swedish: the promises, the separate consent box, an answer, then withdrawal."""
    from fairness.models import SelfIdentification
    from retention.portal import tokens
    from tests.fairness.conftest import enable_gender

    enable_gender(acme.admin)
    invited = invite(acme.recruiter, language="sv")
    accept(invited)
    token = tokens.issue(invited.candidate, kind=tokens.AFTER_CONSENT).token
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(f"{live_server.url}/my-data/{token}/")
    section = page.get_by_role("region", name="Frivilligt: hjälp oss att kontrollera att vår rekrytering är rättvis")
    expect(section).to_be_visible()
    section.get_by_label("Woman").check()  # the admin wrote the answers in English
    section.get_by_role("button", name="Spara mina svar").click()
    expect(page.get_by_role("alert").first).to_contain_text("Kryssa i rutan")  # no consent box, nothing stored
    assert not SelfIdentification.objects.for_operators().filter(candidate=invited.candidate).exists()
    page.get_by_label("Woman").check()
    page.get_by_label("Jag godkänner att mina svar nedan sparas", exact=False).check()
    page.get_by_role("button", name="Spara mina svar").click()
    expect(page.get_by_role("status").first).to_contain_text("Dina svar är sparade.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.locator("#self-identification").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "fairness-portal-section.png"), full_page=True)
    assert SelfIdentification.objects.for_operators().get(candidate=invited.candidate).answer == "Woman"
    page.get_by_role("link", name="Ta tillbaka och radera mina svar").click()
    page.get_by_label("Ta tillbaka mitt godkännande och radera mina svar.").check()
    page.get_by_role("button", name="Ta tillbaka och radera mina svar").click()
    expect(page.get_by_role("status").first).to_contain_text("Dina svar är raderade.")
    assert not SelfIdentification.objects.for_operators().filter(candidate=invited.candidate).exists()
