"""A withdrawal's confirmation box is checked by the server, not only by the browser (CON-5, RET-6, RET-7; issue 15).

Found from outside: the consent portal's "I want to withdraw my consent and have my data erased" box carried only
the HTML ``required`` attribute, so a POST without it withdrew consent and started erasure. Every withdrawal or
erasure page of the candidate (the consent portal link, the rights portal's objection and erasure) now answers 400
with a clear error and changes nothing when the box is not ticked.
"""

import pytest
from django.test import Client

from consent.models import ConsentEvent, ConsentStatus
from consent.services import has_consent
from retention.portal import tokens

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def consent_portal(token: str) -> str:
    return f"/consent/{token}/"


def rights_portal(candidate) -> str:
    return f"/my-data/{tokens.issue(candidate, kind=tokens.AFTER_CONSENT).token}/"


@pytest.mark.parametrize("box", [None, "", "false"], ids=["missing", "empty", "false"])
@pytest.mark.parametrize("lang", ["en", "sv"])
def test_the_consent_portal_refuses_a_withdrawal_without_the_ticked_box(acme, invite, accept, box, lang):
    invited = invite(acme.recruiter)
    portal_token = accept(invited)
    body = {"action": "withdraw", "lang": lang}
    if box is not None:
        body["confirm"] = box
    response = Client().post(consent_portal(portal_token), body)
    assert response.status_code == 400
    page = text_of(response)
    assert ("Kryssa i rutan för att bekräfta." if lang == "sv" else "Tick the box to confirm.") in page
    # The form is shown again, box unticked, so the candidate can confirm.
    assert 'name="confirm"' in page and 'value="withdraw"' in page
    consent = invited.consent
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.ACCEPTED and consent.erasure_requested_at is None
    assert not ConsentEvent.objects.for_operators().filter(kind="withdrawn").exists()
    assert has_consent(invited.candidate)


def test_the_consent_portal_withdraws_once_the_box_is_ticked(acme, invite, accept):
    invited = invite(acme.recruiter)
    portal_token = accept(invited)
    assert Client().post(consent_portal(portal_token), {"action": "withdraw"}).status_code == 400
    response = Client().post(consent_portal(portal_token), {"action": "withdraw", "confirm": "on"})
    assert response.status_code == 200
    consent = invited.consent
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.WITHDRAWN and consent.erasure_requested_at is not None
    assert ConsentEvent.objects.for_operators().filter(kind="withdrawn").count() == 1


def test_the_consent_portal_page_names_the_box_as_a_form_field(acme, invite, accept):
    page = text_of(Client().get(consent_portal(accept(invite(acme.recruiter)))))
    assert "I want to withdraw my consent and have my data erased." in page
    assert 'type="checkbox" name="confirm"' in page and "required" in page


@pytest.mark.parametrize("action", ["object", "erase"])
def test_the_rights_portal_refuses_an_objection_or_erasure_without_the_ticked_box(acme, invite, accept, action):
    invited = invite(acme.recruiter)
    accept(invited)
    candidate = invited.candidate
    response = Client().post(rights_portal(candidate) + f"{action}/", {"confirm": ""})
    assert response.status_code == 400
    assert "Tick the box to confirm." in text_of(response)
    consent = invited.consent
    consent.refresh_from_db()
    assert consent.status == ConsentStatus.ACCEPTED and consent.erasure_requested_at is None
    candidate.refresh_from_db()  # not erased
    assert has_consent(candidate)
