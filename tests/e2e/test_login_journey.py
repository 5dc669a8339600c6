"""A demo user signs in through a real headless Chromium (Debian's), and the page is captured for a person."""

import json
import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(__file__).resolve().parents[2] / "var" / "screenshots"))


def demo_login(role: str, organization: str = "Acme Recruiting") -> dict:
    out = StringIO()
    call_command("seed_demo", "--json", stdout=out)
    return next(r for r in json.loads(out.getvalue()) if r["role"] == role and r["organization"] == organization)


def test_recruiter_signs_in_and_sees_their_organization(live_server, page):
    login = demo_login("recruiter")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sign in").first.click()
    page.wait_for_url("**/accounts/login/**")
    page.screenshot(path=str(SCREENSHOTS / "login.png"), full_page=True)

    page.get_by_label("Email").fill(login["email"])
    page.get_by_label("Password").fill(login["password"])
    page.get_by_role("button", name="Sign In").click()

    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="Acme Recruiting")).to_be_visible()
    assert page.locator(".org-chip").inner_text() == "Acme Recruiting · Recruiter"
    page.screenshot(path=str(SCREENSHOTS / "dashboard.png"), full_page=True)
    assert errors == [], errors  # no CSP violation or script error on the way


def test_wrong_password_shows_a_form_error_not_a_crash(live_server, page):
    login = demo_login("admin")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(login["email"])
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("The email address and/or password you specified are not correct.")).to_be_visible()
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
