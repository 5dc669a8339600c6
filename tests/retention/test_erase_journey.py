"""In Chromium: a recruiter sees when a candidate's data is deleted, erases them on request through the button and
its confirmation, and no longer finds them; the admin finds the deletion record (RET-2, RET-5, RET-6)."""

import pytest
from playwright.sync_api import expect

from accounts.models import Membership
from hiring.models import Candidate
from retention.models import DeletionRecord
from tests.e2e.test_hiring_journey import console_errors, sign_in
from tests.e2e.test_login_journey import SCREENSHOTS, demo_login
from tests.retention.world import full_candidate

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_recruiter_erases_a_candidate_and_the_admin_sees_the_record(live_server, browser):
    recruiter_login, admin_login = demo_login("recruiter"), demo_login("admin")
    recruiter = Membership.objects.get(user__email=recruiter_login["email"])
    kim = full_candidate(recruiter, name="Kim Lindqvist", email="kim.lindqvist@candidates.test")
    base = live_server.url
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = console_errors(page)
    sign_in(page, base, recruiter_login)
    page.goto(f"{base}/candidates/{kim.candidate.public_id}/")
    card = page.locator("#retention")
    expect(card.get_by_text("Deleted on")).to_be_visible()
    expect(card.get_by_text("Kept 400 days after the decision (set for this candidate).")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "retention-candidate-card.png"), full_page=True)

    card.get_by_role("link", name="Erase candidate").click()
    expect(page.get_by_role("heading", name="Erase Kim Lindqvist?")).to_be_visible()
    page.get_by_role("button", name="Erase candidate").click()  # nothing filled in: refused, nothing erased
    expect(page.get_by_text("This field is required.").first).to_be_visible()
    assert Candidate.objects.for_operators().filter(pk=kim.candidate.pk).exists()
    errors.clear()  # the refusal answered 400, as it should; Chromium logs that
    page.get_by_label("Why is the data erased?").fill("The candidate asked by email")
    page.get_by_label("I understand that everything held about this candidate is deleted").check()
    page.screenshot(path=str(SCREENSHOTS / "retention-erase-confirm.png"), full_page=True)
    page.get_by_role("button", name="Erase candidate").click()
    expect(page.get_by_text("were erased (deletion record")).to_be_visible()
    expect(page.get_by_text("Kim Lindqvist")).to_have_count(0)
    assert not Candidate.objects.for_operators().filter(pk=kim.candidate.pk).exists()
    assert errors == []

    admin = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    sign_in(admin, base, admin_login)
    admin.goto(f"{base}/settings/retention/")
    admin.get_by_role("link", name="Deletion records").first.click()
    record = DeletionRecord.objects.get()
    row = admin.get_by_role("row").filter(has_text=record.public_id)
    expect(row.get_by_text("Erased by a member on request")).to_be_visible()
    expect(row.get_by_text(recruiter_login["email"])).to_be_visible()
    admin.screenshot(path=str(SCREENSHOTS / "retention-deletion-records.png"), full_page=True)
    assert "Kim" not in admin.content()
