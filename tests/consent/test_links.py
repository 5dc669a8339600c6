"""Links that must not work (CON-1, CON-3): each answers a clear page, never an error, and changes nothing.

"Nothing" is checked on every consent and candidate row: the whole state of the consent tables (requests, links and
every event but the one noting that a dead link was opened) is the same before and after.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from consent import services
from consent.models import ConsentEvent, ConsentLink, ConsentRequest
from hiring.models import Candidate

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(ConsentRequest.objects.for_operators().order_by("pk").values()),
        list(ConsentLink.objects.for_operators().order_by("pk").values()),
        list(ConsentEvent.objects.for_operators().exclude(kind="refused_link").order_by("pk").values()),
        list(Candidate.objects.for_operators().order_by("pk").values()),
    )


def tamper(token: str) -> str:
    last = "A" if token[-1] != "A" else "B"
    return token[:-1] + last


def world(acme, invite, accept):
    """Four candidates in every state a link can meet."""
    pending = invite(acme.recruiter, name="Pat Pending")
    used = invite(acme.recruiter, name="Una Used")
    accept(used)
    withdrawn = invite(acme.recruiter, name="Wes Withdrawn")
    withdrawn_portal = accept(withdrawn)
    services.withdraw(withdrawn_portal)
    expired = invite(acme.recruiter, name="Eve Expired")
    ConsentLink.objects.for_operators().filter(request__candidate=expired.candidate).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    return pending, used, withdrawn, withdrawn_portal, expired


CASES = [
    # (name, how to get the token from the world, expected status, words the page must show)
    ("reused", lambda w: w[1].token, 410, "This link has already been used"),
    ("expired", lambda w: w[4].token, 410, "This link has expired"),
    ("tampered: last character", lambda w: tamper(w[0].token), 404, "This link is not valid"),
    ("tampered: truncated", lambda w: w[0].token[:-3], 404, "This link is not valid"),
    ("tampered: extended", lambda w: w[0].token + "x", 404, "This link is not valid"),
    ("tampered: case flipped", lambda w: w[0].token.swapcase(), 404, "This link is not valid"),
    ("tampered: overlong", lambda w: w[0].token * 5, 404, "This link is not valid"),
    ("tampered: not base62", lambda w: w[0].token[:-1] + "!", 404, "This link is not valid"),
    ("withdrawn candidate's consent link", lambda w: w[2].token, 410, "This link has already been used"),
]


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(("name", "token_of", "status", "words"), CASES, ids=[c[0] for c in CASES])
def test_a_dead_link_answers_a_clear_page_and_changes_nothing(
    acme, invite, accept, method, name, token_of, status, words
):
    w = world(acme, invite, accept)
    token = token_of(w)
    before = snapshot()
    for action in ("accept", "decline", "withdraw"):
        client = Client()
        response = (
            client.get(f"/consent/{token}/")
            if method == "get"
            else client.post(f"/consent/{token}/", {"action": action, "message": "x"})
        )
        assert response.status_code == status, (name, action)
        assert words in " ".join(response.content.decode().split())
        assert "Traceback" not in response.content.decode()
        assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    assert snapshot() == before


def test_a_deleted_candidates_links_are_unknown(acme, invite, accept):
    invited = invite(acme.recruiter)
    portal_token = accept(invited)
    invited.candidate.delete()  # what the retention app's erasure does to the rows (RET-4)
    assert not ConsentLink.objects.for_operators().exists()
    for token in (invited.token, portal_token):
        response = Client().post(f"/consent/{token}/", {"action": "withdraw"})
        assert response.status_code == 404
        assert "If your data has been erased, the link no longer works" in " ".join(response.content.decode().split())


def test_another_candidates_token_acts_only_on_that_candidate(acme, globex, invite):
    """The token is the whole credential: it reaches its own request and no other, in any organization."""
    mine = invite(acme.recruiter, name="Mia Mine")
    theirs = invite(globex.recruiter, name="Tom Theirs")
    response = Client().post(f"/consent/{theirs.token}/", {"action": "accept"})
    assert response.status_code == 200
    assert "Globex" in response.content.decode() and "Acme" not in response.content.decode()
    assert theirs.consent.status == "accepted"
    assert mine.consent.status == "pending"
    page = Client().get(f"/consent/{mine.token}/").content.decode()
    assert "Mia Mine" in page and "Tom Theirs" not in page


def test_a_replaced_link_says_a_newer_one_was_sent(acme, invite):
    invited = invite(acme.recruiter)
    services.resend(actor=acme.recruiter, consent=invited.consent)
    before = snapshot()
    response = Client().post(f"/consent/{invited.token}/", {"action": "accept"})
    assert response.status_code == 410
    assert "A newer link has been sent" in response.content.decode()
    assert snapshot() == before


def test_opening_a_dead_link_is_noted_for_the_recruiter(acme, invite, accept):
    invited = invite(acme.recruiter)
    accept(invited)
    Client().get(f"/consent/{invited.token}/")
    assert (
        ConsentEvent.objects.for_operators().filter(request__candidate=invited.candidate, kind="refused_link").count()
        == 1
    )


def test_two_simultaneous_answers_record_one(acme, invite):
    """The link is locked while it is spent, so a double click or a race cannot answer twice."""
    invited = invite(acme.recruiter)
    services.accept(invited.token)
    with pytest.raises(services.LinkRefused):
        services.decline(invited.token)
    assert invited.consent.status == "accepted"
    assert ConsentEvent.objects.for_operators().filter(kind__in=["accepted", "declined"]).count() == 1
