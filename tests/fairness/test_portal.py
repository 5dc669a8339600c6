"""The candidate's voluntary self-identification on their rights portal (FAIR-1): a separate explicit consent,
answers, withdrawal that deletes them, English and Swedish, and erasure with the candidate."""

import pytest
from django.test import Client
from django.urls import reverse

from fairness.models import SelfIdentification, SelfIdentificationConsent
from fairness.services import PREFER_NOT_TO_SAY
from retention import services as retention_services
from retention.portal import tokens
from tests.fairness.conftest import enable_gender

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(acme, invite, accept):
    gender, options = enable_gender(acme.admin)
    invited = invite(acme.recruiter)
    accept(invited)
    token = tokens.issue(invited.candidate, kind=tokens.AFTER_CONSENT).token  # the link of the post-consent email
    return invited.candidate, token, gender, options


def rows(candidate):
    answers = SelfIdentification.objects.for_operators().filter(candidate=candidate)
    consents = SelfIdentificationConsent.objects.for_operators().filter(candidate=candidate)
    return answers, consents


def test_the_portal_shows_the_optional_section_with_its_promises_and_a_separate_consent(portal):
    candidate, token, gender, options = portal
    html = Client().get(reverse("portal:home", args=[token])).content.decode()
    assert "Optional: help us check our hiring is fair" in html
    assert "never shown to anyone who evaluates you" in html and "never sent to any AI provider" in html
    assert "used only for aggregate fairness statistics" in html
    assert 'name="consent"' in html and f'name="{gender.public_id}"' in html
    assert "Woman" in html and "Prefer not to say" in html


def test_the_section_is_in_swedish_for_a_swedish_candidate(portal):
    _candidate, token, _gender, _options = portal
    html = Client().get(reverse("portal:home", args=[token]) + "?lang=sv").content.decode()
    assert "Frivilligt: hjälp oss att kontrollera att vår rekrytering är rättvis" in html
    assert "skickas aldrig till någon AI-leverantör" in html and "Vill inte uppge" in html


def test_answers_without_the_consent_box_store_nothing(portal):
    candidate, token, gender, options = portal
    response = Client().post(reverse("fairness:portal", args=[token]), {gender.public_id: options["Woman"].public_id})
    assert response.status_code == 400
    assert "Tick the box to agree" in response.content.decode()
    answers, consents = rows(candidate)
    assert not answers.exists() and not consents.exists()


def test_consent_and_answers_then_a_change_then_withdrawal_deletes_them(portal):
    candidate, token, gender, options = portal
    client = Client()
    response = client.post(
        reverse("fairness:portal", args=[token]), {"consent": "on", gender.public_id: options["Woman"].public_id}
    )
    assert response.status_code == 302 and response["Location"].startswith(reverse("portal:home", args=[token]))
    answers, consents = rows(candidate)
    assert [a.option.label for a in answers] == ["Woman"]
    [consent] = consents
    assert consent.withdrawn_at is None and consent.text_version.startswith("fair-1/")
    assert "Your answers are saved." in client.get(response["Location"]).content.decode()

    client.post(reverse("fairness:portal", args=[token]), {"consent": "on", gender.public_id: PREFER_NOT_TO_SAY})
    answers, consents = rows(candidate)
    assert [a.option_id for a in answers] == [None] and consents.count() == 1

    assert client.post(reverse("fairness:portal_withdraw", args=[token])).status_code == 400  # not confirmed
    assert rows(candidate)[0].count() == 1
    response = client.post(reverse("fairness:portal_withdraw", args=[token]), {"confirm": "on"})
    assert response.status_code == 302
    answers, consents = rows(candidate)
    assert not answers.exists()
    assert consents.get().withdrawn_at is not None
    # Answering again needs the consent again and starts a new consent record.
    client.post(reverse("fairness:portal", args=[token]), {"consent": "on", gender.public_id: options["Man"].public_id})
    assert rows(candidate)[1].count() == 2 and rows(candidate)[0].get().option.label == "Man"


def test_an_option_of_another_category_or_organization_is_refused(portal, globex):
    from tests.fairness.conftest import enable_gender as enable

    candidate, token, gender, _options = portal
    _rival_gender, rival_options = enable(globex.admin)
    response = Client().post(
        reverse("fairness:portal", args=[token]), {"consent": "on", gender.public_id: rival_options["Woman"].public_id}
    )
    assert response.status_code == 400
    assert not rows(candidate)[0].exists() and not rows(candidate)[1].exists()


def test_an_altered_link_is_refused_and_stores_nothing(portal):
    candidate, token, gender, options = portal
    response = Client().post(
        reverse("fairness:portal", args=[token[:-2] + "xx"]),
        {"consent": "on", gender.public_id: options["Woman"].public_id},
    )
    assert response.status_code == 404
    assert not rows(candidate)[0].exists()


def test_self_identification_is_erased_with_the_candidate(portal, acme, django_capture_on_commit_callbacks):
    candidate, token, gender, options = portal
    Client().post(
        reverse("fairness:portal", args=[token]), {"consent": "on", gender.public_id: options["Woman"].public_id}
    )
    assert rows(candidate)[0].count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        retention_services.erase_candidate(candidate, reason="Asked", trigger="staff_request", actor=acme.recruiter)
    answers, consents = rows(candidate)
    assert not answers.exists() and not consents.exists()
    assert gender.options.count() == 3  # the organization's categories stay: they are not the candidate's data


def test_the_candidates_copy_of_their_data_holds_their_answer_as_they_read_it(portal):
    """RET-7: the export walks retention's graph, so the self-identification rows are in it; the answer is there in
    words (the question and the answer as worded when given), and in Swedish for a Swedish answer."""
    from retention.portal import export

    candidate, token, gender, options = portal
    Client().post(
        reverse("fairness:portal", args=[token]) + "?lang=sv", {"consent": "on", gender.public_id: PREFER_NOT_TO_SAY}
    )
    built = export.build(candidate)
    [answer] = built.document["data"]["fairness.selfidentification"]["rows"]
    assert (answer["question"], answer["answer"]) == ("Gender", "Vill inte uppge")
    [consent] = built.document["data"]["fairness.selfidentificationconsent"]["rows"]
    assert consent["text_version"].startswith("fair-1/") and consent["withdrawn_at"] is None
