"""A recruiter sets up a hiring with two criteria, adds a candidate and schedules an interview with the demo
interviewer; the interviewer, in a browser of their own, finds it among the interviews assigned to them (and nothing
else) and cannot open another hiring (ORG-4). Debian's Chromium, the real CSP: no console error on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import Membership
from consent import services as consent_services
from hiring import services
from hiring.models import Interview
from tests.e2e.test_login_journey import SCREENSHOTS, demo_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def sign_in(page, base_url: str, login: dict) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(login["email"])
    page.get_by_label("Password").fill(login["password"])
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(lambda url: url.startswith(base_url) and "/accounts/login/" not in url)


def console_errors(page) -> list[str]:
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return errors


def test_recruiter_sets_up_a_hiring_and_the_interviewer_sees_only_their_interview(live_server, browser):
    recruiter_login = demo_login("recruiter")
    interviewer_login = demo_login("interviewer")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    # Another hiring of the same organization, with an interview the demo interviewer is not part of.
    recruiter_member = Membership.objects.get(user__email=recruiter_login["email"])
    other = services.create_hiring(actor=recruiter_member, title="Data analyst")
    other_candidate = consent_services.add_candidate(
        actor=recruiter_member, hiring=other, name="Bo Other", email="bo@x.test"
    )
    services.schedule_interview(
        actor=recruiter_member,
        candidate=other_candidate,
        interviewer=recruiter_member,
        scheduled_at=timezone.now() + timedelta(days=2),
    )

    # --- The recruiter ---
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    errors = console_errors(page)
    sign_in(page, base, recruiter_login)
    page.get_by_role("link", name="Hirings").first.click()
    page.get_by_role("link", name="Create hiring").first.click()
    page.get_by_label("Title").fill("Platform engineer")
    page.get_by_label("Description").fill(
        "<p>Run and grow our <strong>payments platform</strong>.</p><ul><li>Go and PostgreSQL</li>"
        "<li>On call one week in six</li></ul><script>alert('x')</script>"
    )
    page.get_by_role("button", name="Create hiring").click()
    expect(page.get_by_role("heading", name="Platform engineer")).to_be_visible()
    expect(page.get_by_text("Hiring “Platform engineer” created.")).to_be_visible()

    page.get_by_role("link", name="Add criterion").first.click()
    page.get_by_label("Name").fill("System design")
    page.get_by_label("Weight").select_option("3")
    page.get_by_label("What good evidence looks like").fill("Names trade-offs and failure modes unprompted.")
    page.get_by_label("1 means").fill("Cannot describe a system they built")
    page.get_by_label("3 means").fill("Sound design, misses failure modes")
    page.get_by_label("5 means").fill("Clear trade-offs, plans for failure")
    page.get_by_role("button", name="Add and start another").click()
    # The button reloads the same URL: wait for the message instead of checking before the new page has come.
    expect(page.get_by_text("Criterion “System design” added.")).to_be_visible()
    page.get_by_label("Name").fill("Communication")
    page.get_by_label("3 means").fill("Understandable with follow-up questions")
    page.get_by_role("button", name="Add criterion").click()

    assert page.locator(".criterion").count() == 2
    page.get_by_label("New question for System design").fill("Walk me through a system you designed end to end.")
    page.locator("#criteria .criterion").first.get_by_role("button", name="Add question").click()
    expect(page.get_by_text("Walk me through a system you designed end to end.")).to_be_visible()

    page.get_by_role("link", name="Add candidate").first.click()
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Email").fill("ada.lovelace@candidates.test")
    page.get_by_label("Phone").fill("+46 70 123 45 67")
    page.get_by_label("Notes").fill("Referred by Charles. Prefers mornings.")
    page.get_by_role("button", name="Add candidate").click()
    expect(page.get_by_role("heading", name="Ada Lovelace")).to_be_visible()

    when = (timezone.localtime() + timedelta(days=3)).replace(hour=10, minute=0)
    page.get_by_role("combobox", name="Interviewer", exact=True).select_option(label="Interviewer (Acme) · Interviewer")
    page.get_by_label("Date and time").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save interview").click()
    expect(page.get_by_text("Interview scheduled with Interviewer (Acme).")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "hiring-candidate.png"), full_page=True)

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Platform engineer").click()
    expect(page.locator("#candidates").get_by_text("Ada Lovelace")).to_be_visible()
    assert page.locator(".rich-text strong").inner_text() == "payments platform"
    assert page.locator(".rich-text script").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "hiring-detail.png"), full_page=True)
    hiring_url = page.url

    page.get_by_role("link", name="Pipeline dashboard").click()
    expect(page.get_by_role("heading", name="Pipeline dashboard")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "hiring-dashboard.png"), full_page=True)
    page.goto(f"{base}/hirings/")
    page.screenshot(path=str(SCREENSHOTS / "hiring-list.png"), full_page=True)
    assert errors == [], errors

    # --- The interviewer, in a browser of their own ---
    interviewer = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    interviewer_errors = console_errors(interviewer)
    sign_in(interviewer, base, interviewer_login)
    interviewer.goto(f"{base}/interviews/")
    # Exactly the interviews assigned to them: the demo's and the new one, never the one of the other hiring.
    interviewer_member = Membership.objects.get(user__email=interviewer_login["email"])
    assigned = Interview.objects.visible_to(interviewer_member).filter(interviewer=interviewer_member)
    rows = interviewer.locator("table tbody tr")
    assert rows.count() == assigned.count()
    ada = rows.filter(has_text="Ada Lovelace")
    assert ada.count() == 1 and "Platform engineer" in ada.inner_text()
    assert interviewer.get_by_text("Bo Other").count() == 0
    assert interviewer.get_by_text("Data analyst").count() == 0
    interviewer.screenshot(path=str(SCREENSHOTS / "my-interviews.png"), full_page=True)

    ada.get_by_role("link", name="Open kit").click()
    expect(interviewer.get_by_role("heading", name="System design")).to_be_visible()
    expect(interviewer.get_by_text("Walk me through a system you designed end to end.")).to_be_visible()
    assert interviewer.get_by_text("ada.lovelace@candidates.test").count() == 0
    interviewer.screenshot(path=str(SCREENSHOTS / "interview-kit.png"), full_page=True)

    interviewer.goto(f"{base}/interviews/")
    interviewer.get_by_role("link", name="Ada Lovelace").click()
    expect(interviewer.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    body = interviewer.locator("main").inner_text()
    for private in ("ada.lovelace@candidates.test", "+46 70 123 45 67", "Prefers mornings"):
        assert private not in body
    interviewer.screenshot(path=str(SCREENSHOTS / "candidate-for-interviewer.png"), full_page=True)

    assert interviewer.goto(hiring_url).status == 200  # the hiring of their interview
    assert interviewer_errors == [], interviewer_errors  # (the refusals below log their status as console errors)
    assert interviewer.goto(f"{base}/hirings/{other.public_id}/").status == 404
    assert interviewer.goto(f"{base}/hirings/{other.public_id}/edit").status == 403
    assert interviewer.goto(f"{base}/hirings/dashboard/").status == 403
