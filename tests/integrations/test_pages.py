"""The admins' integration pages (INT-1): connector settings, endpoints with the secret shown once, the delivery
log. Bad input is a form error that stores nothing; other roles are refused."""

import pytest

from accounts.services import create_api_key
from hiring import services as hiring_services
from integrations import services
from integrations.models import Connector, Delivery, WebhookEndpoint
from interview_analyzer import outbound
from tests.integrations.test_webhooks import _candidate

pytestmark = pytest.mark.django_db

PAGES = [
    "/settings/integrations/",
    "/settings/integrations/endpoints/",
    "/settings/integrations/deliveries/",
]


@pytest.mark.parametrize("role", ["recruiter", "hiring_manager", "interviewer"])
def test_only_admins_open_the_pages(client, ats, role):
    client.force_login(ats.org.member(role).user)
    for page in PAGES:
        assert client.get(page).status_code == 403
    before = list(Connector.objects.for_operators().values())
    assert client.post(PAGES[0], {"kind": "lever", "enabled": ""}).status_code == 403
    assert list(Connector.objects.for_operators().values()) == before


def test_an_admin_sets_up_the_connector(client, acme):
    acme.organization.plan = "team"
    acme.organization.save()
    key, _raw = create_api_key(actor=acme.admin, name="Lever", scopes=["ats"], allowed_cidrs=[])
    client.force_login(acme.admin.user)
    page = client.get(PAGES[0])
    assert page.status_code == 200 and "Lever" in page.content.decode()
    response = client.post(
        PAGES[0], {"enabled": "on", "kind": "lever", "api_key": key.public_id, "allowed_hosts": "hooks.lever.example"}
    )
    assert response.status_code == 302
    connector = Connector.objects.for_operators().get(organization=acme.organization)
    assert (connector.enabled, connector.kind, connector.api_key, connector.allowed_hosts) == (
        True,
        "lever",
        key,
        ["hooks.lever.example"],
    )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"enabled": "on", "kind": "lever", "allowed_hosts": "hooks.example"}, "needs the API key"),
        ({"kind": "lever", "allowed_hosts": "169.254.169.254"}, "metadata"),
        ({"kind": "lever", "allowed_hosts": "10.1.2.3"}, "private"),
        ({"kind": "lever", "allowed_hosts": "not a host!"}, "not a host name"),
        ({"kind": "sap", "allowed_hosts": ""}, "valid choice"),
    ],
)
def test_bad_connector_settings_are_form_errors_and_store_nothing(client, acme, form, message):
    client.force_login(acme.admin.user)
    response = client.post(PAGES[0], form)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Connector.objects.for_operators().exists()


def test_a_read_key_cannot_be_the_connector_key(client, acme):
    acme.organization.plan = "team"
    acme.organization.save()
    read_key, _raw = create_api_key(actor=acme.admin, name="reader", scopes=["read"], allowed_cidrs=[])
    client.force_login(acme.admin.user)
    response = client.post(PAGES[0], {"enabled": "on", "kind": "lever", "api_key": read_key.public_id})
    assert response.status_code == 400  # not offered: only ats keys are choices
    assert not Connector.objects.for_operators().exists()


def test_the_endpoint_secret_is_shown_once_and_stored_encrypted(client, ats, settings, monkeypatch):
    import socket

    real = socket.getaddrinfo
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda host, port, *a, **k: (
            [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", port))]
            if host == "hooks.ats.example"
            else real(host, port, *a, **k)
        ),
    )
    client.force_login(ats.org.admin.user)
    created = client.post(PAGES[1], {"url": "https://hooks.ats.example/in", "events": ["decision.recorded"]})
    assert created.status_code == 200 and created["Cache-Control"] == "no-store"
    secret = created.context["new_secret"]
    assert secret.startswith("whsec_") and secret in created.content.decode()
    endpoint = WebhookEndpoint.objects.for_operators().get()
    assert secret not in endpoint.secret_encrypted and endpoint.secret_hint == secret[-4:]
    again = client.get(PAGES[1])
    assert secret not in again.content.decode() and "hooks.ats.example/in" in again.content.decode()


def test_an_internal_url_is_a_form_error_and_stores_nothing(client, ats, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["169.254.169.254"]
    client.force_login(ats.org.admin.user)
    response = client.post(PAGES[1], {"url": "https://169.254.169.254/latest/", "events": ["decision.recorded"]})
    assert response.status_code == 400 and "metadata" in response.content.decode()
    assert not WebhookEndpoint.objects.for_operators().exists()


def test_the_delivery_log_lists_and_details_deliveries(client, ats, receiver, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    services.save_connector(
        actor=ats.org.admin, enabled=True, kind="greenhouse", allowed_hosts=["127.0.0.1"], api_key=ats.key
    )
    services.create_endpoint(actor=ats.org.admin, url=receiver.url, events=["decision.recorded"])
    receiver.answers = [502]
    candidate = _candidate(type("Hook", (), {"ats": ats})())
    hiring_services.record_decision(actor=ats.org.admin, candidate=candidate, outcome="hired", reason="ok")
    delivery = Delivery.objects.for_operators().get()
    services.attempt_delivery(delivery.public_id)
    client.force_login(ats.org.admin.user)
    listing = client.get(PAGES[2]).content.decode()
    assert "decision.recorded" in listing and "502" in listing and "Waiting to retry" in listing
    detail = client.get(f"/settings/integrations/deliveries/{delivery.public_id}").content.decode()
    assert delivery.public_id in detail and "502" in detail and "Send again" in detail
    assert "&quot;event&quot;: &quot;decision.recorded&quot;" in detail  # the body, readable


def test_removing_an_endpoint_stops_its_deliveries(client, ats, receiver, settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    services.save_connector(
        actor=ats.org.admin, enabled=True, kind="greenhouse", allowed_hosts=["127.0.0.1"], api_key=ats.key
    )
    endpoint, _secret = services.create_endpoint(actor=ats.org.admin, url=receiver.url, events=["decision.recorded"])
    client.force_login(ats.org.admin.user)
    assert client.post(f"/settings/integrations/endpoints/{endpoint.public_id}/delete").status_code == 302
    assert not WebhookEndpoint.objects.for_operators().exists()


def test_operators_see_endpoints_in_the_django_admin_without_their_secret(client, ats, monkeypatch):
    from tests.factories import UserFactory

    monkeypatch.setattr(outbound, "resolve_allowed_addresses", lambda host, port, allow_loopback: ["93.184.216.34"])
    endpoint, secret = services.create_endpoint(
        actor=ats.org.admin, url="https://hooks.ats.example/in", events=["decision.recorded"]
    )
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    pages = [
        client.get("/admin/integrations/webhookendpoint/"),
        client.get(f"/admin/integrations/webhookendpoint/{endpoint.pk}/change/"),
        client.get("/admin/integrations/connector/"),
    ]
    assert [page.status_code for page in pages] == [200, 200, 200]
    text = "".join(page.content.decode() for page in pages)
    assert "hooks.ats.example" in text
    assert secret not in text and endpoint.secret_encrypted not in text
