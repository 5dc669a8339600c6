"""Who saw which candidate (LOG-1; AI Act Art. 12, GDPR accountability).

The walk at the top does not list the views by hand: it enumerates every URL of the project that takes a public id,
calls each with the public id of every object of a fully loaded candidate (the rows ``retention.graph`` finds: the
definition of "a candidate's data"), their hiring and a member, as an admin's session for pages and an admin's API key
for the API, and requires that

- every answer 200 for one of the candidate's objects writes exactly one access log entry naming that candidate,
  that object and the view's declared kind (``reads_candidate_data`` / ``candidate_data_kinds``), unless the view is
  in ``NOT_CANDIDATE_DATA`` with the reason it shows none of the candidate's data;
- no other answer (404, 405, a redirect) writes anything, and an exemption that no longer answers 200 fails.

The second walk does the same for every API list (a route without an id that answers GET), read as the API key: a
list whose page holds any of the candidate's objects must be marked (``CandidateDataReads``) and write exactly one
entry per such object on the page (its public id, that candidate, the list's kind, the key as the actor) and no
other, written in the request as one ``ListRead`` row and settled into those entries (``settle_list_reads``); a list
of nothing of theirs writes nothing, and a marked list the walk never saw list the candidate's data fails.

A new page or API endpoint that returns a candidate's data without logging fails here the day it is added.
"""

import csv
import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.services import create_api_key
from ai_analysis.models import Recording
from hiring.access_log import AccessKind, AccessLogEntry, ListRead, candidate_digest, settle_list_reads
from interview_analyzer.roles import ROLE_ORDER, Role
from retention import graph
from retention import services as retention_services
from retention.models import Trigger
from tests.retention.portal.conftest import approve_everything, portal_path
from tests.retention.world import full_candidate
from tests.security.urls_under_test import all_endpoints

pytestmark = pytest.mark.django_db

# Views that answer 200 for one of a candidate's objects but show none of the candidate's data, each with why.
NOT_CANDIDATE_DATA = {
    "ai_analysis:analysis_progress": "the pipeline's step states, polled every 2 s while it runs; the analysis page "
    "that embeds it is logged",
    "hiring:candidate_access_log": "the access log of the candidate (admins): who saw them and when, not their data",
    "retention:erase": "the erasure confirmation: how many rows of each kind will go, no content; erasing is the "
    "deletion record's (RET-5)",
}
ID_ENDPOINTS = [e for e in all_endpoints() if "<pid:" in e.route and e.route.count("<") == 1]
LIST_ENDPOINTS = [
    e
    for e in all_endpoints()
    if e.path.startswith("/api/") and "<" not in e.route and "get" in (getattr(e.view, "actions", None) or {})
]
LOG_INSERT = f'INSERT INTO "{AccessLogEntry._meta.db_table}"'
LIST_INSERT = f'INSERT INTO "{ListRead._meta.db_table}"'


def declared_kind(endpoint) -> str | None:
    """The kind a view declares it logs: ``reads_candidate_data`` on a page view, ``candidate_data_kinds`` on an API
    view set (for the action that answers GET)."""
    view = endpoint.view
    cls = getattr(view, "cls", None)
    if cls is None:
        return getattr(view, "candidate_data_kind", None)
    action = (getattr(view, "actions", None) or {}).get("get")
    return getattr(cls, "candidate_data_kinds", {}).get(action)


def with_id(endpoint, public_id: str) -> str:
    route_parts = endpoint.route.split("/")
    path_parts = endpoint.path.lstrip("/").split("/")
    return "/" + "/".join(public_id if "<pid:" in r else p for r, p in zip(route_parts, path_parts, strict=True))


@pytest.fixture
def admin_browser(team):
    client = Client(REMOTE_ADDR="203.0.113.7")
    client.force_login(team.admin.user)
    return client


@pytest.fixture
def reader_key(team):
    key, raw = create_api_key(actor=team.admin, name="Reporting", scopes=["read"], allowed_cidrs=[])
    return key, Client(HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="198.51.100.4")


def test_every_read_of_candidate_data_writes_exactly_one_entry_and_every_such_view_is_marked(
    team, ada, admin_browser, reader_key
):
    candidate = ada.candidate
    key, api = reader_key
    data_ids = set(graph.candidate_public_ids(candidate))
    tried = sorted(data_ids) + [candidate.hiring.public_id, team.recruiter.public_id]
    failures, answered, unmarked_reads = [], set(), set()
    for endpoint in ID_ENDPOINTS:
        kind = declared_kind(endpoint)
        caller = api if endpoint.path.startswith("/api/") else admin_browser
        actions = getattr(endpoint.view, "actions", None)
        if actions is not None and "get" not in actions:
            continue  # an API route that answers no GET
        for public_id in tried:
            caches[settings.RATELIMIT_USE_CACHE].clear()  # the key's per-minute limit (KEY-7) is not under test
            before = AccessLogEntry.objects.for_operators().count()
            response = caller.get(with_id(endpoint, public_id))
            new = list(AccessLogEntry.objects.for_operators().order_by("pk")[before:])
            label = f"{endpoint.label} {public_id}: {response.status_code}"
            if response.status_code != 200:
                if new:
                    failures.append(f"{label} wrote {len(new)} entries")
                continue
            if kind is None:
                if new:
                    failures.append(f"{label} wrote entries but is not marked")
                if public_id in data_ids:
                    unmarked_reads.add(endpoint.label)
                continue
            answered.add(endpoint.label)
            if len(new) != 1:
                failures.append(f"{label} wrote {len(new)} entries, not 1")
                continue
            entry = new[0]
            if (entry.kind, entry.candidate_id, entry.object_ref) != (kind, candidate.pk, public_id):
                failures.append(f"{label} logged {entry.kind} {entry.object_ref} of candidate {entry.candidate_id}")
            if caller is api and entry.actor_ref != key.public_id:
                failures.append(f"{label} logged {entry.actor_ref}, not the API key")
    assert failures == []
    missing = sorted(unmarked_reads - set(NOT_CANDIDATE_DATA))
    assert missing == [], f"These views show a candidate's data without logging it (LOG-1): {missing}"
    stale = sorted(set(NOT_CANDIDATE_DATA) - unmarked_reads)
    assert stale == [], f"Exemptions that no longer answer with a candidate's object: {stale}"
    marked = {e.label for e in ID_ENDPOINTS if declared_kind(e)}
    assert marked == answered, f"Marked views the walk never saw answer: {sorted(marked - answered)}"
    assert {"hiring:candidate_detail", "hiring:document_download", "ai_analysis:recording_audio"} <= answered
    assert {"api-candidate-detail", "api-analysis-explanation", "api-recording-audio"} <= answered


def test_every_api_list_of_candidate_data_logs_each_object_on_the_page_and_every_such_list_is_marked(
    team, ada, reader_key
):
    candidate = ada.candidate
    key, api = reader_key
    data_ids = set(graph.candidate_public_ids(candidate))
    failures, answered, unmarked = [], set(), set()
    for endpoint in LIST_ENDPOINTS:
        kind = declared_kind(endpoint)
        caches[settings.RATELIMIT_USE_CACHE].clear()
        before = AccessLogEntry.objects.for_operators().count()
        response = api.get(endpoint.path, {"page_size": 100})
        reads = ListRead.objects.for_operators().count()
        settle_list_reads()
        new = list(AccessLogEntry.objects.for_operators().order_by("pk")[before:])
        label = f"{endpoint.label}: {response.status_code}"
        listed = []
        if response.status_code == 200:
            listed = [row["id"] for row in response.json()["results"] if row.get("id") in data_ids]
        if not listed:
            if new or reads:
                failures.append(f"{label} wrote {len(new)} entries for a page without the candidate's data")
            continue
        if kind is not None and reads != 1:
            failures.append(f"{label} wrote {reads} list reads, not 1")
        if kind is None:
            unmarked.add(endpoint.label)
            continue
        answered.add(endpoint.label)
        logged = sorted((entry.kind, entry.candidate_id, entry.object_ref) for entry in new)
        if logged != sorted((kind, candidate.pk, public_id) for public_id in listed):
            failures.append(f"{label} listed {sorted(listed)} but logged {logged}")
        if {(entry.actor_ref, entry.api_key_id) for entry in new} != {(key.public_id, key.pk)}:
            failures.append(f"{label} did not log the API key as the actor")
    assert failures == []
    assert unmarked == set(), f"These lists show a candidate's data without logging it (LOG-1): {sorted(unmarked)}"
    marked = {e.label for e in LIST_ENDPOINTS if declared_kind(e)}
    assert marked == answered, f"Marked lists the walk never saw list the candidate's data: {sorted(marked - answered)}"
    assert {"api-candidate-list", "api-interview-list", "api-decision-list", "api-document-list"} <= answered
    assert {"api-consent-list", "api-analysis-list", "api-delivery-list"} <= answered


def test_a_list_logs_one_row_per_listed_object_by_the_key_and_nothing_for_an_empty_page_head_or_a_rival(
    team, globex, ada, reader_key
):
    other = full_candidate(team.admin, name="Bo Berg", email="bo@mail.test", hiring=ada.candidate.hiring)
    key, api = reader_key
    globex.organization.plan = "team"
    globex.organization.save(update_fields=["plan"])
    _, raw = create_api_key(actor=globex.admin, name="Rival", scopes=["read"], allowed_cidrs=[])
    rival_api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    nobody = "cand_" + "0" * 22
    assert api.get("/api/v1/interviews/", {"candidate": nobody}).json()["results"] == []  # an empty page
    assert api.head("/api/v1/candidates/").status_code == 200  # headers only
    assert rival_api.get("/api/v1/candidates/").json()["results"] == []  # Acme's candidates are not Globex's
    assert rival_api.get("/api/v1/interviews/").json()["results"] == []
    assert not AccessLogEntry.objects.for_operators().exists() and not ListRead.objects.for_operators().exists()

    listed = api.get("/api/v1/candidates/").json()["results"]
    assert sorted(row["id"] for row in listed) == sorted([ada.candidate.public_id, other.candidate.public_id])
    (read,) = ListRead.objects.for_operators()  # one row for the page, written before it was answered
    assert sorted(ref for _key, _digest, ref in read.shown) == sorted(row["id"] for row in listed)
    assert not AccessLogEntry.objects.for_operators().exists()
    assert settle_list_reads() == 2
    assert not ListRead.objects.for_operators().exists()
    entries = list(AccessLogEntry.objects.for_operators())
    assert sorted((e.object_ref, e.candidate_id) for e in entries) == sorted(
        [(ada.candidate.public_id, ada.candidate.pk), (other.candidate.public_id, other.candidate.pk)]
    )
    for entry in entries:
        assert (entry.kind, entry.api_key, entry.member, entry.actor_ref, entry.actor_name) == (
            AccessKind.CANDIDATE,
            key,
            team.admin,
            key.public_id,
            "Reporting",
        )
        assert entry.candidate_digest == candidate_digest(entry.object_ref) and entry.client_ip == "198.51.100.4"
        assert entry.organization == team.organization


def test_a_rival_a_missing_object_a_refused_role_and_a_head_request_log_nothing(team, globex, ada):
    candidate = ada.candidate
    document = candidate.documents.get()
    rival = Client()
    rival.force_login(globex.admin.user)
    interviewer = Client()
    interviewer.force_login(team.interviewer.user)
    admin = Client()
    admin.force_login(team.admin.user)
    globex.organization.plan = "team"
    globex.organization.save(update_fields=["plan"])
    _, raw = create_api_key(actor=globex.admin, name="Rival", scopes=["read"], allowed_cidrs=[])
    rival_api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    answers = [
        rival.get(f"/candidates/{candidate.public_id}/").status_code,
        rival_api.get(f"/api/v1/candidates/{candidate.public_id}/").status_code,
        admin.get("/candidates/cand_" + "0" * 22 + "/").status_code,
        interviewer.get(f"/candidates/{candidate.public_id}/").status_code,  # not their interview: 404
        interviewer.get(f"/documents/{document.public_id}/download").status_code,  # below the role: 403
        admin.head(f"/candidates/{candidate.public_id}/").status_code,  # headers only
    ]
    assert answers == [404, 404, 404, 404, 403, 200]
    assert not AccessLogEntry.objects.for_operators().exists()


def test_audio_is_logged_once_per_playback_not_per_range_request(team, ada, admin_browser):
    recording = Recording.objects.for_operators().get(candidate=ada.candidate)
    path = f"/recordings/{recording.public_id}/audio"
    statuses = [
        admin_browser.get(path, HTTP_RANGE="bytes=0-").status_code,  # the player starts
        admin_browser.get(path, HTTP_RANGE="bytes=512-").status_code,  # it buffers or seeks
        admin_browser.get(path, HTTP_RANGE="bytes=99999999-").status_code,  # past the end: nothing shown
        admin_browser.get(path).status_code,  # a download of the whole file
    ]
    assert statuses == [206, 206, 416, 200]
    entries = AccessLogEntry.objects.for_operators().filter(kind=AccessKind.AUDIO)
    assert entries.count() == 2 and {e.object_ref for e in entries} == {recording.public_id}


def test_the_entry_names_the_person_or_the_key_the_time_and_the_client_address(team, ada, admin_browser, reader_key):
    candidate = ada.candidate
    key, api = reader_key
    start = timezone.now()
    assert admin_browser.get(f"/candidates/{candidate.public_id}/").status_code == 200
    assert api.get(f"/api/v1/candidates/{candidate.public_id}/").status_code == 200
    person, machine = AccessLogEntry.objects.for_operators().order_by("pk")
    assert (person.member, person.api_key, person.actor_ref) == (team.admin, None, team.admin.public_id)
    assert (person.actor_name, person.actor_role, person.client_ip) == (
        team.admin.user.display_name,
        Role.ADMIN,
        "203.0.113.7",
    )
    assert (machine.member, machine.api_key, machine.actor_ref, machine.actor_name) == (
        team.admin,
        key,
        key.public_id,
        "Reporting",
    )
    assert machine.by_api_key and machine.client_ip == "198.51.100.4"
    for entry in (person, machine):
        assert entry.organization == team.organization and entry.at >= start
        assert entry.candidate == candidate and entry.candidate_digest == candidate_digest(candidate.public_id)
    # Not the data itself: nothing of the candidate's is stored but ids and the keyed digest.
    values = json.dumps(list(AccessLogEntry.objects.for_operators().values()), default=str)
    assert ada.name not in values and ada.email not in values


def test_the_digest_is_keyed_from_the_secret_key(settings, ada):
    import hashlib

    public_id = ada.candidate.public_id
    digest = candidate_digest(public_id)
    assert len(digest) == 64 and digest != hashlib.sha256(public_id.encode()).hexdigest()
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert candidate_digest(public_id) != digest


def test_the_comparison_logs_each_candidate_it_shows(team, ada, admin_browser):
    other = full_candidate(team.admin, name="Bo Berg", email="bo@mail.test", hiring=ada.candidate.hiring)
    approve_everything(other.candidate)
    assert admin_browser.get(f"/hirings/{ada.candidate.hiring.public_id}/compare").status_code == 200
    entries = AccessLogEntry.objects.for_operators().filter(kind=AccessKind.COMPARISON)
    assert {e.candidate for e in entries} == {ada.candidate, other.candidate}
    assert {e.object_ref for e in entries} == {ada.candidate.hiring.public_id}


def _queries(client, path, **params) -> list[str]:
    caches[settings.RATELIMIT_USE_CACHE].clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path, params).status_code == 200, path
    return [query["sql"] for query in queries.captured_queries]


def test_a_logged_view_costs_one_insert_and_nothing_else(settings, ada, admin_browser, reader_key):
    """What ``bench/bench_access_log.py`` measures the time of: one INSERT per view, no lookup of its own."""
    _key, api = reader_key
    for client, path in (
        (admin_browser, f"/candidates/{ada.candidate.public_id}/"),
        (api, f"/api/v1/candidates/{ada.candidate.public_id}/"),
        (api, "/api/v1/candidates/"),
    ):
        client.get(path)
        counted = {}
        for enabled in (False, True):
            settings.ACCESS_LOG_ENABLED = enabled
            counted[enabled] = _queries(client, path)
        table, insert = (
            ("hiring_listread", LIST_INSERT) if path.endswith("/candidates/") else ("hiring_accesslogentry", LOG_INSERT)
        )
        logged = [sql for sql in counted[True] if table in sql or "hiring_accesslogentry" in sql]
        assert len(counted[True]) == len(counted[False]) + 1, path
        assert len(logged) == 1 and logged[0].startswith(insert), path
        assert not [sql for sql in counted[False] if table in sql], path


def test_a_logged_list_reads_nothing_more_than_an_unlogged_one(settings, ada, reader_key):
    """The candidate of every object on a list page comes with the page's own query (no query per row): with logging
    on, each list of a candidate's data runs the queries it runs with logging off, and one INSERT of its list read."""
    _key, api = reader_key
    for endpoint in LIST_ENDPOINTS:
        if declared_kind(endpoint) is None:
            continue
        _queries(api, endpoint.path, page_size=100)  # once before, as in the other test: the key's first use today
        counted = {}
        for enabled in (False, True):
            settings.ACCESS_LOG_ENABLED = enabled
            counted[enabled] = _queries(api, endpoint.path, page_size=100)
        inserts = [sql for sql in counted[True] if sql.startswith(LIST_INSERT)]
        reads = [sql for sql in counted[True] if not sql.startswith(LIST_INSERT)]
        assert len(reads) == len(counted[False]), (endpoint.label, reads[len(counted[False]) :])
        assert len(inserts) == 1, endpoint.label


def test_logging_off_writes_nothing(settings, ada, admin_browser):
    settings.ACCESS_LOG_ENABLED = False
    assert admin_browser.get(f"/candidates/{ada.candidate.public_id}/").status_code == 200
    assert not AccessLogEntry.objects.for_operators().exists()


# --- The admin pages ------------------------------------------------------------------------------------------------


@pytest.fixture
def history(team, ada, admin_browser, reader_key):
    """Views by the admin (page), the hiring manager (page, made to see the hiring) and the API key, on two days."""
    candidate = ada.candidate
    _key, api = reader_key
    admin_browser.get(f"/candidates/{candidate.public_id}/")
    admin_browser.get(f"/documents/{candidate.documents.get().public_id}/download")
    api.get(f"/api/v1/candidates/{candidate.public_id}/")
    hiring = candidate.hiring
    hiring.owner = team.hiring_manager
    hiring.save(update_fields=["owner"])
    manager = Client()
    manager.force_login(team.hiring_manager.user)
    assert manager.get(f"/candidates/{candidate.public_id}/").status_code == 200
    AccessLogEntry.objects.for_operators().filter(kind=AccessKind.DOCUMENT).update(
        at=timezone.now() - timedelta(days=3)
    )
    return candidate


def _csv(response) -> list[dict]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def _json(response) -> dict:
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return json.loads(b"".join(response.streaming_content))


def test_the_admin_sees_who_viewed_the_candidate_and_filters_by_member_kind_and_dates(team, history, admin_browser):
    candidate = history
    page = admin_browser.get(f"/candidates/{candidate.public_id}/")
    assert f"/candidates/{candidate.public_id}/access-log/" in page.content.decode()  # the link for admins
    response = admin_browser.get(f"/candidates/{candidate.public_id}/access-log/")
    text = response.content.decode()
    assert response.status_code == 200 and "Who viewed Ada Lovelace" in text
    assert team.hiring_manager.user.display_name in text and "Reporting" in text
    rows = AccessLogEntry.objects.for_operators()
    by_member = admin_browser.get(f"/settings/members/{team.hiring_manager.public_id}/access-log/")
    assert by_member.status_code == 200 and list(by_member.context["page"].object_list) == list(
        rows.filter(member=team.hiring_manager)
    )
    documents = admin_browser.get("/settings/access-log/", {"kind": "document"})
    assert [e.kind for e in documents.context["page"].object_list] == ["document"]
    today = timezone.localdate().isoformat()
    recent = admin_browser.get("/settings/access-log/", {"start": today, "end": today})
    assert {e.kind for e in recent.context["page"].object_list} == {"candidate"}
    member = admin_browser.get("/settings/access-log/", {"member": team.admin.public_id, "kind": "candidate"})
    assert len(member.context["page"].object_list) == 3  # the setup's page view, the key's call and this test's
    bad = admin_browser.get("/settings/access-log/", {"start": today, "end": "2000-01-01", "candidate": "bob"})
    assert bad.status_code == 400 and set(bad.context["form"].errors) == {"end", "candidate"}


def test_the_log_exports_as_csv_and_json_with_the_filters(team, history, admin_browser):
    candidate = history
    rows = _csv(admin_browser.get("/settings/access-log.csv", {"candidate": candidate.public_id}))
    assert len(rows) == AccessLogEntry.objects.for_operators().count() == 4
    assert set(rows[0]) == {
        "at",
        "kind",
        "object",
        "actor",
        "actor_name",
        "actor_role",
        "api_key",
        "candidate",
        "candidate_digest",
        "client_ip",
    }
    assert {row["actor"] for row in rows} >= {team.admin.public_id, team.hiring_manager.public_id}
    assert [row["kind"] for row in rows].count("candidate") == 3
    document = _json(admin_browser.get("/settings/access-log.json", {"kind": "document"}))
    assert document["format"] == "interview-analyzer/access-log/1"
    assert document["organization"] == team.organization.public_id
    assert document["filters"] == {"kind": "document"}
    [entry] = document["entries"]
    assert entry["object"] == candidate.documents.get().public_id and entry["candidate"] == candidate.public_id
    assert admin_browser.get("/settings/access-log.json", {"member": "nobody"}).status_code == 400
    assert admin_browser.post("/settings/access-log.csv").status_code == 405


@pytest.mark.parametrize("role", [r for r in ROLE_ORDER if r != Role.ADMIN])
def test_everyone_but_admins_gets_404_on_every_access_log_page(team, history, role):
    client = Client()
    client.force_login(team.member(role).user)
    paths = [
        "/settings/access-log/",
        "/settings/access-log.csv",
        "/settings/access-log.json",
        f"/candidates/{history.public_id}/access-log/",
        f"/settings/members/{team.admin.public_id}/access-log/",
    ]
    before = AccessLogEntry.objects.for_operators().count()
    assert [client.get(path).status_code for path in paths] == [404] * len(paths)
    if role != Role.INTERVIEWER:
        page = client.get(f"/candidates/{history.public_id}/").content.decode()
        assert "/access-log/" not in page
    assert AccessLogEntry.objects.for_operators().count() == before + (0 if role == Role.INTERVIEWER else 1)


def test_another_organizations_admin_gets_404_and_sees_none_of_the_log(globex, history):
    client = Client()
    client.force_login(globex.admin.user)
    assert client.get(f"/candidates/{history.public_id}/access-log/").status_code == 404
    assert client.post(f"/candidates/{history.public_id}/access-log/").status_code == 404
    assert _csv(client.get("/settings/access-log.csv")) == []


# --- Erasure and the candidate's own export -------------------------------------------------------------------------


def test_after_erasure_the_entries_stay_with_the_digest_only(team, history, admin_browser):
    candidate = history
    public_id = candidate.public_id
    object_ids = set(graph.candidate_public_ids(candidate))
    count = AccessLogEntry.objects.for_operators().count()
    retention_services.erase_candidate(
        candidate, reason="Asked to be forgotten", trigger=Trigger.STAFF_REQUEST, actor=team.admin
    )
    rows = list(AccessLogEntry.objects.for_operators().values())
    assert len(rows) == count
    for row in rows:
        assert row["candidate_id"] is None and row["object_ref"] == ""
        assert row["candidate_digest"] == candidate_digest(public_id)
    stored = json.dumps(rows, default=str)
    assert all(value not in stored for value in object_ids)  # no id of the erased candidate's objects remains
    assert "Ada" not in stored
    found = admin_browser.get("/settings/access-log/", {"candidate": public_id})
    assert len(found.context["page"].object_list) == count
    assert "Erased" in found.content.decode() and "Ada Lovelace" not in found.content.decode()
    exported = _csv(admin_browser.get("/settings/access-log.csv", {"candidate": public_id}))
    assert {row["candidate"] for row in exported} == {""} and len(exported) == count


def test_the_candidates_own_export_lists_who_accessed_their_data_by_role_and_organization(team, history):
    candidate = history
    response = Client().get(portal_path(candidate) + "export.zip")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    document = json.loads(archive.read("export.json"))
    accessed = document["accessed_by"]
    assert (
        "accessed_by lists each time someone at the organization viewed your data"
        in archive.read("README.txt").decode()
    )
    assert accessed["title"] == "Who accessed your data"
    by = sorted((row["what"], row["by"]) for row in accessed["rows"])
    assert by == [
        ("candidate", "API key (an integration)"),
        ("candidate", "Admin"),
        ("candidate", "Hiring manager"),
        ("document", "Admin"),
    ]
    assert {row["organization"] for row in accessed["rows"]} == {"Acme"}
    text = archive.read("export.json").decode()
    for person in (team.admin, team.hiring_manager):
        assert person.user.email not in text and person.public_id not in text
        assert person.user.display_name not in text
    assert AccessLogEntry.objects.for_operators().count() == 4  # the candidate's own download is not a member's view
