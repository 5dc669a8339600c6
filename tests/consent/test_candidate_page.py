"""The candidate's page, opened from the email with no sign-in (CON-2, CON-3, CON-5, AI-6), in English and Swedish."""

import pytest
from django.core import mail
from django.test import Client

from consent.models import ConsentEvent, ConsentStatus

pytestmark = pytest.mark.django_db


def url(token: str) -> str:
    return f"/consent/{token}/"


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def test_the_page_explains_everything_in_plain_language(acme, invite):
    acme.organization.privacy_contact_email = "privacy@acme.test"
    acme.organization.save()
    invited = invite(acme.recruiter)
    response = Client().get(url(invited.token))
    assert response.status_code == 200
    page = text_of(response)
    # Who asks (the controller) and for which position.
    assert "Acme asks for your consent to record and analyse your interview" in page
    assert invited.candidate.hiring.title in page
    assert "Acme is responsible for your data (the controller)" in page
    assert "privacy@acme.test" in page
    # What will happen, against which criteria, with a person deciding.
    assert "Your interview is recorded" in page
    assert "turned into text" in page
    for criterion in invited.candidate.hiring.criteria.all():
        assert criterion.name in page
    assert "A person reviews everything" in page
    assert "The software never decides" in page
    # AI-6: what is never assessed.
    for never in ("personality", "culture fit", "tone of voice", "accent", "appearance", "ethnicity", "religion"):
        assert never in page
    # Retention and rights.
    assert "kept for 1 year after the decision" in page
    assert "withdraw your consent at any time" in page
    assert "copy of everything held about you" in page
    # The two answers.
    assert 'value="accept"' in page and 'value="decline"' in page


def test_the_retention_period_is_the_organizations(acme, invite):
    acme.organization.retention_days = 180
    acme.organization.save()
    page = text_of(Client().get(url(invite(acme.recruiter).token)))
    assert "kept for 6 months after the decision" in page


def test_the_page_is_private_to_its_link(acme, invite):
    response = Client().get(url(invite(acme.recruiter).token))
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"  # never to another site; "no-referrer" breaks CSRF
    assert "noindex" in response["X-Robots-Tag"]
    assert 'name="robots" content="noindex, nofollow"' in response.content.decode()


def test_swedish_by_choice_and_by_the_requests_language(acme, invite):
    english = invite(acme.recruiter)
    page = text_of(Client().get(url(english.token) + "?lang=sv"))
    assert "Acme ber om ditt samtycke till att spela in och analysera din intervju" in page
    assert "Vad programvaran aldrig bedömer" in page
    assert "1 år" in page
    assert '<html lang="sv">' in page
    swedish = invite(acme.recruiter, language="sv")
    assert "Jag samtycker" in text_of(Client().get(url(swedish.token)))
    assert "I agree" in text_of(Client().get(url(swedish.token) + "?lang=en"))


def test_accepting_on_the_page_records_consent_and_shows_the_portal_link(
    acme, invite, django_capture_on_commit_callbacks
):
    invited = invite(acme.recruiter)
    client = Client(enforce_csrf_checks=True)
    page = client.get(url(invited.token))
    csrf = page.cookies["csrftoken"].value
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(invited.token), {"action": "accept", "csrfmiddlewaretoken": csrf})
    assert response.status_code == 200
    assert "your consent is recorded" in text_of(response)
    consent = invited.consent
    assert consent.status == ConsentStatus.ACCEPTED and consent.responded_at is not None
    assert "keep this link to withdraw" in mail.outbox[-1].subject


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(acme, invite):
    invited = invite(acme.recruiter)
    response = Client(enforce_csrf_checks=True).post(url(invited.token), {"action": "accept"})
    assert response.status_code == 403
    assert invited.consent.status == ConsentStatus.PENDING


def test_declining_with_a_message(acme, invite):
    invited = invite(acme.recruiter)
    response = Client().post(url(invited.token), {"action": "decline", "message": "Not comfortable with recording."})
    assert response.status_code == 200
    assert "You declined" in text_of(response)
    consent = invited.consent
    assert consent.status == ConsentStatus.DECLINED
    assert consent.decline_message == "Not comfortable with recording."


def test_an_overlong_message_is_a_form_error_and_the_link_still_works(acme, invite):
    invited = invite(acme.recruiter)
    response = Client().post(url(invited.token), {"action": "decline", "message": "x" * 2001})
    assert response.status_code == 400
    assert "at most 2000 characters" in text_of(response)
    assert invited.consent.status == ConsentStatus.PENDING
    assert Client().post(url(invited.token), {"action": "decline"}).status_code == 200


@pytest.mark.parametrize("action", ["withdraw", "", "delete", "accept\x00"])
def test_an_action_the_link_does_not_offer_is_a_400_and_changes_nothing(acme, invite, action):
    invited = invite(acme.recruiter)
    response = Client().post(url(invited.token), {"action": action})
    assert response.status_code == 400
    assert invited.consent.status == ConsentStatus.PENDING


def test_withdrawing_through_the_portal(acme, invite, accept):
    invited = invite(acme.recruiter)
    portal_token = accept(invited)
    portal = Client().get(url(portal_token))
    assert portal.status_code == 200
    assert "Withdraw your consent" in text_of(portal)
    response = Client().post(url(portal_token), {"action": "withdraw", "confirm": "on"})
    assert response.status_code == 200
    assert "Your consent is withdrawn" in text_of(response)
    consent = invited.consent
    assert consent.status == ConsentStatus.WITHDRAWN and consent.erasure_requested_at is not None
    # The portal still opens and says so; withdrawing twice changes nothing.
    assert "You withdrew your consent on" in text_of(Client().get(url(portal_token)))
    again = Client().post(url(portal_token), {"action": "withdraw"})
    assert again.status_code == 409
    assert ConsentEvent.objects.for_operators().filter(kind="withdrawn").count() == 1


def test_the_consent_link_cannot_withdraw_and_the_portal_cannot_accept(acme, invite, accept):
    invited = invite(acme.recruiter)
    portal_token = accept(invited)
    assert Client().post(url(portal_token), {"action": "accept"}).status_code == 400
    assert Client().post(url(portal_token), {"action": "decline"}).status_code == 400
    assert invited.consent.status == ConsentStatus.ACCEPTED


def test_answers_are_rate_limited_per_link(acme, invite, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "consent_response": {"ip": "100/m", "account": "2/m"}}
    invited = invite(acme.recruiter)
    client = Client()
    for _ in range(2):
        assert client.post(url(invited.token), {"action": "nonsense"}).status_code == 400
    limited = client.post(url(invited.token), {"action": "accept"})
    assert limited.status_code == 429
    assert "Retry-After" in limited
    assert invited.consent.status == ConsentStatus.PENDING
