"""The candidate asks for erasure in their portal (RET-6, RET-4, RET-5): a confirmation step, then everything is
erased as one unit by the retention service, the page says truthfully what was removed, and a deletion record with
the trigger "candidate_request" and no personal data is left."""

import pytest
from django.test import Client

from hiring.models import Candidate
from retention import graph
from retention.models import DeletionRecord
from tests.retention.portal.conftest import portal_path, text_of, words_of
from tests.retention.world import full_candidate

pytestmark = pytest.mark.django_db


def test_erasure_needs_confirmation_and_without_it_nothing_changes(loaded):
    path = portal_path(loaded.candidate) + "erase/"
    page = Client().get(path)
    assert page.status_code == 200 and "This cannot be undone" in text_of(page)
    refused = Client().post(path, {})
    assert refused.status_code == 400
    assert Candidate.objects.for_operators().filter(pk=loaded.candidate.pk).exists()
    assert not DeletionRecord.objects.for_operators().exists()


@pytest.mark.django_db(transaction=True)  # commits for real, so the stored objects go before the page is drawn
def test_the_candidate_erases_their_data_and_the_page_says_what_happened(acme, loaded):
    candidate = loaded.candidate
    other = full_candidate(acme.recruiter, name="Charles Babbage", email="charles@mail.test", hiring=candidate.hiring)
    held = {model._meta.label_lower: rows.count() for model, rows in graph.candidate_rows(candidate)}
    stored = graph.candidate_files(candidate)
    token_path = portal_path(candidate)
    response = Client().post(token_path + "erase/", {"confirm": "on"})
    assert response.status_code == 200
    words = words_of(response)
    assert "Your data is erased" in words
    [record] = DeletionRecord.objects.for_operators().all()
    assert record.trigger == "candidate_request" and record.actor is None
    assert record.counts == {label: count for label, count in held.items() if count}
    assert record.public_id in words
    assert "Transcript turns: 2" in words and "Documents: 1" in words
    assert f"All {len(stored)} stored files (recordings and documents) are deleted" in words
    # Nothing is left: no row of the walk, no stored object; the other candidate is untouched.
    assert all(rows.count() == 0 for _model, rows in graph.candidate_rows(candidate))
    assert all(not item.storage.exists(item.name) for item in stored)
    assert Candidate.objects.for_operators().filter(pk=other.candidate.pk).exists()
    for secret in loaded.secrets:
        assert secret not in str(DeletionRecord.objects.for_operators().values().get())
    # The link now leads nowhere, and says so.
    gone = Client().get(token_path)
    assert gone.status_code == 404 and "There is no data behind this link any more" in text_of(gone)
    assert Client().post(token_path + "erase/", {"confirm": "on"}).status_code == 404
    assert DeletionRecord.objects.for_operators().count() == 1
