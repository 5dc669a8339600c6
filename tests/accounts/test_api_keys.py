"""API keys (KEY-1…8, SEC-IP): an admin on the Team plan issues a scoped key on the settings page and sees it once;
the key then works only inside its scope, its networks, its organization's plan and its rate, and only until it is
revoked or its creator leaves. Every refusal also shows that nothing changed."""

import hashlib
import json
import math
import re
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts import services
from accounts.models import ApiKey, AuditEvent
from billing.models import Plan
from interview_analyzer.public_ids import ALPHABET
from interview_analyzer.roles import Role
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

KEYS_URL = "/settings/api-keys/"
ME_URL = "/api/v1/me"
RAW_KEY_RE = re.compile(r"ia_live_[0-9A-Za-z]{8}_[0-9A-Za-z]{32}")
OFFICE = "203.0.113.0/24"
INSIDE = "203.0.113.5"
OUTSIDE = "198.51.100.7"
PROXY = "10.0.0.2"


# --- a tiny write endpoint that goes through the real authentication and permission classes --------------------------


class RenameMe(APIView):
    """A recruiter-level write: renames the caller through the accounts service. Only the defaults apply."""

    required_role = Role.RECRUITER

    def post(self, request):
        services.update_profile(user=request.user, full_name=request.data["full_name"])
        return Response({"ok": True})


def write_with(raw: str, full_name: str = "Renamed By Script", **extra):
    request = APIRequestFactory().post(
        "/api/v1/rename-me", {"full_name": full_name}, format="json", HTTP_AUTHORIZATION=f"Bearer {raw}", **extra
    )
    return RenameMe.as_view()(request)


# --- helpers ----------------------------------------------------------------------------------------------------------


def read_me(raw: str, **extra):
    return Client().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {raw}", **extra)


def issue(member, *, scopes=("read",), cidrs=(), name="Nightly export") -> tuple[ApiKey, str]:
    return services.create_api_key(actor=member, name=name, scopes=list(scopes), allowed_cidrs=list(cidrs))


def browser_for(member) -> Client:
    browser = Client()
    browser.force_login(member.user)
    return browser


def row_values(row) -> dict:
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


def keys_and_audit() -> tuple[list[dict], list[dict]]:
    """Everything an API-key operation may touch, to prove a refusal changed nothing."""
    return (
        [row_values(row) for row in ApiKey.objects.order_by("pk")],
        [row_values(row) for row in AuditEvent.objects.order_by("pk")],
    )


def assert_refused_401(response):
    assert response.status_code == 401, response.content
    assert set(response.json()) == {"detail"}
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def assert_forbidden_403(response):
    """403 with a JSON detail; ``response`` is a test-client response or a view's unrendered DRF Response."""
    assert response.status_code == 403, getattr(response, "content", response)
    body = response.json() if hasattr(response, "json") else response.data
    assert "detail" in body


def create_on_page(browser, **fields):
    data = {"name": "Greenhouse sync", "scopes": ["read"], "allowed_cidrs": ""}
    data.update(fields)
    return browser.post(KEYS_URL, data)


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    caches["ratelimit"].clear()


def _on_team_plan(org):
    org.organization.plan = "team"
    org.organization.save(update_fields=["plan"])
    return org


@pytest.fixture
def rival(globex):
    """Globex, the rival organization, also on the Team plan."""
    return _on_team_plan(globex)


# --- issuing a key on the settings page (KEY-2, KEY-3) ----------------------------------------------------------------


def test_admin_creates_a_key_on_the_settings_page_and_sees_it_exactly_once(team):
    browser = browser_for(team.admin)

    response = create_on_page(
        browser, name="Greenhouse sync", scopes=["read", "write"], allowed_cidrs=f"{OFFICE}\n2001:db8::/32"
    )

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    shown = set(RAW_KEY_RE.findall(response.content.decode()))
    assert len(shown) == 1
    raw = shown.pop()
    key = ApiKey.objects.get()
    assert (key.organization, key.membership, key.name) == (team.organization, team.admin, "Greenhouse sync")
    assert key.scopes == ["read", "write"]
    assert key.allowed_cidrs == [OFFICE, "2001:db8::/32"]
    assert raw == f"ia_live_{key.lookup}_{raw.rsplit('_', 1)[1]}"

    reloaded = browser.get(KEYS_URL)

    assert reloaded.status_code == 200
    page = reloaded.content.decode()
    assert key.display_prefix in page
    assert raw not in page
    assert raw.rsplit("_", 1)[1] not in page
    assert RAW_KEY_RE.search(page) is None


INVALID_FORMS = {
    "no scope": {"scopes": []},
    "unknown scope": {"scopes": ["admin"]},
    "not a network": {"allowed_cidrs": "the office"},
    "no name": {"name": ""},
}


@pytest.mark.parametrize("fields", INVALID_FORMS.values(), ids=INVALID_FORMS.keys())
def test_admin_who_fills_the_form_wrongly_gets_no_key(team, fields):
    browser = browser_for(team.admin)
    before = keys_and_audit()

    response = create_on_page(browser, **fields)

    assert response.status_code == 400
    assert RAW_KEY_RE.search(response.content.decode()) is None
    assert keys_and_audit() == before


def test_the_raw_key_is_stored_only_as_its_sha256_and_never_in_the_audit_trail(team):
    browser = browser_for(team.admin)
    response = create_on_page(browser, name="ATS bridge", scopes=["ats"], allowed_cidrs=OFFICE)
    raw = RAW_KEY_RE.search(response.content.decode()).group()
    secret = raw.rsplit("_", 1)[1]
    key = ApiKey.objects.get()

    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    stored = [row_values(key)] + [row_values(event) for event in AuditEvent.objects.all()]
    for row in stored:
        for column, value in row.items():
            text = json.dumps(value, default=str)
            assert raw not in text, column
            assert secret not in text, column
    created = AuditEvent.objects.get(action=AuditEvent.Action.API_KEY_CREATED)
    assert (created.organization, created.actor, created.target) == (team.organization, team.admin.user, key.public_id)
    assert created.details["scopes"] == ["ats"]
    assert created.details["allowed_cidrs"] == [OFFICE]


def test_every_key_carries_at_least_128_random_bits(team):
    raws = [issue(team.admin, name=f"Script {n}")[1] for n in range(40)]

    secrets = [raw.rsplit("_", 1)[1] for raw in raws]
    assert len(ALPHABET) == 62
    for raw, secret in zip(raws, secrets, strict=True):
        assert RAW_KEY_RE.fullmatch(raw)
        assert set(secret) <= set(ALPHABET)
        assert len(secret) * math.log2(len(ALPHABET)) >= 128
    assert len(set(secrets)) == len(secrets)
    assert len({raw.split("_")[2] for raw in raws}) == len(raws)  # lookups are unique too
    # 40 × 32 characters drawn from the whole base62 alphabet, not a narrower one such as hex.
    assert len(set("".join(secrets))) >= 55


# --- scopes (KEY-4) ---------------------------------------------------------------------------------------------------


def test_read_key_reads_who_it_is_in_its_own_organization(team, rival):
    _, raw = issue(team.admin, scopes=["read"])

    response = read_me(raw)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["organization"] == {"id": team.organization.public_id, "name": team.organization.name}
    assert body["membership"] == team.admin.public_id
    assert body["role"] == Role.ADMIN


def test_read_key_is_refused_a_write_and_nothing_is_written(team):
    _, raw = issue(team.admin, scopes=["read"])
    name_before = team.admin.user.full_name

    response = write_with(raw)

    assert_forbidden_403(response)
    team.admin.user.refresh_from_db()
    assert team.admin.user.full_name == name_before


def test_write_key_writes_through_the_real_authentication(team):
    _, raw = issue(team.admin, scopes=["write"])

    response = write_with(raw, full_name="Renamed By Script")

    assert response.status_code == 200, response.data
    team.admin.user.refresh_from_db()
    assert team.admin.user.full_name == "Renamed By Script"


@pytest.mark.parametrize("scopes", [["write"], ["ats"], ["write", "ats"]])
def test_key_without_read_scope_is_refused_a_read(team, scopes):
    _, raw = issue(team.admin, scopes=scopes)

    response = read_me(raw)

    assert_forbidden_403(response)
    assert set(response.json()) == {"detail"}  # nothing about the caller leaks


# --- network allowlist and client IP (KEY-5, SEC-IP) ------------------------------------------------------------------


def test_key_with_an_allowlist_is_refused_from_outside_it(team):
    key, raw = issue(team.admin, cidrs=[OFFICE])
    before = keys_and_audit()

    response = read_me(raw, REMOTE_ADDR=OUTSIDE)

    assert_forbidden_403(response)
    assert keys_and_audit() == before  # not even last_used_at moved


def test_key_with_an_allowlist_works_from_inside_it(team):
    _, raw = issue(team.admin, cidrs=[OFFICE])

    assert read_me(raw, REMOTE_ADDR=INSIDE).status_code == 200


def test_forged_forwarded_for_does_not_open_the_allowlist_when_no_proxy_is_trusted(team, settings):
    settings.TRUSTED_PROXY_HOPS = 0
    settings.TRUSTED_PROXY_CIDRS = []
    _, raw = issue(team.admin, cidrs=[OFFICE])
    before = keys_and_audit()

    response = read_me(raw, REMOTE_ADDR=OUTSIDE, HTTP_X_FORWARDED_FOR=INSIDE)

    assert_forbidden_403(response)
    assert keys_and_audit() == before


def test_behind_one_trusted_proxy_the_forwarded_client_address_is_what_counts(team, settings):
    settings.TRUSTED_PROXY_HOPS = 1
    _, raw = issue(team.admin, cidrs=[OFFICE])

    # The proxy connects from 10.0.0.2 and appends the real client's address.
    assert read_me(raw, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=INSIDE).status_code == 200
    assert_forbidden_403(read_me(raw, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OUTSIDE))
    # A client outside who sends its own X-Forwarded-For naming the office: the proxy appends the truth.
    assert_forbidden_403(read_me(raw, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{INSIDE}, {OUTSIDE}"))


# --- revocation (KEY-6) -----------------------------------------------------------------------------------------------


def test_key_revoked_through_the_service_fails_on_the_very_next_request(team):
    key, raw = issue(team.admin)
    assert read_me(raw).status_code == 200

    services.revoke_api_key(actor=team.admin, key=key)

    assert_refused_401(read_me(raw))


def test_admin_revokes_a_key_on_the_settings_page_and_it_stops_at_once(team):
    key, raw = issue(team.admin, name="Old integration")
    assert read_me(raw).status_code == 200
    browser = browser_for(team.admin)

    response = browser.post(f"{KEYS_URL}{key.public_id}/revoke")

    assert response.status_code == 302
    assert response["Location"] == KEYS_URL
    assert_refused_401(read_me(raw))
    key.refresh_from_db()
    assert key.revoked_at is not None
    revoked = AuditEvent.objects.get(action=AuditEvent.Action.API_KEY_REVOKED)
    assert (revoked.organization, revoked.actor, revoked.target) == (team.organization, team.admin.user, key.public_id)
    assert revoked.details["name"] == "Old integration"


def test_revoking_a_key_twice_writes_one_audit_row(team):
    key, _ = issue(team.admin)
    services.revoke_api_key(actor=team.admin, key=key)
    first_revocation = ApiKey.objects.get().revoked_at

    browser_for(team.admin).post(f"{KEYS_URL}{key.public_id}/revoke")

    assert ApiKey.objects.get().revoked_at == first_revocation
    assert AuditEvent.objects.filter(action=AuditEvent.Action.API_KEY_REVOKED).count() == 1


def test_revoke_page_only_answers_post(team):
    key, raw = issue(team.admin)
    browser = browser_for(team.admin)
    before = keys_and_audit()

    response = browser.get(f"{KEYS_URL}{key.public_id}/revoke")

    assert response.status_code == 405
    assert keys_and_audit() == before
    assert read_me(raw).status_code == 200


# --- per-key rate limit (KEY-7) ---------------------------------------------------------------------------------------


def test_key_over_its_plan_limit_is_answered_429_with_retry_after(team):
    Plan.objects.filter(code="team").update(api_requests_per_minute=3)  # plans are data (BIL-2)
    _, busy = issue(team.admin, name="Busy script")
    _, quiet = issue(team.admin, name="Quiet script")

    answers = [read_me(busy).status_code for _ in range(3)]
    limited = read_me(busy)

    assert answers == [200, 200, 200]
    assert limited.status_code == 429
    assert "detail" in limited.json()
    assert 1 <= int(limited["Retry-After"]) <= 60
    # The limit is per key: another key of the same organization is not held back.
    assert read_me(quiet).status_code == 200


# --- unknown, garbled and malformed keys (KEY-2, KEY-8) ---------------------------------------------------------------

GARBLED = {
    "prefix only": lambda key: "ia_live_",
    "short": lambda key: "ia_live_xxxxxxxx_short",
    "bare ia_": lambda key: "ia_",
    "unknown lookup": lambda key: "ia_live_" + ("Zz" * 4 if key.lookup != "Zz" * 4 else "Yy" * 4) + "_" + "A" * 32,
    "right lookup, wrong secret": lambda key: f"ia_live_{key.lookup}_" + "B" * 32,
    "secret one character short": lambda key: f"ia_live_{key.lookup}_" + "B" * 31,
    "secret one character long": lambda key: f"ia_live_{key.lookup}_" + "B" * 33,
    "wrong prefix": lambda key: f"ia_test_{key.lookup}_" + "B" * 32,
    "latin-1 letters": lambda key: "ia_live_ÄÖÅäöå12_" + "é" * 32,
    "utf-8 bytes": lambda key: ("ia_live_ключ1234_" + "ж" * 32).encode().decode("latin-1"),
    "control bytes": lambda key: "ia_live_\x00\x01\x02\x03\x04\x05\x06\x07_" + "\x7f" * 32,
    "very long": lambda key: "ia_live_" + "A" * 8 + "_" + "A" * 5000,
    "two words": lambda key: f"ia_live_{key.lookup}_{'B' * 32} extra",
}


@pytest.mark.parametrize("garble", GARBLED.values(), ids=GARBLED.keys())
def test_unknown_garbled_and_malformed_keys_get_401_json_never_500(team, garble):
    key, raw = issue(team.admin)
    presented = garble(key)
    assert presented != raw
    before = keys_and_audit()

    response = read_me(presented)

    assert_refused_401(response)
    assert keys_and_audit() == before


# --- last use (KEY-6) -------------------------------------------------------------------------------------------------


def test_last_used_at_is_recorded_when_the_key_is_used(team):
    key, raw = issue(team.admin)
    assert key.last_used_at is None

    assert read_me(raw).status_code == 200

    key.refresh_from_db()
    assert key.last_used_at is not None
    assert timezone.now() - key.last_used_at < timedelta(seconds=30)


# --- the key follows its creator and its organization's plan ----------------------------------------------------------


def test_key_stops_working_when_its_creator_is_deactivated(team):
    second_admin = MembershipFactory(organization=team.organization, role=Role.ADMIN)
    _, raw = issue(second_admin, name="Second admin's script")
    assert read_me(raw).status_code == 200

    services.deactivate_member(actor=team.admin, membership=second_admin)

    assert_refused_401(read_me(raw))


def test_key_stops_working_when_its_creator_s_user_account_is_disabled(team):
    second_admin = MembershipFactory(organization=team.organization, role=Role.ADMIN)
    _, raw = issue(second_admin)
    second_admin.user.is_active = False
    second_admin.user.save(update_fields=["is_active"])

    assert_refused_401(read_me(raw))


def test_key_stops_working_when_the_organization_drops_to_the_free_plan(team):
    key, raw = issue(team.admin)
    assert read_me(raw).status_code == 200
    team.organization.plan = "free"
    team.organization.save(update_fields=["plan"])
    key.refresh_from_db()
    before = keys_and_audit()

    response = read_me(raw)

    assert_forbidden_403(response)
    assert keys_and_audit() == before


# --- plan gating (KEY-1) ----------------------------------------------------------------------------------------------


def test_admin_on_the_free_plan_is_told_api_keys_are_not_available_and_cannot_create_one(acme):
    assert acme.organization.plan == "free"
    browser = browser_for(acme.admin)

    page = browser.get(KEYS_URL)

    assert page.status_code == 200
    assert "API keys are part of the Team plan and above" in page.content.decode()
    assert "Create key" not in page.content.decode()

    before = keys_and_audit()
    response = create_on_page(browser, name="Sneaky", scopes=["read", "write"])

    assert response.status_code == 400
    assert RAW_KEY_RE.search(response.content.decode()) is None
    assert keys_and_audit() == before
    assert not ApiKey.objects.exists()


def test_service_refuses_to_issue_a_key_on_the_free_plan(acme):
    with pytest.raises(ValidationError) as refused:
        issue(acme.admin)

    assert refused.value.code == "plan"
    assert not ApiKey.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.API_KEY_CREATED).exists()


# --- only admins manage keys (ORG-2, ORG-3) ---------------------------------------------------------------------------

NOT_ADMINS = [Role.RECRUITER, Role.HIRING_MANAGER, Role.INTERVIEWER]


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_only_admins_reach_the_api_keys_page(team, role):
    issue(team.admin)
    browser = browser_for(team.member(role))
    before = keys_and_audit()

    listing = browser.get(KEYS_URL)
    creating = create_on_page(browser, name="Shadow key", scopes=["read", "write"])

    assert listing.status_code == 403
    assert creating.status_code == 403
    assert RAW_KEY_RE.search(creating.content.decode()) is None
    assert keys_and_audit() == before


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_only_admins_revoke_keys(team, role):
    key, raw = issue(team.admin)
    browser = browser_for(team.member(role))
    before = keys_and_audit()

    response = browser.post(f"{KEYS_URL}{key.public_id}/revoke")

    assert response.status_code == 403
    assert keys_and_audit() == before
    assert read_me(raw).status_code == 200


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_service_refuses_to_issue_a_key_for_a_non_admin(team, role):
    with pytest.raises(PermissionDenied):
        issue(team.member(role))

    assert not ApiKey.objects.exists()


# --- tenant isolation (ORG-5) -----------------------------------------------------------------------------------------


def test_rival_admin_gets_404_revoking_an_acme_key_and_the_key_keeps_working(team, rival):
    key, raw = issue(team.admin)
    browser = browser_for(rival.admin)
    before = keys_and_audit()

    response = browser.post(f"{KEYS_URL}{key.public_id}/revoke")

    assert response.status_code == 404
    assert keys_and_audit() == before
    assert read_me(raw).status_code == 200


def test_rival_admin_does_not_see_acme_keys_on_their_page(team, rival):
    key, _ = issue(team.admin, name="Acme payroll bridge")

    page = browser_for(rival.admin).get(KEYS_URL).content.decode()

    assert "Acme payroll bridge" not in page
    assert key.public_id not in page
    assert key.lookup not in page
