"""``ACCESS_LOG_SYNCHRONOUS_COMMIT`` (LOG-1): whether an access log row's commit waits for PostgreSQL's WAL flush.

On (the default) the row is inserted in autocommit like any other statement. Off, on PostgreSQL, the rows are written
in a transaction that begins with ``SET LOCAL synchronous_commit TO OFF``, so its commit does not wait for the flush,
and the session keeps its setting; inside a transaction the setting is left alone. SQLite ignores the option. The rows
are the same either way. ``bench/bench_access_log.py`` measures what it saves.
"""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.services import create_api_key
from hiring.access_log import AccessKind, AccessLogEntry, ListRead, settle_list_reads
from tests.hiring.factories import CandidateFactory, HiringFactory

LOG_INSERT = (f'INSERT INTO "{AccessLogEntry._meta.db_table}"', f'INSERT INTO "{ListRead._meta.db_table}"')
NO_FLUSH_WAIT = "SET LOCAL synchronous_commit TO OFF"
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


def _log_statements(api, path) -> list[str]:
    """The access log's INSERTs of one request, and the ``SET LOCAL`` that may precede them."""
    with CaptureQueriesContext(connection) as queries:
        assert api.get(path).status_code == 200, path
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"].startswith(LOG_INSERT) or query["sql"] == NO_FLUSH_WAIT
    ]


def _show() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize("synchronous", [True, False])
def test_the_rows_are_the_same_and_only_postgresql_outside_a_transaction_skips_the_flush(settings, acme, synchronous):
    """In a test transaction (``atomic``), and on SQLite, the option changes nothing: the INSERT is the plain one."""
    settings.ACCESS_LOG_SYNCHRONOUS_COMMIT = synchronous
    candidate, api = _world(acme)
    for path in (f"/api/v1/candidates/{candidate.public_id}/", "/api/v1/candidates/"):
        [insert] = _log_statements(api, path)
        assert insert.startswith(LOG_INSERT), path
    settle_list_reads()
    entries = AccessLogEntry.objects.for_operators().filter(kind=AccessKind.CANDIDATE, candidate=candidate)
    assert [entry.object_ref for entry in entries] == [candidate.public_id] * 2
    assert AccessLogEntry.objects.for_operators().count() == 3


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_off_on_postgresql_the_rows_commit_without_waiting_for_the_flush(settings, acme):
    settings.ACCESS_LOG_SYNCHRONOUS_COMMIT = False
    candidate, api = _world(acme)
    assert not connection.in_atomic_block and _show() == "on"
    for path in (f"/api/v1/candidates/{candidate.public_id}/", "/api/v1/candidates/"):
        statements = _log_statements(api, path)
        assert statements[0] == NO_FLUSH_WAIT and [s.startswith(LOG_INSERT) for s in statements[1:]] == [True], path
    assert _show() == "on"  # SET LOCAL ended with the rows' own transaction: the session's setting is untouched
    settle_list_reads()
    assert AccessLogEntry.objects.for_operators().count() == 3
    # What the rows' transaction commits under: synchronous_commit off, and only inside it.
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(NO_FLUSH_WAIT)
        assert _show() == "off"
    assert _show() == "on"


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_default_waits_and_a_transaction_is_left_alone(settings, acme):
    candidate, api = _world(acme)
    assert NO_FLUSH_WAIT not in _log_statements(api, f"/api/v1/candidates/{candidate.public_id}/")  # the default
    settings.ACCESS_LOG_SYNCHRONOUS_COMMIT = False
    with transaction.atomic():  # the setting would apply to the whole enclosing transaction: not touched
        [insert] = _log_statements(api, f"/api/v1/candidates/{candidate.public_id}/")
        assert insert.startswith(LOG_INSERT) and _show() == "on"
