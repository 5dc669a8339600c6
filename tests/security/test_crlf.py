"""CRLF injection (TST-1, SEC-VAL): carriage returns and line feeds, raw and percent-encoded, in everything that can
reach a response header or an email — organization, person and candidate names, hiring titles, invitation and
candidate emails, document file names (``Content-Disposition`` of the download), webhook URLs and ``next``
redirects.

What must hold: no response is split (no header value carries CR or LF, no injected header or cookie appears), no
email grows a header (``message.message()`` has only the headers the product writes, its recipients are the ones
meant), an invalid value is a form error or a 400 that stores nothing, and an accepted value never costs the email
it belongs in (the candidate still gets their consent link).
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail import BadHeaderError
from django.test import Client

from accounts.models import Invitation
from consent.models import ConsentEvent
from hiring.models import Candidate, Document, Hiring
from integrations import services as integration_services
from integrations.models import WebhookEndpoint

pytestmark = pytest.mark.django_db

INJECTIONS = {
    "crlf": "Eve\r\nBcc: spy@evil.example\r\nX-Injected: yes",
    "lf": "Eve\nBcc: spy@evil.example\nX-Injected: yes",
    "cr": "Eve\rBcc: spy@evil.example\rX-Injected: yes",
    "encoded": "Eve%0d%0aBcc:%20spy@evil.example%0d%0aX-Injected:%20yes",
}
# The headers the product's emails carry; anything else in a message is injected.
EMAIL_HEADERS = {
    "content-type",
    "mime-version",
    "content-transfer-encoding",
    "subject",
    "from",
    "to",
    "date",
    "message-id",
    "reply-to",
    "auto-submitted",
    "list-unsubscribe",
    "x-auto-response-suppress",
}


def assert_unsplit(response) -> None:
    for name, value in response.items():
        assert "\r" not in value and "\n" not in value, (name, value)
        assert name.lower() not in ("bcc", "x-injected"), name
    assert "spy@evil.example" not in response.get("Location", "")
    for morsel in response.cookies.values():
        assert "injected" not in morsel.key.lower() and "injected" not in morsel.value.lower(), morsel


def assert_clean_emails(*intended: str) -> None:
    """Every email of the outbox: only the product's headers, no CR/LF left in a header, only the recipients meant."""
    for message in mail.outbox:
        rendered = message.message()  # raises BadHeaderError for a header value with a newline
        names = {name.lower() for name in rendered}
        assert names <= EMAIL_HEADERS, (message.subject, names - EMAIL_HEADERS)
        for name, value in rendered.items():
            assert "\r" not in str(value) and "\n" not in str(value).replace("\n ", " "), (name, value)
        assert "spy@evil.example" not in message.recipients()
        if intended:
            assert set(message.recipients()) <= set(intended), message.recipients()


@pytest.fixture
def admin_browser(acme):
    client = Client(raise_request_exception=False)
    client.force_login(acme.admin.user)
    return client


@pytest.fixture
def api(acme):
    from accounts.services import create_api_key

    acme.organization.plan = "team"
    acme.organization.save()
    _, raw = create_api_key(actor=acme.admin, name="crlf", scopes=["read", "write"], allowed_cidrs=[])
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", raise_request_exception=False)


def names_and_titles_journey(payload, acme, browser, capture) -> tuple[list, list]:
    """The organization's name, the inviter's name, a hiring title and a candidate's name carrying ``payload``, then
    an invitation and a candidate added (consent email). Returns the responses and the emails lost on the way (a
    send that raised, or a consent email recorded as failed)."""
    from tests.hiring.factories import CriterionFactory, HiringFactory

    acme.organization.name = f"Acme {payload}"
    acme.organization.save()
    responses = [browser.post("/profile/", {"full_name": payload, "language": "en"})]
    responses.append(
        browser.post(
            "/hirings/new",
            {"title": f"Engineer {payload}", "status": "open", "interview_language": "en", "description": ""},
        )
    )
    hiring = Hiring.objects.for_operators().filter(organization=acme.organization).first()
    if hiring is None:  # the page refused the title: the same title can still arrive by the API or the ATS
        hiring = HiringFactory(owner=acme.admin, organization=acme.organization, title=f"Engineer {payload}")
    CriterionFactory(hiring=hiring)
    with capture() as callbacks:
        responses.append(
            browser.post(
                f"/hirings/{hiring.public_id}/candidates/new",
                {"name": f"Kim {payload}", "email": "kim@mail.test", "language": "en"},
            )
        )
        responses.append(browser.post("/settings/members/", {"email": "new.hire@acme.test", "role": "recruiter"}))
    lost = []
    for callback in callbacks:  # what the request runs after its commit, each on its own
        try:
            callback()
        except BadHeaderError as error:
            lost.append(str(error))
    lost += [f"consent email failed for {e.request.candidate.name!r}" for e in failed_consent_emails()]
    return responses, lost


def failed_consent_emails():
    return ConsentEvent.objects.for_operators().filter(kind="send_failed").select_related("request__candidate")


@pytest.mark.parametrize("kind", INJECTIONS)
def test_names_and_titles_never_add_a_header_to_an_email_or_a_response(
    kind, acme, admin_browser, django_capture_on_commit_callbacks
):
    responses, _lost = names_and_titles_journey(
        INJECTIONS[kind], acme, admin_browser, django_capture_on_commit_callbacks
    )
    for response in responses:
        assert response.status_code in (200, 302, 400), response.status_code
        assert_unsplit(response)
    assert_clean_emails("kim@mail.test", "new.hire@acme.test")


@pytest.mark.parametrize("kind", ["crlf", "lf", "cr"])
def test_a_line_break_in_a_name_or_title_never_costs_an_email(
    kind, acme, admin_browser, django_capture_on_commit_callbacks
):
    """Whatever the product accepts, the emails it belongs in still go out: the invitee gets the invitation, the
    candidate their consent link (CON-1)."""
    _responses, lost = names_and_titles_journey(
        INJECTIONS[kind], acme, admin_browser, django_capture_on_commit_callbacks
    )
    assert lost == []
    recipients = {r for m in mail.outbox for r in m.to}
    assert {"kim@mail.test", "new.hire@acme.test"} <= recipients


@pytest.mark.parametrize("kind", ["crlf", "lf", "cr"])
def test_an_email_address_with_a_line_break_is_a_form_error_and_stores_nothing(kind, acme, admin_browser):
    payload = "new.hire@acme.test" + INJECTIONS[kind].removeprefix("Eve")
    response = admin_browser.post("/settings/members/", {"email": payload, "role": "recruiter"})
    assert response.status_code in (200, 400)
    assert response.context["form"].errors["email"]
    assert_unsplit(response)
    assert not Invitation.objects.for_operators().exists()
    assert mail.outbox == []


@pytest.mark.parametrize("kind", ["crlf", "lf", "cr"])
def test_a_candidate_email_with_a_line_break_is_refused_by_page_and_api(kind, acme, admin_browser, api):
    from tests.hiring.factories import CriterionFactory, HiringFactory

    hiring = HiringFactory(owner=acme.admin, organization=acme.organization)
    CriterionFactory(hiring=hiring)
    payload = "kim@mail.test" + INJECTIONS[kind].removeprefix("Eve")
    page = admin_browser.post(f"/hirings/{hiring.public_id}/candidates/new", {"name": "Kim", "email": payload})
    assert page.status_code in (200, 400)
    assert page.context["form"].errors
    body = {"hiring": hiring.public_id, "name": "Kim", "email": payload}
    refused = api.post("/api/v1/candidates/", body, content_type="application/json")
    assert refused.status_code == 400 and "email" in refused.json()
    for response in (page, refused):
        assert_unsplit(response)
    assert not Candidate.objects.for_operators().exists()
    assert mail.outbox == []


@pytest.mark.parametrize("kind", INJECTIONS)
def test_titles_and_names_through_the_api_split_nothing(kind, acme, api):
    payload = INJECTIONS[kind]
    created = api.post("/api/v1/hirings/", {"title": f"Engineer {payload}"}, content_type="application/json")
    assert created.status_code in (201, 400), created.content
    assert_unsplit(created)
    if created.status_code == 201:
        path = f"/api/v1/hirings/{created.json()['id']}/"
        for response in (
            api.patch(path, {"title": payload}, content_type="application/json"),
            api.get(path),
            api.get("/api/v1/hirings/", {"search": payload}),
        ):
            assert response.status_code < 500
            assert_unsplit(response)


@pytest.mark.parametrize("kind", INJECTIONS)
def test_an_uploaded_file_name_never_splits_the_download_headers(kind, acme, admin_browser, settings, tmp_path):
    from tests.hiring.factories import HiringFactory

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }
    hiring = HiringFactory(owner=acme.admin, organization=acme.organization)
    from consent import services as consent_services

    candidate = consent_services.add_candidate(actor=acme.admin, hiring=hiring, name="Kim", email="kim@mail.test")
    name = f"cv{INJECTIONS[kind].removeprefix('Eve')}.txt"
    upload = SimpleUploadedFile(name, b"Curriculum vitae of Kim\n", content_type="text/plain")
    response = admin_browser.post(f"/candidates/{candidate.public_id}/documents", {"file": upload})
    assert response.status_code in (200, 302, 400), response.status_code
    assert_unsplit(response)
    document = Document.objects.for_operators().filter(candidate=candidate).first()
    if document is None:
        return  # refused with a form error
    download = admin_browser.get(f"/documents/{document.public_id}/download")
    assert download.status_code == 200
    assert_unsplit(download)
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "Bcc" not in disposition.split(";")[0]


@pytest.mark.parametrize("kind", ["crlf", "lf", "cr", "encoded"])
def test_a_webhook_url_with_a_line_break_is_a_form_error_and_stores_nothing(kind, acme, admin_browser):
    from accounts.services import create_api_key

    acme.organization.plan = "team"
    acme.organization.save()
    key, _ = create_api_key(actor=acme.admin, name="ATS", scopes=["ats"], allowed_cidrs=[])
    integration_services.save_connector(
        actor=acme.admin, enabled=True, kind="greenhouse", allowed_hosts=["hooks.ats.example"], api_key=key
    )
    url = "https://hooks.ats.example/in" + INJECTIONS[kind].removeprefix("Eve").replace(" ", "")
    response = admin_browser.post("/settings/integrations/endpoints/", {"url": url, "events": ["decision.recorded"]})
    assert response.status_code == 400, response.status_code
    assert response.context["form"].errors
    assert_unsplit(response)
    assert not WebhookEndpoint.objects.for_operators().exists()


NEXT_VALUES = [
    "/hirings/%0d%0aSet-Cookie:%20injected=1",
    "/hirings/\r\nSet-Cookie: injected=1",
    "/%0d%0aLocation:%20https://spy.evil.example/",
    "https://testserver/%0d%0aX-Injected:%20yes",
    "//spy.evil.example/%0d%0a",
]


@pytest.mark.parametrize("next_value", NEXT_VALUES)
def test_a_next_parameter_never_splits_a_redirect(next_value, acme):
    """Sign in (GET and POST), sign out and the login redirect of a protected page all carry ``next``."""
    user = acme.recruiter.user
    from tests.factories import PASSWORD

    anonymous = Client(raise_request_exception=False)
    responses = [
        anonymous.get("/accounts/login/", {"next": next_value}),
        anonymous.get("/hirings/", {"next": next_value}),
        anonymous.get(f"/hirings/?next={next_value}"),
        anonymous.post("/accounts/login/", {"login": user.email, "password": PASSWORD, "next": next_value}),
    ]
    signed_in = Client(raise_request_exception=False)
    signed_in.force_login(user)
    responses.append(signed_in.post("/accounts/logout/", {"next": next_value}))
    for response in responses:
        assert response.status_code < 500, response.status_code
        assert_unsplit(response)
        location = urlsplit(response.get("Location", ""))
        assert location.netloc in ("", "testserver"), location  # never another site
        for value in parse_qs(location.query).get("next", []):
            assert value.startswith("/") and not value.startswith("//"), value  # a login redirect's own next


@pytest.mark.parametrize("kind", INJECTIONS)
def test_reasons_with_line_breaks_split_no_header_and_no_csv_row(kind, acme, api):
    """Decision, cancellation and erasure reasons are free text that reach webhook bodies and the deletion-record
    CSV: accepted or refused, they split no response, and the CSV keeps one row per record (RET-5)."""
    import csv
    import io
    from datetime import timedelta

    from django.utils import timezone

    from consent import services as consent_services
    from tests.hiring.factories import CriterionFactory, HiringFactory

    payload = INJECTIONS[kind]
    hiring = HiringFactory(owner=acme.admin, organization=acme.organization)
    CriterionFactory(hiring=hiring)
    kim = consent_services.add_candidate(actor=acme.admin, hiring=hiring, name="Kim", email="kim@mail.test")
    bo = consent_services.add_candidate(actor=acme.admin, hiring=hiring, name="Bo", email="bo@mail.test")
    interview = api.post(
        "/api/v1/interviews/",
        {
            "candidate": kim.public_id,
            "interviewer": acme.recruiter.public_id,
            "scheduled_at": (timezone.now() + timedelta(days=2)).isoformat(),
        },
        content_type="application/json",
    )
    responses = [interview]
    if interview.status_code == 201:
        responses.append(
            api.post(
                f"/api/v1/interviews/{interview.json()['id']}/cancel/",
                {"reason": payload},
                content_type="application/json",
            )
        )
    responses.append(
        api.post(
            "/api/v1/decisions/",
            {"candidate": kim.public_id, "outcome": "rejected", "reason": payload},
            content_type="application/json",
        )
    )
    for candidate in (kim, bo):
        responses.append(
            api.post(
                f"/api/v1/candidates/{candidate.public_id}/erase/",
                {"reason": f"Asked {payload}"},
                content_type="application/json",
            )
        )
    for response in responses:
        assert response.status_code < 500, (response.status_code, response.content)
        assert_unsplit(response)
    browser = Client()
    browser.force_login(acme.admin.user)
    exported = browser.get("/settings/deletion-records.csv")
    assert exported.status_code == 200
    assert_unsplit(exported)
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    erased = sum(1 for r in responses[-2:] if r.status_code in (200, 201))
    assert erased == 2, [r.status_code for r in responses]  # a reason with a line break is free text, accepted
    assert len(rows) == 1 + erased, rows
    assert all("\r" not in row[3] and "\n" not in row[3] and "spy@evil.example" in row[3] for row in rows[1:]), rows
