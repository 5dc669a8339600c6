"""API list reads in the access log (LOG-1): one ``ListRead`` row per list page, written in the request, settled into
one ``AccessLogEntry`` per listed object (``hiring.access_log.settle``).

What a reader must never see is the log without a list read that was answered: every reader (the admin pages and
exports, the candidate's own export, the erasure) settles first, the periodic job settles everything, two settlers at
once write each entry once, and a candidate erased between the read and the settling leaves only the digest.
"""

import io
import json
import threading
import zipfile

import pendulum
import pytest
from django.db import connection
from django.test import Client

from accounts.services import create_api_key
from hiring import actors
from hiring.access_log import AccessKind, AccessLogEntry, ListRead, candidate_digest, settle_list_reads
from hiring.access_log import settle as settle_module
from interview_analyzer import jobs
from retention import graph
from retention import services as retention_services
from retention.models import Trigger
from tests.retention.portal.conftest import portal_path
from tests.retention.world import full_candidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(team):
    _key, raw = create_api_key(actor=team.admin, name="Reporting", scopes=["read"], allowed_cidrs=[])
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="198.51.100.4")


@pytest.fixture
def admin_browser(team):
    client = Client()
    client.force_login(team.admin.user)
    return client


def _list_candidates(api) -> list[str]:
    response = api.get("/api/v1/candidates/")
    assert response.status_code == 200
    return [row["id"] for row in response.json()["results"]]


def test_the_admin_pages_settle_the_list_reads_before_they_show_the_log(team, ada, api, admin_browser):
    assert _list_candidates(api) == [ada.candidate.public_id]
    assert ListRead.objects.for_operators().count() == 1 and not AccessLogEntry.objects.for_operators().exists()
    page = admin_browser.get(f"/candidates/{ada.candidate.public_id}/access-log/")
    assert page.status_code == 200 and "Reporting" in page.content.decode()
    assert [(e.kind, e.object_ref) for e in page.context["page"].object_list] == [
        (AccessKind.CANDIDATE, ada.candidate.public_id)
    ]
    assert not ListRead.objects.for_operators().exists()
    _list_candidates(api)
    exported = json.loads(b"".join(admin_browser.get("/settings/access-log.json").streaming_content))
    assert [row["object"] for row in exported["entries"]] == [ada.candidate.public_id] * 2


def test_a_settled_entry_keeps_the_reads_time_actor_and_address(team, ada, api):
    _list_candidates(api)
    read = ListRead.objects.for_operators().get()
    settle_list_reads()
    entry = AccessLogEntry.objects.for_operators().get()
    assert (entry.at, entry.kind, entry.member_id, entry.api_key_id, entry.actor_ref, entry.actor_name) == (
        read.at,
        read.kind,
        read.member_id,
        read.api_key_id,
        read.actor_ref,
        "Reporting",
    )
    assert (entry.client_ip, entry.candidate_id, entry.organization_id) == (
        "198.51.100.4",
        ada.candidate.pk,
        team.organization.pk,
    )
    assert entry.candidate_digest == candidate_digest(ada.candidate.public_id)
    assert settle_list_reads() == 0  # settled once: nothing is written twice


def test_the_candidates_export_lists_an_api_list_read_not_yet_settled(team, ada, api):
    _list_candidates(api)
    response = Client().get(portal_path(ada.candidate) + "export.zip")
    document = json.loads(zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).read("export.json"))
    assert [(row["what"], row["by"]) for row in document["accessed_by"]["rows"]] == [
        ("candidate", "API key (an integration)")
    ]


def test_the_erasure_settles_first_and_detaches_the_entries_of_a_list_read(team, ada, api):
    candidate = ada.candidate
    public_id, object_ids = candidate.public_id, set(graph.candidate_public_ids(candidate))
    _list_candidates(api)
    assert api.get("/api/v1/interviews/").status_code == 200
    retention_services.erase_candidate(candidate, reason="Asked", trigger=Trigger.STAFF_REQUEST, actor=team.admin)
    assert not ListRead.objects.for_operators().exists()
    rows = list(AccessLogEntry.objects.for_operators().values())
    assert len(rows) == 2
    assert {(row["candidate_id"], row["object_ref"], row["candidate_digest"]) for row in rows} == {
        (None, "", candidate_digest(public_id))
    }
    assert not any(value in json.dumps(rows, default=str) for value in object_ids)


def test_a_read_settled_after_its_candidate_was_erased_is_written_detached(team, ada, api):
    """The read lands after the erasure settled (the list was served from before the erasure's commit): the
    candidate is gone when it is settled, so its entry keeps only the digest."""
    candidate = ada.candidate
    public_id = candidate.public_id
    _list_candidates(api)
    read = ListRead.objects.for_operators().get()
    shown = read.shown
    read.delete()
    retention_services.erase_candidate(candidate, reason="Asked", trigger=Trigger.STAFF_REQUEST, actor=team.admin)
    read.pk = None
    read.shown = shown
    read.save(force_insert=True)
    assert settle_list_reads() == 1
    entry = AccessLogEntry.objects.for_operators().get()
    assert (entry.candidate_id, entry.object_ref, entry.candidate_digest) == (None, "", candidate_digest(public_id))


def test_a_candidate_key_is_trusted_only_with_its_digest(team, ada, api):
    _list_candidates(api)
    read = ListRead.objects.for_operators().get()
    read.shown = [[ada.candidate.pk, "0" * 64, ada.candidate.public_id]]
    read.save(update_fields=["shown"])
    settle_list_reads()
    entry = AccessLogEntry.objects.for_operators().get()
    assert (entry.candidate_id, entry.object_ref, entry.candidate_digest) == (None, "", "0" * 64)


def test_settling_one_organization_leaves_the_others_and_many_reads_settle_in_several_transactions(
    team, globex, ada, api, monkeypatch
):
    monkeypatch.setattr(settle_module, "READS_PER_TRANSACTION", 2)
    for _ in range(5):
        _list_candidates(api)
    globex.organization.plan = "team"
    globex.organization.save(update_fields=["plan"])
    theirs = full_candidate(globex.admin, name="Bo Berg", email="bo@mail.test").candidate
    _key, raw = create_api_key(actor=globex.admin, name="Theirs", scopes=["read"], allowed_cidrs=[])
    assert _list_candidates(Client(HTTP_AUTHORIZATION=f"Bearer {raw}")) == [theirs.public_id]
    assert settle_list_reads(globex.organization.pk) == 1
    assert ListRead.objects.for_operators().filter(organization=team.organization).count() == 5
    assert settle_list_reads(team.organization.pk) == 5
    assert AccessLogEntry.objects.for_operators().filter(organization=team.organization).count() == 5
    assert not ListRead.objects.for_operators().exists()


def test_members_never_read_the_pending_rows(team, ada, api):
    _list_candidates(api)
    for member in (team.admin, team.recruiter):
        assert not ListRead.objects.visible_to(member).exists()


def test_the_job_is_scheduled_every_minute_and_settles_every_organization(team, ada, api, broker):
    assert actors.settle_access_log in jobs.periodic_actors(broker)
    assert actors.settle_access_log in jobs.run_due(jobs.periodic_actors(broker), pendulum.datetime(2026, 12, 1, 12, 7))
    broker.flush_all()
    _list_candidates(api)
    actors.settle_access_log()
    assert AccessLogEntry.objects.for_operators().count() == 1 and not ListRead.objects.for_operators().exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="two connections at once: the test server's PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_settlers_at_once_write_each_entry_once(team, ada, api):
    for _ in range(40):
        _list_candidates(api)
    start, written, errors = threading.Barrier(4), [], []

    def settle():
        try:
            start.wait()
            written.append(settle_list_reads())
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=settle) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sum(written) == 40
    assert AccessLogEntry.objects.for_operators().count() == 40 and not ListRead.objects.for_operators().exists()


def test_a_settler_leaves_the_reads_written_while_it_works_for_the_next_one(team, ada, api, monkeypatch):
    """A reader settles what was pending when it started: an API client paging on meanwhile does not keep it busy."""
    for _ in range(3):
        _list_candidates(api)
    entries_of = settle_module._entries_of

    def meanwhile(reads):
        _list_candidates(api)  # a read answered while the settler works
        return entries_of(reads)

    monkeypatch.setattr(settle_module, "_entries_of", meanwhile)
    assert settle_list_reads(team.organization.pk) == 3
    monkeypatch.undo()
    assert ListRead.objects.for_operators().count() == 1
    assert settle_list_reads() == 1 and not ListRead.objects.for_operators().exists()
