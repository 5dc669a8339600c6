"""The top bar fits one row at 1280 px for every role (issue 14, "Polish"): brand, main navigation and the user's
organization chip, email and sign-out button sit side by side instead of wrapping to a second row."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_login_journey import SCREENSHOTS, demo_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def box(locator) -> dict:
    result = locator.bounding_box()
    assert result is not None, locator
    return result


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize("role", ["admin", "recruiter", "hiring_manager", "interviewer"])
def test_header_is_one_row_at_1280_px(live_server, browser, role, language):
    from accounts.models import User

    login = demo_login(role)
    User.objects.filter(email=login["email"]).update(language=language)  # Swedish labels are longer
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(login["email"])
        page.get_by_label("Password").fill(login["password"])
        page.get_by_role("button", name="Sign In").click()
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator(".usernav .user-email")).to_be_visible()
        expect(page.locator(".usernav .user-email")).to_have_text(login["email"])

        nav = page.locator(".mainnav")
        links = nav.locator("a")
        assert links.count() >= 3
        link_height = box(links.first)["height"]
        nav_box = box(nav)
        # One row of links: the navigation is exactly as tall as one link (two rows would double it).
        assert abs(nav_box["height"] - link_height) <= 1, (role, language, nav_box, link_height)
        first_link, last_link = box(links.first), box(links.last)
        assert abs(first_link["y"] - last_link["y"]) <= 1, (role, first_link, last_link)

        # Brand, navigation and user menu share the row: the bar itself is not taller than its tallest item plus
        # its padding, and every part is vertically centred on the same line.
        inner = box(page.locator(".topbar-inner"))
        parts = [box(page.locator(selector)) for selector in (".topbar .brand", ".mainnav", ".usernav")]
        tallest = max(part["height"] for part in parts)
        assert inner["height"] < tallest * 2, (role, language, inner, parts)
        centres = [part["y"] + part["height"] / 2 for part in parts]
        assert max(centres) - min(centres) <= 2, (role, centres)
        # Nothing overlaps: the last link ends before the user menu starts, the first starts after the brand.
        assert last_link["x"] + last_link["width"] <= parts[2]["x"], (role, language, last_link, parts[2])
        assert parts[0]["x"] + parts[0]["width"] <= first_link["x"], (role, language, parts[0], first_link)
        expect(page.get_by_role("link", name="Interview Analyzer")).to_be_visible()
        # Nothing spills out of the 1280 px viewport either.
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280

        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(
            path=str(SCREENSHOTS / f"header-{role}-{language}-1280.png"),
            clip={"x": 0, "y": 0, "width": 1280, "height": 200},
        )
    finally:
        context.close()
