"""The language the candidate chooses on the consent page is kept (CON-2): every later email and page to them is in
it — the post-consent email, the withdrawal page, the rights portal and its emails — not in the language of the
recruiter who added them, and without ``?lang=`` in every link."""

import re

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client

from consent.models import ConsentStatus
from tests.consent.links import last_token_to
from tests.retention.portal.conftest import portal_path

pytestmark = pytest.mark.django_db
PORTAL_LINK = re.compile(r"https?://[^/\s]+(?P<path>/my-data/[^/\s]+/)")


def html_lang(response) -> str:
    return re.search(r'<html lang="(\w+)"', response.content.decode()).group(1)


def test_agreeing_in_swedish_keeps_swedish_for_every_later_email_and_page(
    acme, invite, django_capture_on_commit_callbacks
):
    invited = invite(acme.recruiter, language="en", email="sara@mail.test")  # the recruiter works in English
    client = Client()
    assert html_lang(client.get(f"/consent/{invited.token}/?lang=sv")) == "sv"
    with django_capture_on_commit_callbacks(execute=True):
        answered = client.post(f"/consent/{invited.token}/?lang=sv", {"action": "accept", "lang": "sv"})
    assert html_lang(answered) == "sv"
    assert invited.consent.language == "sv"
    # The post-consent email: Swedish, with the withdrawal link and the rights-portal paragraph in Swedish.
    message = mail.outbox[-1]
    assert "Ditt samtycke" in message.subject or "samtycke" in message.subject.lower()
    assert "Din personliga sida om dina uppgifter" in message.body
    assert "Spara det här mejlet" in message.body
    # The withdrawal page and the rights portal, opened later without ?lang=, are Swedish.
    withdrawal_token = last_token_to("sara@mail.test")
    assert html_lang(Client().get(f"/consent/{withdrawal_token}/")) == "sv"
    portal = PORTAL_LINK.search(message.body).group("path")
    page = Client().get(portal)
    assert html_lang(page) == "sv" and "Dina uppgifter hos Acme" in page.content.decode()
    assert html_lang(Client().get(portal + "object/")) == "sv"
    assert html_lang(Client().get(portal + "erase/")) == "sv"
    # A link asked for later on the public page is emailed in Swedish too, whatever the asking page's language.
    caches["ratelimit"].clear()
    mail.outbox.clear()
    Client().post("/my-data/?lang=en", {"email": "sara@mail.test", "lang": "en"})
    [requested] = mail.outbox
    assert "Dina uppgifter hos Acme" in requested.subject and "Hej Sara" not in requested.subject
    assert "Länken fungerar till och med" in requested.body


def test_declining_in_swedish_is_kept_too(acme, invite):
    invited = invite(acme.recruiter, language="en")
    Client().post(f"/consent/{invited.token}/", {"action": "decline", "lang": "sv"})
    consent = invited.consent
    assert consent.status == ConsentStatus.DECLINED and consent.language == "sv"
    assert html_lang(Client().get(portal_path(invited.candidate))) == "sv"


def test_a_page_can_still_be_read_in_the_other_language_without_changing_the_stored_one(acme, invite, accept):
    invited = invite(acme.recruiter, language="sv")
    accept(invited)
    assert html_lang(Client().get(portal_path(invited.candidate) + "?lang=en")) == "en"
    assert invited.consent.language == "sv"  # reading is not choosing: only an answer stores the language


def test_withdrawing_in_english_switches_later_pages_to_english(acme, invite, accept):
    invited = invite(acme.recruiter, language="sv")
    portal_token = accept(invited)
    Client().post(f"/consent/{portal_token}/", {"action": "withdraw", "confirm": "on", "lang": "en"})
    assert invited.consent.language == "en"


@pytest.mark.parametrize("junk", ["de", "", "sv-SE<script>", "x" * 50])
def test_an_unsupported_language_is_ignored(acme, invite, junk):
    invited = invite(acme.recruiter, language="sv")
    Client().post(f"/consent/{invited.token}/", {"action": "accept", "lang": junk})
    assert invited.consent.language == "sv"
