"""An admin connects the organization's ATS in Debian's Chromium (INT-1): an ``ats`` key, the connector, a webhook
endpoint whose secret is shown once; then the ATS sends a candidate and a recruiter's decision shows in the
delivery log."""

import socket

import pytest
from django.test import Client
from playwright.sync_api import expect

from hiring import services as hiring_services
from hiring.models import Candidate
from integrations.models import Delivery
from tests.e2e.test_login_journey import SCREENSHOTS, demo_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ats_dns(monkeypatch):
    """The ATS's webhook host resolves to a public address (there is no DNS here); nothing is sent in this story."""
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        if host == "hooks.ats.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)


def test_admin_connects_the_ats_and_sees_deliveries(live_server, browser, ats_dns):
    admin = demo_login("admin")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(admin["email"])
    page.get_by_label("Password").fill(admin["password"])
    page.get_by_role("button", name="Sign In").click()

    page.goto(f"{live_server.url}/settings/api-keys/")
    page.get_by_label("Name").fill("Greenhouse")
    page.get_by_label("Read").uncheck()
    page.get_by_label("ATS integration").check()
    page.get_by_role("button", name="Create key").click()
    raw_key = page.locator("#new-key").input_value()
    assert raw_key.startswith("ia_live_")

    page.get_by_role("link", name="Integrations").click()
    expect(page.get_by_role("heading", name="ATS connector")).to_be_visible()
    page.get_by_label("Connector enabled").check()
    page.get_by_label("ATS:", exact=True).select_option("greenhouse")
    page.get_by_label("Inbound API key").select_option(label="Greenhouse (" + raw_key[:17] + "…)")
    page.get_by_label("Allowed webhook hosts").fill("hooks.ats.example")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Connector settings saved.")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "integrations-connector.png"), full_page=True)

    page.get_by_role("link", name="Webhook endpoints").click()
    page.get_by_label("URL").fill("http://169.254.169.254/latest/")
    page.get_by_role("button", name="Add endpoint").click()
    expect(page.get_by_text("not an allowed webhook host")).to_be_visible()
    page.get_by_label("URL").fill("https://hooks.ats.example/interview-analyzer")
    page.get_by_role("button", name="Add endpoint").click()
    secret = page.locator("#new-secret").input_value()
    assert secret.startswith("whsec_")
    page.screenshot(path=str(SCREENSHOTS / "integrations-endpoint-secret.png"), full_page=True)
    page.get_by_role("link", name="Webhook endpoints").click()  # opened again: the secret is not shown
    expect(page.get_by_text("hooks.ats.example/interview-analyzer")).to_be_visible()
    assert secret not in page.content()

    ats = Client(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    assert (
        ats.put("/api/v1/ats/hirings/4711", {"title": "Data engineer"}, content_type="application/json").status_code
        == 201
    )
    person = {"hiring": "4711", "name": "Ada Ats", "email": "ada.ats@mail.test"}
    created = ats.put("/api/v1/ats/candidates/9001", person, content_type="application/json")
    assert created.status_code == 201

    page.goto(f"{live_server.url}/settings/integrations/deliveries/")
    expect(page.get_by_text("Nothing sent yet.")).to_be_visible()
    candidate = Candidate.objects.for_operators().get(public_id=created.json()["id"])
    admin_member = candidate.created_by
    hiring_services.record_decision(actor=admin_member, candidate=candidate, outcome="rejected", reason="Filled")
    assert Delivery.objects.for_operators().filter(event="decision.recorded").count() == 1
    page.reload()
    expect(page.get_by_role("link", name="decision.recorded")).to_be_visible()
    page.get_by_role("link", name="decision.recorded").click()
    expect(page.get_by_text('"external_id": "9001"')).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "integrations-delivery.png"), full_page=True)
