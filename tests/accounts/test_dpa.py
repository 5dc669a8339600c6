"""A new DPA version must be accepted again by an admin; acceptances are stored and audited (ORG-8)."""

import pytest

from accounts import legal, services
from accounts.models import AuditEvent, DpaAcceptance

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(acme):
    services.accept_current_dpa(actor=acme.admin)
    return acme


def test_admins_see_no_prompt_while_the_current_version_is_accepted(client, accepted):
    client.force_login(accepted.admin.user)
    assert b"needs your acceptance" not in client.get("/").content


def test_a_new_version_prompts_admins_only_until_one_accepts(client, accepted, monkeypatch, tmp_path, settings):
    monkeypatch.setattr(legal, "CURRENT_DPA_VERSION", "2027-01")
    monkeypatch.setattr(legal, "dpa_template", lambda version="2027-01": "accounts/legal/dpa_2026-11.html")
    client.force_login(accepted.recruiter.user)
    assert b"needs your acceptance" not in client.get("/").content
    client.force_login(accepted.admin.user)
    assert b"needs your acceptance" in client.get("/").content
    assert b"has not been accepted" in client.get("/settings/dpa/").content

    response = client.post("/settings/dpa/", {"accept": "yes"})
    assert response.status_code == 302
    latest = DpaAcceptance.objects.latest_for(accepted.organization)
    assert latest.version == "2027-01" and latest.accepted_by == accepted.admin.user
    assert AuditEvent.objects.filter(action="dpa.accepted", details__version="2027-01").count() == 1
    assert b"needs your acceptance" not in client.get("/").content
    assert DpaAcceptance.objects.filter(organization=accepted.organization).count() == 2  # history kept


def test_posting_without_the_checkbox_accepts_nothing(client, acme):
    client.force_login(acme.admin.user)
    client.post("/settings/dpa/", {})
    assert not DpaAcceptance.objects.exists()
