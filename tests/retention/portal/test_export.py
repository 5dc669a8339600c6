"""The candidate's copy of their data (RET-7): a ZIP with a JSON document of everything held about them and their
stored files. The kinds are not listed here by hand: the test walks ``retention.graph`` (the walk the erasure uses)
and requires every kind that holds a row of the candidate's to be in the file, and every stored object with the same
bytes; nothing of another candidate, of the same hiring or another organization, may appear anywhere in it."""

import io
import json
import zipfile

import pytest
from django.test import Client

from consent.models import ConsentEvent, ConsentLink
from retention import graph
from retention.portal import export
from tests.retention.portal.conftest import approve_everything, portal_path
from tests.retention.world import AUDIO, full_candidate

pytestmark = pytest.mark.django_db

# The kinds a fully loaded candidate must show rows of (the list), whatever else the walk finds.
EXPECTED_KINDS = {
    "hiring.candidate",
    "hiring.document",
    "hiring.interview",
    "hiring.decision",
    "consent.consentrequest",
    "consent.consentevent",
    "ai_analysis.recording",
    "ai_analysis.recordingchunk",
    "ai_analysis.analysis",
    "ai_analysis.transcriptturn",
    "ai_analysis.questionanswer",
    "ai_analysis.score",
    "ai_analysis.evidence",
    "ai_analysis.feedback",
}


def download(candidate) -> tuple[zipfile.ZipFile, bytes]:
    """The ZIP as the browser receives it, and everything in it decompressed (names and contents) to search."""
    response = Client().get(portal_path(candidate) + "export.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="my-data-{candidate.public_id}.zip"'
    assert "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    everything = b"\n".join(name.encode() + b"\n" + archive.read(name) for name in archive.namelist())
    return archive, everything


def test_the_export_holds_every_kind_of_data_and_every_file(loaded):
    candidate = loaded.candidate
    approve_everything(candidate)
    held = {model._meta.label_lower: rows.count() for model, rows in graph.candidate_rows(candidate)}
    stored = {item.name: item for item in graph.candidate_files(candidate)}
    archive, _body = download(candidate)
    document = json.loads(archive.read("export.json"))
    assert document["format"] == export.FORMAT and document["candidate"] == candidate.public_id
    # Every kind of the walk is a section; every kind with rows of the candidate's has rows in it or says why not.
    assert set(document["data"]) == set(held)
    withheld = {entry["kind"]: entry for entry in document["withheld"]}
    for kind, count in held.items():
        if count:
            assert document["data"][kind]["rows"] or withheld[kind]["rows_not_included"] == count, kind
    assert {kind for kind, section in document["data"].items() if section["rows"]} >= EXPECTED_KINDS
    # The data itself: who they are, what they said, their score with its evidence, the feedback, their consent.
    rows = document["data"]
    assert rows["hiring.candidate"]["rows"][0]["name"] == "Ada Lovelace"
    assert rows["hiring.candidate"]["rows"][0]["email"] == "ada@mail.test"
    assert loaded.answer in [turn["text"] for turn in rows["ai_analysis.transcriptturn"]["rows"]]
    assert rows["ai_analysis.evidence"]["rows"][0]["quote"] == loaded.answer
    assert rows["consent.consentrequest"]["rows"][0]["status"] == "accepted"
    assert rows["ai_analysis.score"]["rows"][0]["status"] == "approved"
    assert [f["audience"] for f in rows["ai_analysis.feedback"]["rows"]] == ["candidate"]
    # Links between rows by public id, never internal keys.
    assert rows["hiring.document"]["rows"][0]["candidate"] == candidate.public_id
    assert all("id" not in row and "organization" not in row for section in rows.values() for row in section["rows"])
    # Every stored object, byte for byte: the CV, the chunk and the merged audio.
    names = set(archive.namelist())
    assert {"export.json", "README.txt"} <= names
    assert {f"files/{name}" for name in stored} == names - {"export.json", "README.txt"}
    assert [entry["path"] for entry in document["files"]] == [f"files/{name}" for name in stored]
    contents = {name: archive.read(f"files/{name}") for name in stored}
    assert loaded.cv_text.encode() in contents.values()
    assert sum(1 for data in contents.values() if data == AUDIO) == 2  # chunk and merged
    assert "Your data at Acme" in archive.read("README.txt").decode()
    assert rows["hiring.candidate"]["title"] == "Your application"


def test_the_export_is_in_the_candidates_language(loaded):
    consent = loaded.candidate.consent
    consent.language = "sv"
    consent.save(update_fields=["language"])
    archive, _everything = download(loaded.candidate)
    assert "Dina uppgifter hos Acme" in archive.read("README.txt").decode()
    assert json.loads(archive.read("export.json"))["data"]["hiring.candidate"]["title"] == "Din ansökan"


def test_the_export_leaves_out_secrets_drafts_and_the_teams_own_material_and_says_so(loaded):
    candidate = loaded.candidate
    archive, body = download(candidate)  # nothing approved yet
    document = json.loads(archive.read("export.json"))
    hashes = list(
        ConsentLink.objects.for_operators().filter(request__candidate=candidate).values_list("token_hash", flat=True)
    )
    assert hashes and all(value.encode() not in body for value in hashes)
    assert "token_hash" not in json.dumps(document["data"])
    text = archive.read("export.json").decode()
    assert "Internal: seemed nervous" not in text and "Recruiter-only" not in text
    assert document["data"]["ai_analysis.score"]["rows"] == []
    withheld = {entry["kind"]: entry for entry in document["withheld"]}
    assert withheld["ai_analysis.score"]["rows_not_included"] == 1
    assert withheld["ai_analysis.feedback"]["rows_not_included"] == 2  # a draft for them, the team's own
    assert "notes" in withheld["hiring.candidate"]["fields_not_included"]
    assert "token_hash" in withheld["consent.consentlink"]["fields_not_included"]


def test_nothing_of_another_candidate_is_in_it_also_across_organizations(acme, globex, loaded):
    same_hiring = full_candidate(
        acme.recruiter, name="Charles Babbage", email="charles@mail.test", hiring=loaded.candidate.hiring
    )
    other_org = full_candidate(globex.recruiter, name="Grace Hopper", email="grace@mail.test")
    for person in (loaded, same_hiring, other_org):
        approve_everything(person.candidate)
    _archive, body = download(loaded.candidate)
    for other in (same_hiring, other_org):
        for value in [*other.secrets, *graph.candidate_public_ids(other.candidate)]:
            assert value.encode() not in body, value
    assert loaded.answer.encode() in body


def test_downloading_is_recorded_for_the_recruiters(loaded):
    download(loaded.candidate)
    assert (
        ConsentEvent.objects.for_operators().filter(request__candidate=loaded.candidate, kind="data_exported").count()
        == 1
    )


def test_a_stored_object_that_cannot_be_read_is_reported_not_a_crash(loaded):
    from django.core.files.storage import default_storage

    missing = next(item for item in graph.candidate_files(loaded.candidate) if item.name.endswith("merged.wav"))
    default_storage.delete(missing.name)
    archive, _body = download(loaded.candidate)
    document = json.loads(archive.read("export.json"))
    [entry] = [f for f in document["files"] if f["path"] == f"files/{missing.name}"]
    assert entry["missing"] is True
    assert f"files/{missing.name}" not in archive.namelist()


@pytest.mark.parametrize(
    ("name", "secret"),
    [
        ("token_hash", True),
        ("secret_encrypted", True),
        ("refresh_token", True),
        ("password", True),
        ("api_key", True),
        ("token", True),
        ("input_tokens", False),
        ("email", False),
        ("sha256", False),
    ],
)
def test_which_field_names_are_treated_as_secrets(name, secret):
    assert export._is_secret(name) is secret
