"""A recruiter adds a candidate; the candidate opens the consent email's link in Chromium, on a phone-sized screen,
reads what will happen and agrees; the recruiter then sees "Consented" with the time (CON-1, CON-2, CON-3, CON-6).

The email is the one Django's email backend delivered: the test reads the link out of it, as the candidate would.
"""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from consent.models import ConsentStatus
from hiring import services
from hiring.models import Candidate
from tests.e2e.test_hiring_journey import console_errors, sign_in
from tests.e2e.test_login_journey import SCREENSHOTS, demo_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"(https?://\S+/consent/[0-9A-Za-z]+/)")


def test_candidate_consents_from_the_email_and_the_recruiter_sees_it(live_server, browser, settings):
    settings.SITE_URL = live_server.url  # the links in emails point at this server
    login = demo_login("recruiter")
    recruiter = Membership.objects.get(user__email=login["email"])
    hiring = services.create_hiring(actor=recruiter, title="Site reliability engineer")
    services.add_criterion(actor=recruiter, hiring=hiring, name="Incident response", weight=3)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    mail.outbox.clear()

    # --- The recruiter adds the candidate ---
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = console_errors(page)
    sign_in(page, base, login)
    page.goto(f"{base}/hirings/{hiring.public_id}/")
    page.get_by_role("link", name="Add candidate").first.click()
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Email").fill("grace.hopper@candidates.test")
    page.get_by_role("button", name="Add candidate").click()
    expect(page.get_by_role("heading", name="Grace Hopper")).to_be_visible()
    consent_card = page.locator("#consent")
    expect(consent_card.get_by_text("Awaiting answer")).to_be_visible()

    # --- The email ---
    [message] = [m for m in mail.outbox if m.to == ["grace.hopper@candidates.test"]]
    assert "Acme Recruiting asks for your consent" in message.subject
    link = LINK.search(message.body).group(1)
    assert link.startswith(base)

    # --- The candidate, on a phone ---
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
    phone_errors = console_errors(phone)
    phone.goto(link)
    expect(
        phone.get_by_role("heading", name="Acme Recruiting asks for your consent to record and analyse your interview")
    ).to_be_visible()
    expect(phone.get_by_text("Incident response")).to_be_visible()
    expect(phone.get_by_text("The software never decides")).to_be_visible()
    # Nothing overflows sideways on a phone.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SCREENSHOTS / "consent-phone.png"), full_page=True)
    phone.get_by_role("link", name="Svenska").click()
    expect(phone.get_by_role("button", name="Jag samtycker")).to_be_visible()
    phone.get_by_role("link", name="English").click()
    before = timezone.now()
    phone.get_by_role("button", name="I agree").click()
    expect(phone.get_by_role("heading", name="Thank you: your consent is recorded")).to_be_visible()
    phone.screenshot(path=str(SCREENSHOTS / "consent-accepted.png"), full_page=True)
    assert phone_errors == [], phone_errors
    # The link is spent: opening it again explains so (a page with status 410, which the console reports).
    phone.goto(link)
    expect(phone.get_by_role("heading", name="This link has already been used")).to_be_visible()

    candidate = Candidate.objects.for_operators().get(email="grace.hopper@candidates.test")
    assert candidate.consent.status == ConsentStatus.ACCEPTED
    assert candidate.consent.responded_at >= before

    # --- The recruiter sees it, with the time ---
    page.reload()
    answered = timezone.localtime(candidate.consent.responded_at).strftime("%-d %b %Y, %H:%M")
    expect(consent_card.get_by_text("Consented", exact=True)).to_be_visible()
    expect(consent_card.locator(".consent-status").get_by_text(answered)).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "consent-recruiter.png"), full_page=True)
    page.goto(f"{base}/hirings/{hiring.public_id}/")
    row = page.locator("#candidates tbody tr", has_text="Grace Hopper")
    expect(row.get_by_text("Consented", exact=True)).to_be_visible()
    assert errors == [], errors
