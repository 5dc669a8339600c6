"""An admin invites a colleague; the colleague opens the emailed link in their own browser, creates an account and
lands in the organization with the invited role (ORG-7), all in Debian's Chromium."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.e2e.test_login_journey import SCREENSHOTS, demo_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_invites_and_the_colleague_joins(live_server, browser):
    admin = demo_login("admin")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    admin_page = browser.new_page()
    admin_page.goto(f"{live_server.url}/accounts/login/")
    admin_page.get_by_label("Email").fill(admin["email"])
    admin_page.get_by_label("Password").fill(admin["password"])
    admin_page.get_by_role("button", name="Sign In").click()
    admin_page.get_by_role("link", name="Settings").click()
    admin_page.get_by_label("Email address").fill("nora.newhire@acme.example")
    admin_page.get_by_label("Role:", exact=True).select_option("hiring_manager")
    admin_page.get_by_role("button", name="Send invitation").click()
    expect(admin_page.get_by_text("Invitation sent to nora.newhire@acme.example.")).to_be_visible()
    expect(admin_page.locator(".plain-list").get_by_text("nora.newhire@acme.example")).to_be_visible()
    admin_page.screenshot(path=str(SCREENSHOTS / "members-invited.png"), full_page=True)

    invitation = next(m for m in mail.outbox if m.to == ["nora.newhire@acme.example"])
    link = re.search(r"http://\S+/invitations/\S+/", invitation.body).group(0)
    path = "/" + link.split("/", 3)[3]

    colleague = browser.new_context().new_page()
    colleague.goto(f"{live_server.url}{path}")
    expect(colleague.get_by_role("heading", name="Join Acme Recruiting")).to_be_visible()
    colleague.get_by_role("link", name="Create account").click()
    colleague.get_by_label("Email").fill("nora.newhire@acme.example")
    colleague.get_by_label("Your name").fill("Nora Newhire")
    colleague.get_by_label("Password:", exact=True).fill("a-long-Pass-phrase-9")
    colleague.get_by_label("Password (again)").fill("a-long-Pass-phrase-9")
    colleague.get_by_role("button", name="Sign Up").click()

    colleague.wait_for_url(f"{live_server.url}/")
    assert colleague.locator(".org-chip").inner_text() == "Acme Recruiting · Hiring manager"
    colleague.screenshot(path=str(SCREENSHOTS / "invited-colleague-dashboard.png"), full_page=True)
