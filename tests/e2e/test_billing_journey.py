"""An admin upgrades through Stripe Checkout (BIL-1): Globex's admin, on the Free plan, subscribes to Team on the local
Stripe double's Checkout page; the double sends its signed webhooks to the live server (BIL-3), and back on the
billing page the plan is Team, the month's credits are topped up to Team's grant and the paid invoice is listed,
all in Debian's Chromium. Without credits, the recorder page says why nothing starts (BIL-5)."""

import pytest
from playwright.sync_api import expect

from ai_analysis.models import Analysis
from billing import services
from tests.billing.conftest import point_stripe_at
from tests.billing.stripe_server import StripeServer
from tests.e2e.test_analysis_journey import demo_world
from tests.e2e.test_hiring_journey import sign_in
from tests.e2e.test_login_journey import SCREENSHOTS, demo_login
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_admin_upgrades_through_checkout_and_the_webhook_moves_the_plan(live_server, browser, settings):
    admin = demo_login("admin", organization="Globex Talent")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with StripeServer(
        prices={"price_team": 4900, "price_business": 19900}, webhook_url=f"{live_server.url}/webhooks/stripe/"
    ) as stripe_double:
        point_stripe_at(settings, stripe_double.base_url)
        page = browser.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(admin["email"])
        page.get_by_label("Password").fill(admin["password"])
        page.get_by_role("button", name="Sign In").click()
        page.get_by_role("link", name="Billing").click()

        expect(page.get_by_test_id("current-plan")).to_have_text("Free")
        expect(page.get_by_test_id("credits-left")).to_contain_text("credits left")
        # The Free plan granted 20 this month; the demo's analysis used one of them.
        before = int(page.get_by_test_id("credits-left").inner_text().split()[0])
        assert before == 19
        page.screenshot(path=str(SCREENSHOTS / "billing-free.png"), full_page=True)

        page.get_by_role("button", name="Subscribe to Team").click()
        expect(page.get_by_role("heading", name="Subscribe")).to_be_visible()  # the double's Checkout page
        assert page.url.startswith(f"{stripe_double.base_url}/c/pay/")
        page.get_by_role("button", name="Pay and subscribe").click()

        expect(page.get_by_test_id("current-plan")).to_have_text("Team")
        assert page.url.endswith("/settings/billing/?checkout=done")
        # Team grants 100 a month: the month is topped up by the 80 not granted yet.
        expect(page.get_by_test_id("credits-left")).to_have_text(f"{before + 80} credits left")
        expect(page.get_by_test_id("seats")).to_contain_text("of 25 used")
        expect(page.get_by_test_id("invoices")).to_contain_text("49.00 EUR")
        expect(page.get_by_role("button", name="Manage subscription in the Stripe portal")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "billing-team.png"), full_page=True)
        assert [status for _, status in stripe_double.deliveries] == [200, 200, 200]


def test_without_credits_the_recorder_says_so_and_nothing_starts(live_server, browser, tmp_path):
    """BIL-5: the recording's parts are stored, completing it is refused (409), and the page shows why."""
    login = demo_login("recruiter")
    world = demo_world(login)
    organization = world.org.organization
    left = services.credits_left(organization)
    operator = UserFactory(is_staff=True, is_superuser=True)
    services.adjust_credits(operator=operator, organization=organization, amount=-left, reason="journey: used up")
    recording_file = tmp_path / "interview.webm"
    recording_file.write_bytes(b"\x1aE\xdf\xa3" + b"\x00" * 4096)

    page = browser.new_page()
    sign_in(page, live_server.url, login)
    page.goto(f"{live_server.url}/interviews/{world.interview.public_id}/record/")
    page.get_by_label("Recording file", exact=True).set_input_files(str(recording_file))
    page.get_by_role("button", name="Upload and analyse").click()

    expect(page.get_by_text("Not enough analysis credits: an analysis needs 1 and 0 are left.")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "recorder-no-credits.png"), full_page=True)
    assert not Analysis.objects.for_operators().filter(interview=world.interview).exists()
