"""The token API (ID-2, ID-3, ID-7): access tokens live 30 minutes, are re-checked against the database on every
request, refresh tokens rotate with reuse detection, logout ends the session at once, and nothing enumerates."""

import base64
import json
import warnings
from datetime import UTC, datetime, timedelta
from unittest import mock

import jwt
import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.utils import timezone
from rest_framework.test import APIClient, APIRequestFactory

from accounts import tokens
from accounts.models import AuditEvent, RefreshSession
from accounts.token_auth import AccessTokenAuthentication
from interview_analyzer.roles import ROLE_ORDER
from interview_analyzer.secret_tokens import hash_secret
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
REFRESH_URL = "/api/v1/auth/refresh"
LOGOUT_URL = "/api/v1/auth/logout"
ME_URL = "/api/v1/me"
START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)


# --- helpers -------------------------------------------------------------------------------------------------------


def obtain(client, member, password=PASSWORD):
    return client.post(TOKEN_URL, {"email": member.user.email, "password": password}, format="json")


def pair_for(client, member) -> dict:
    response = obtain(client, member)
    assert response.status_code == 200, response.content
    return response.json()


def me(client, access_token):
    return client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {access_token}")


def refresh(client, refresh_token):
    return client.post(REFRESH_URL, {"refresh_token": refresh_token}, format="json")


def logout(client, refresh_token):
    return client.post(LOGOUT_URL, {"refresh_token": refresh_token}, format="json")


def claims_of(access_token) -> dict:
    return jwt.decode(access_token, options={"verify_signature": False})


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def row_values(row) -> dict:
    return {field.attname: getattr(row, field.attname) for field in row._meta.concrete_fields}


def sessions_snapshot() -> list[dict]:
    return [row_values(row) for row in RefreshSession.objects.order_by("pk")]


def assert_refused(response):
    assert response.status_code == 401, response.content
    assert "detail" in response.json()
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.fixture
def client():
    return APIClient()


@pytest.fixture
def issued(acme):
    """A live session of Acme's recruiter, issued through the service."""
    return tokens.issue_tokens(
        user=acme.recruiter.user, membership=acme.recruiter, request_ip="203.0.113.7", user_agent="pytest"
    )


# --- obtaining a token ----------------------------------------------------------------------------------------------


def test_recruiter_exchanges_email_and_password_for_a_bearer_pair(client, acme):
    response = obtain(client, acme.recruiter)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 1800
    assert body["refresh_token"].startswith("ia_rt_")
    assert response["Cache-Control"] == "no-store"
    session = RefreshSession.objects.get()
    assert (session.user, session.membership, session.organization) == (
        acme.recruiter.user,
        acme.recruiter,
        acme.organization,
    )
    assert session.token_hash == hash_secret(body["refresh_token"])


def test_access_token_claims_and_a_lifetime_of_exactly_thirty_minutes(client, acme):
    body = pair_for(client, acme.hiring_manager)
    claims = jwt.decode(
        body["access_token"], tokens.signing_key(), algorithms=["HS256"], audience="interview-analyzer-api"
    )

    assert claims["exp"] - claims["iat"] == 1800
    assert claims["iss"] == "interview-analyzer"
    assert claims["aud"] == "interview-analyzer-api"
    assert claims["sub"] == acme.hiring_manager.user.public_id
    assert claims["mem"] == acme.hiring_manager.public_id
    assert claims["sid"] == RefreshSession.objects.get().family
    assert claims["typ"] == "access"
    assert claims["jti"]
    assert jwt.get_unverified_header(body["access_token"])["alg"] == "HS256"


def test_access_token_works_at_29_59_and_is_refused_at_30_01(client, acme):
    with time_machine.travel(START, tick=False) as traveller:
        access = pair_for(client, acme.recruiter)["access_token"]
        traveller.move_to(START + timedelta(minutes=29, seconds=59))
        assert me(client, access).status_code == 200
        traveller.move_to(START + timedelta(minutes=30, seconds=1))
        assert_refused(me(client, access))


@pytest.mark.parametrize("role", ROLE_ORDER)
def test_me_answers_with_the_tokens_organization_and_role(client, acme, globex, role):
    member = acme.member(role)
    response = me(client, pair_for(client, member)["access_token"])

    assert response.status_code == 200
    body = response.json()
    assert body["role"] == role.value
    assert body["membership"] == member.public_id
    assert body["organization"] == {"id": acme.organization.public_id, "name": "Acme"}
    assert body["id"] == member.user.public_id


def test_unknown_email_and_wrong_password_get_the_same_answer(client, acme):
    unknown = client.post(TOKEN_URL, {"email": "nobody@example.test", "password": PASSWORD}, format="json")
    wrong = obtain(client, acme.admin, password="not-the-password")

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert unknown["WWW-Authenticate"] == wrong["WWW-Authenticate"]
    assert RefreshSession.objects.count() == 0


def test_unknown_email_still_hashes_the_password_like_a_wrong_password_does(client, acme):
    """No timing difference to measure (ID-7): both paths run the password hasher once."""
    with mock.patch.object(MD5PasswordHasher, "encode", autospec=True, side_effect=MD5PasswordHasher.encode) as spy:
        client.post(TOKEN_URL, {"email": "nobody@example.test", "password": PASSWORD}, format="json")
        unknown_calls = spy.call_count
        spy.reset_mock()
        obtain(client, acme.admin, password="not-the-password")
        wrong_calls = spy.call_count

    assert unknown_calls == wrong_calls == 1


def make_inactive_user(acme):
    acme.interviewer.user.is_active = False
    acme.interviewer.user.save()
    return acme.interviewer


def make_inactive_membership(acme):
    acme.interviewer.is_active = False
    acme.interviewer.save()
    return acme.interviewer


def make_user_without_membership(acme):
    user = UserFactory()
    return MembershipFactory.build(user=user, organization=acme.organization)


@pytest.mark.parametrize(
    "make_member",
    [make_inactive_user, make_inactive_membership, make_user_without_membership],
    ids=lambda f: f.__name__,
)
def test_accounts_that_may_not_act_get_the_wrong_password_answer(client, acme, make_member):
    member = make_member(acme)
    wrong = obtain(client, acme.admin, password="not-the-password")

    response = obtain(client, member)

    assert response.status_code == 401
    assert response.json() == wrong.json()
    assert RefreshSession.objects.count() == 0


def test_unverified_email_gets_no_token(client, acme):
    EmailAddress.objects.filter(user=acme.recruiter.user).update(verified=False)

    response = obtain(client, acme.recruiter)

    assert_refused(response)
    assert RefreshSession.objects.count() == 0


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (TOKEN_URL, {"email": "a@example.test", "password": "x", "role": "admin"}),
        (TOKEN_URL, {"email": "a@example.test"}),
        (TOKEN_URL, ["not", "an", "object"]),
        (REFRESH_URL, {"refresh_token": "ia_rt_x", "family": "x"}),
        (REFRESH_URL, {}),
        (LOGOUT_URL, {"refresh_token": "ia_rt_x", "all": True}),
        (LOGOUT_URL, {}),
    ],
)
def test_bodies_outside_the_schema_are_refused_with_400(client, acme, issued, url, body):
    before = sessions_snapshot()

    response = client.post(url, body, format="json")

    assert response.status_code == 400
    assert response.json()
    assert sessions_snapshot() == before


def test_token_endpoint_is_rate_limited_per_account_before_the_password_is_checked(client, acme, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token": {"ip": "100/m", "account": "3/m"}}
    with time_machine.travel(START, tick=False):
        for _ in range(3):
            assert obtain(client, acme.admin, password="guess").status_code == 401

        limited = obtain(client, acme.admin)  # even the right password: the limit comes first

        assert limited.status_code == 429
        assert int(limited["Retry-After"]) >= 1
        assert "detail" in limited.json()
        assert RefreshSession.objects.count() == 0
        # The limit is per account: a colleague at the same address still signs in.
        assert obtain(client, acme.recruiter).status_code == 200


def test_the_auth_endpoints_are_post_only(client):
    for url in (TOKEN_URL, REFRESH_URL, LOGOUT_URL):
        assert client.get(url).status_code == 405


# --- verifying access tokens on every request (ID-3) ----------------------------------------------------------------


def tampered_payload(issued, acme):
    """Acme's recruiter claims to be Acme's admin, keeping the original signature."""
    header, _, signature = issued.access_token.split(".")
    claims = claims_of(issued.access_token) | {"sub": acme.admin.user.public_id, "mem": acme.admin.public_id}
    return f"{header}.{b64(claims)}.{signature}"


def tampered_signature(issued, acme):
    header, payload, signature = issued.access_token.split(".")
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    return f"{header}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"


def alg_none(issued, acme):
    return f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims_of(issued.access_token))}."


def signed(claims, key=None, algorithm="HS256"):
    return jwt.encode(claims, key if key is not None else tokens.signing_key(), algorithm=algorithm)


def other_key(issued, acme):
    return signed(claims_of(issued.access_token), key=b"another-key-that-is-long-enough-for-hs256!")


def raw_secret_key(issued, acme):
    """The derived key is not SECRET_KEY itself."""
    return signed(claims_of(issued.access_token), key=django_settings.SECRET_KEY.encode())


def hs512(issued, acme):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", jwt.InsecureKeyLengthWarning)  # the point is the algorithm, not the key
        return signed(claims_of(issued.access_token), algorithm="HS512")


def expired(issued, acme):
    now = int(timezone.now().timestamp())
    return signed(claims_of(issued.access_token) | {"iat": now - 1900, "exp": now - 100})


def wrong_audience(issued, acme):
    return signed(claims_of(issued.access_token) | {"aud": "some-other-api"})


def wrong_issuer(issued, acme):
    return signed(claims_of(issued.access_token) | {"iss": "someone-else"})


def without_session_id(issued, acme):
    claims = claims_of(issued.access_token)
    del claims["sid"]
    return signed(claims)


def unknown_session_id(issued, acme):
    return signed(claims_of(issued.access_token) | {"sid": "x" * 22})


def another_users_membership(issued, acme):
    """Correctly signed, but the membership does not belong to the subject."""
    return signed(claims_of(issued.access_token) | {"mem": acme.admin.public_id})


def not_an_access_token(issued, acme):
    return signed(claims_of(issued.access_token) | {"typ": "refresh"})


FORGERIES = [
    tampered_payload,
    tampered_signature,
    alg_none,
    other_key,
    raw_secret_key,
    hs512,
    expired,
    wrong_audience,
    wrong_issuer,
    without_session_id,
    unknown_session_id,
    another_users_membership,
    not_an_access_token,
]


def test_the_unforged_token_works(client, issued):
    """The baseline every forgery below starts from."""
    assert me(client, issued.access_token).status_code == 200


@pytest.mark.parametrize("forge", FORGERIES, ids=lambda f: f.__name__)
def test_forged_or_invalid_access_tokens_are_refused(client, acme, issued, forge):
    before = sessions_snapshot()

    assert_refused(me(client, forge(issued, acme)))
    assert sessions_snapshot() == before


def test_a_configured_signing_key_replaces_the_derived_one(client, acme, settings):
    derived = pair_for(client, acme.recruiter)["access_token"]

    settings.ACCESS_TOKEN_SIGNING_KEY = "k" * 64

    assert_refused(me(client, derived))
    assert me(client, pair_for(client, acme.recruiter)["access_token"]).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer xyz",
        "Bearer a.b.c",
        "Bearer ",
        "Bearer",
        "Bearer a.b.c extra",
        "Bearer \u00e9.\u00e9.\u00e9",
        "Bearer ...",
    ],
)
def test_garbled_bearer_values_get_401_json(acme, authorization):
    client = APIClient(raise_request_exception=False)

    response = client.get(ME_URL, HTTP_AUTHORIZATION=authorization)

    assert_refused(response)


def test_api_keys_are_left_to_the_api_key_authentication():
    request = APIRequestFactory().get(ME_URL, HTTP_AUTHORIZATION="Bearer ia_live_abcdefgh_" + "x" * 32)

    assert AccessTokenAuthentication().authenticate(request) is None


def deactivate_user(member):
    member.user.is_active = False
    member.user.save()


def deactivate_membership(member):
    member.is_active = False
    member.save()


def remove_from_organization(member):
    member.delete()


def unverify_email(member):
    EmailAddress.objects.filter(user=member.user).update(verified=False)


@pytest.mark.parametrize(
    "change",
    [deactivate_user, deactivate_membership, remove_from_organization, unverify_email],
    ids=lambda f: f.__name__,
)
def test_a_still_valid_token_is_refused_once_the_database_says_no(client, acme, change):
    access = pair_for(client, acme.recruiter)["access_token"]
    assert me(client, access).status_code == 200

    change(acme.recruiter)

    assert_refused(me(client, access))


# --- refresh rotation and reuse (ID-2) ------------------------------------------------------------------------------


def test_refresh_rotates_into_a_new_pair_in_the_same_family(client, acme):
    first = pair_for(client, acme.recruiter)

    response = refresh(client, first["refresh_token"])

    assert response.status_code == 200
    second = response.json()
    assert second["access_token"] != first["access_token"]
    assert second["refresh_token"] != first["refresh_token"]
    assert second["expires_in"] == 1800
    assert claims_of(second["access_token"])["sid"] == claims_of(first["access_token"])["sid"]
    old, new = (RefreshSession.objects.get(token_hash=hash_secret(p["refresh_token"])) for p in (first, second))
    assert old.rotated_at is not None and old.revoked_at is None
    assert new.rotated_at is None and new.revoked_at is None and new.family == old.family
    assert me(client, second["access_token"]).status_code == 200
    # Rotation alone does not end the family: the earlier access token runs out on its own clock.
    assert me(client, first["access_token"]).status_code == 200


def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(client, acme):
    first = pair_for(client, acme.recruiter)
    second = refresh(client, first["refresh_token"]).json()
    bystander = pair_for(client, acme.admin)  # another family must not be touched

    assert_refused(refresh(client, first["refresh_token"]))

    family = claims_of(first["access_token"])["sid"]
    assert RefreshSession.objects.filter(family=family).count() == 2
    assert not RefreshSession.objects.filter(family=family, revoked_at__isnull=True).exists()
    assert_refused(refresh(client, second["refresh_token"]))
    assert_refused(me(client, second["access_token"]))
    assert_refused(me(client, first["access_token"]))
    assert me(client, bystander["access_token"]).status_code == 200
    reuse = AuditEvent.objects.get(action=AuditEvent.Action.TOKEN_REUSE_DETECTED)
    assert reuse.organization == acme.organization and reuse.actor == acme.recruiter.user
    assert first["refresh_token"] not in str(reuse.details) and reuse.target.startswith("rts_")


def expire(session):
    session.expires_at = timezone.now() - timedelta(seconds=1)
    session.save()


def revoke(session):
    session.revoked_at = timezone.now()
    session.save()


@pytest.mark.parametrize("spoil", [expire, revoke], ids=lambda f: f.__name__)
def test_expired_or_revoked_refresh_tokens_are_refused_and_change_nothing(client, issued, spoil):
    spoil(issued.session)
    before = sessions_snapshot()

    assert_refused(refresh(client, issued.refresh_token))
    assert sessions_snapshot() == before


@pytest.mark.parametrize("raw", ["ia_rt_" + "A" * 32, "ia_rt_short", "", "x" * 200, "ia_live_abcdefgh_" + "x" * 32])
def test_unknown_refresh_tokens_are_refused_and_change_nothing(client, issued, raw):
    before = sessions_snapshot()

    response = refresh(client, raw)

    assert response.status_code in (400, 401)  # blank is a schema error; the rest are unknown tokens
    assert sessions_snapshot() == before


@pytest.mark.parametrize("change", [deactivate_user, deactivate_membership], ids=lambda f: f.__name__)
def test_refresh_for_a_member_who_may_no_longer_act_revokes_the_family(client, acme, issued, change):
    change(acme.recruiter)

    assert_refused(refresh(client, issued.refresh_token))
    assert not RefreshSession.objects.filter(family=issued.session.family, revoked_at__isnull=True).exists()
    assert RefreshSession.objects.count() == 1


def test_the_raw_refresh_token_is_stored_nowhere(client, acme):
    first = pair_for(client, acme.recruiter)
    second = refresh(client, first["refresh_token"]).json()

    rows = list(RefreshSession.objects.all())
    assert len(rows) == 2
    for row in rows:
        for name, value in row_values(row).items():
            for raw in (first["refresh_token"], second["refresh_token"]):
                assert raw.removeprefix("ia_rt_") not in str(value), name


def test_refresh_session_records_address_and_client(client, acme):
    client.post(
        TOKEN_URL,
        {"email": acme.recruiter.user.email, "password": PASSWORD},
        format="json",
        REMOTE_ADDR="198.51.100.4",
        HTTP_USER_AGENT="InterviewDesktop/1.0",
    )

    session = RefreshSession.objects.get()
    assert (session.ip_address, session.user_agent) == ("198.51.100.4", "InterviewDesktop/1.0")
    assert session.expires_at - session.created_at == timedelta(days=django_settings.REFRESH_TOKEN_LIFETIME_DAYS)


# --- logout (ID-2) --------------------------------------------------------------------------------------------------


def test_logout_revokes_the_session_at_once(client, acme):
    pair = pair_for(client, acme.recruiter)
    assert me(client, pair["access_token"]).status_code == 200

    response = logout(client, pair["refresh_token"])

    assert response.status_code == 204
    assert_refused(me(client, pair["access_token"]))
    assert_refused(refresh(client, pair["refresh_token"]))
    assert not RefreshSession.objects.filter(revoked_at__isnull=True).exists()


def test_logout_with_an_unknown_token_answers_204_and_changes_nothing(client, issued):
    before = sessions_snapshot()

    for raw in ("ia_rt_" + "B" * 32, "nonsense"):
        assert logout(client, raw).status_code == 204
    assert sessions_snapshot() == before


def test_logout_twice_is_harmless(client, acme):
    pair = pair_for(client, acme.recruiter)

    assert logout(client, pair["refresh_token"]).status_code == 204
    assert logout(client, pair["refresh_token"]).status_code == 204
