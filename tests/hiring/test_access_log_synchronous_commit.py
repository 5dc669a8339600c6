"""``ACCESS_LOG_SYNCHRONOUS_COMMIT`` (LOG-1): whether an access log row's commit waits for PostgreSQL's WAL flush.

On (the default) the row is inserted in autocommit on the request's own connection. Off, on PostgreSQL, outside a
transaction, it is inserted through the ``access_log`` alias: the same database through a connection whose session
has ``synchronous_commit`` off, one statement in autocommit; the request's own connection keeps its setting. Inside a
transaction the row goes on the transaction's connection and commits with it. SQLite ignores the option. The rows are
the same either way. ``bench/bench_access_log.py`` measures what it saves.
"""

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.services import create_api_key
from hiring.access_log import AccessKind, AccessLogEntry, ListRead, settle_list_reads
from tests.hiring.factories import CandidateFactory, HiringFactory

LOG_INSERT = (f'INSERT INTO "{AccessLogEntry._meta.db_table}"', f'INSERT INTO "{ListRead._meta.db_table}"')
PATHS = ("/api/v1/candidates/{}/", "/api/v1/candidates/")
postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="synchronous_commit is PostgreSQL's")


def _world(org):
    org.organization.plan = "team"
    org.organization.save(update_fields=["plan"])
    hiring = HiringFactory(owner=org.admin, organization=org.organization)
    candidate, _other = (
        CandidateFactory(hiring=hiring, organization=org.organization, created_by=org.admin) for _ in range(2)
    )  # the list shows two, written as one list read
    _key, raw = create_api_key(actor=org.admin, name="Reporting", scopes=["read"], allowed_cidrs=[])
    return candidate, Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _inserts(api, path, alias="default") -> list[str]:
    """The access log's INSERTs of one request on the connection of ``alias``."""
    with CaptureQueriesContext(connections[alias]) as queries:
        assert api.get(path).status_code == 200, path
    return [query["sql"] for query in queries.captured_queries if query["sql"].startswith(LOG_INSERT)]


def _show(alias="default") -> str:
    with connections[alias].cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("synchronous", [True, False])
def test_the_rows_are_the_same_and_inside_a_transaction_they_go_on_its_connection(settings, acme, synchronous):
    """In a test transaction (``atomic``), and on SQLite, the option changes nothing: the plain INSERT, on the
    request's own connection."""
    settings.ACCESS_LOG_SYNCHRONOUS_COMMIT = synchronous
    candidate, api = _world(acme)
    for path in PATHS:
        [insert] = _inserts(api, path.format(candidate.public_id))
        assert insert.startswith(LOG_INSERT), path
    settle_list_reads()
    entries = AccessLogEntry.objects.for_operators().filter(kind=AccessKind.CANDIDATE, candidate=candidate)
    assert [entry.object_ref for entry in entries] == [candidate.public_id] * 2
    assert AccessLogEntry.objects.for_operators().count() == 3


@postgresql_only
@pytest.mark.django_db(transaction=True, databases=["default", "access_log"])
def test_off_on_postgresql_the_rows_go_through_a_session_that_skips_the_flush_wait(settings, acme):
    settings.ACCESS_LOG_SYNCHRONOUS_COMMIT = False
    candidate, api = _world(acme)
    assert not connection.in_atomic_block
    for path in PATHS:
        path = path.format(candidate.public_id)
        with CaptureQueriesContext(connection) as own:
            assert [sql.startswith(LOG_INSERT) for sql in _inserts(api, path, "access_log")] == [True], path
        assert not [query for query in own.captured_queries if query["sql"].startswith(LOG_INSERT)], path
    assert _show("access_log") == "off" and _show() == "on"  # the request's own connection keeps waiting
    settle_list_reads()
    assert AccessLogEntry.objects.for_operators().count() == 3  # committed: read on the default connection


@postgresql_only
@pytest.mark.django_db(transaction=True, databases=["default", "access_log"])
def test_on_postgresql_the_default_waits_and_a_transaction_keeps_its_rows(settings, acme):
    candidate, api = _world(acme)
    path = f"/api/v1/candidates/{candidate.public_id}/"
    assert len(_inserts(api, path)) == 1  # the default: the request's own connection, which waits for the flush
    settings.ACCESS_LOG_SYNCHRONOUS_COMMIT = False
    with transaction.atomic():
        assert len(_inserts(api, path)) == 1  # inside a transaction: on its connection, committed with it
        assert AccessLogEntry.objects.for_operators().count() == 2
    assert _show() == "on"
