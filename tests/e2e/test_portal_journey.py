"""The candidate's rights portal in a real Chromium (RET-6, RET-7, CON-5): the candidate opens the personal link from
the email sent after consent, reads how their interview was assessed, downloads their data, and asks for erasure
(or, in Swedish, objects); the recruiter then no longer sees anything of them, and the admin finds the deletion
record. The links are the ones Django's email backend delivered, as the candidate would click them."""

import io
import json
import re
import zipfile

import pytest
from django.core import mail
from playwright.sync_api import expect

from accounts.models import Membership
from hiring.models import Candidate
from retention.models import DeletionRecord
from tests.e2e.test_hiring_journey import console_errors, sign_in
from tests.e2e.test_login_journey import SCREENSHOTS, demo_login
from tests.retention.portal.conftest import approve_everything
from tests.retention.world import full_candidate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PORTAL_LINK = re.compile(r"(https?://\S+/my-data/[^/\s]+/)")


def portal_link_emailed_to(address: str) -> str:
    [message] = [m for m in mail.outbox if m.to == [address] and "/my-data/" in m.body]
    return PORTAL_LINK.search(message.body).group(1)


def test_the_candidate_downloads_their_data_asks_for_erasure_and_the_recruiter_sees_nothing_left(
    live_server, browser, settings, tmp_path
):
    settings.SITE_URL = live_server.url  # the links in emails point at this server
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    recruiter_login, admin_login = demo_login("recruiter"), demo_login("admin")
    recruiter = Membership.objects.get(user__email=recruiter_login["email"])
    mail.outbox.clear()
    person = full_candidate(recruiter, name="Grace Hopper", email="grace.hopper@candidates.test")
    candidate = person.candidate
    approve_everything(candidate)

    # --- The recruiter sees the candidate ---
    desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    desk_errors = console_errors(desk)
    sign_in(desk, base, recruiter_login)
    desk.goto(f"{base}/candidates/{candidate.public_id}/")
    expect(desk.get_by_role("heading", name="Grace Hopper")).to_be_visible()

    # --- The candidate, on a phone, from the email sent after consent ---
    link = portal_link_emailed_to("grace.hopper@candidates.test")
    assert link.startswith(base)
    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, accept_downloads=True
    ).new_page()
    phone_errors = console_errors(phone)
    phone.goto(link)
    expect(phone.get_by_role("heading", name="Your data at Acme Recruiting")).to_be_visible()
    expect(phone.get_by_role("heading", name="How your interview was assessed")).to_be_visible()
    expect(phone.get_by_text(person.answer).first).to_be_visible()  # the quoted evidence of the approved score
    expect(phone.get_by_text("your answer about Zebracorp")).to_be_visible()  # the approved feedback
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SCREENSHOTS / "portal-home.png"), full_page=True)

    with phone.expect_download() as download_info:
        phone.get_by_role("link", name="Download my data (ZIP)").first.click()
    download = download_info.value
    assert download.suggested_filename == f"my-data-{candidate.public_id}.zip"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    archive = zipfile.ZipFile(io.BytesIO(saved.read_bytes()))
    document = json.loads(archive.read("export.json"))
    assert document["data"]["hiring.candidate"]["rows"][0]["name"] == "Grace Hopper"
    assert any(name.endswith("merged.wav") for name in archive.namelist())

    phone.get_by_role("link", name="Erase my data").click()
    expect(phone.get_by_role("heading", name="Erase your data")).to_be_visible()
    confirm = phone.get_by_label("Erase everything held about me for this position")
    assert confirm.evaluate("box => box.required")  # the browser holds the form back until it is ticked
    phone.get_by_role("button", name="Erase my data now").click()
    expect(phone.get_by_role("heading", name="Erase your data")).to_be_visible()
    assert Candidate.objects.for_operators().filter(pk=candidate.pk).exists()
    confirm.check()
    phone.screenshot(path=str(SCREENSHOTS / "portal-erase-confirm.png"), full_page=True)
    phone.get_by_role("button", name="Erase my data now").click()
    expect(phone.get_by_role("heading", name="Your data is erased")).to_be_visible()
    record = DeletionRecord.objects.for_operators().get()
    expect(phone.get_by_text(record.public_id)).to_be_visible()
    phone.screenshot(path=str(SCREENSHOTS / "portal-erased.png"), full_page=True)
    assert phone_errors == [], phone_errors  # no CSP violation or script error on the way
    phone.goto(link)  # a page with status 404 from here on, which the console reports
    expect(phone.get_by_role("heading", name="There is no data behind this link any more")).to_be_visible()

    # --- The recruiter no longer sees anything of them ---
    assert record.trigger == "candidate_request" and record.actor_label == "the candidate"
    assert not Candidate.objects.for_operators().filter(pk=candidate.pk).exists()
    assert desk_errors == [], desk_errors
    response = desk.goto(f"{base}/candidates/{candidate.public_id}/")
    assert response.status == 404
    desk.goto(f"{base}/hirings/{candidate.hiring.public_id}/")
    expect(desk.get_by_role("heading", name=candidate.hiring.title)).to_be_visible()
    expect(desk.get_by_text("Grace Hopper")).to_have_count(0)

    # --- The admin finds the proof, without the person in it ---
    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, base, admin_login)
    admin.goto(f"{base}/settings/deletion-records/")
    row = admin.locator("tbody tr", has_text=record.public_id)
    expect(row.get_by_text("The candidate asked for erasure")).to_be_visible()
    expect(admin.get_by_text("Grace Hopper")).to_have_count(0)
    admin.screenshot(path=str(SCREENSHOTS / "portal-deletion-record.png"), full_page=True)


def test_in_swedish_the_candidate_objects_and_processing_stops_and_their_data_goes(live_server, browser, settings):
    settings.SITE_URL = live_server.url
    recruiter = Membership.objects.get(user__email=demo_login("recruiter")["email"])
    mail.outbox.clear()
    person = full_candidate(recruiter, name="Sara Lind", email="sara.lind@candidates.test")
    candidate = person.candidate
    candidate.consent.language = "sv"  # as chosen on the consent page (tests/consent/test_language.py)
    candidate.consent.save(update_fields=["language"])
    link = portal_link_emailed_to("sara.lind@candidates.test")

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = console_errors(page)
    page.goto(link)  # no ?lang=: the stored language
    expect(page.get_by_role("heading", name="Dina uppgifter hos Acme Recruiting")).to_be_visible()
    page.get_by_role("link", name="Invänd och återkalla mitt samtycke").click()
    page.get_by_label("Jag invänder").check()
    page.get_by_role("button", name="Invänd och återkalla mitt samtycke").click()
    expect(page.get_by_role("heading", name="Din invändning är registrerad: behandlingen har stoppats")).to_be_visible()
    expect(page.get_by_text("Dina uppgifter har raderats.")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "portal-objected-sv.png"), full_page=True)
    assert not Candidate.objects.for_operators().filter(pk=candidate.pk).exists()
    assert DeletionRecord.objects.for_operators().get().trigger == "consent_withdrawn"
    assert errors == [], errors
