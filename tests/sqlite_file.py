"""The default database as a file for one test module, as the embedded default runs it (WAL, IMMEDIATE, secure_delete).

pytest-django's SQLite test database is an in-memory shared cache (one process, table locks), not the file the
embedded default writes. ``on_a_file`` copies the migrated schema into a file with SQLite's backup API; every
connection opened meanwhile, in any thread, opens that file with the configured OPTIONS; afterwards the in-memory
database (kept alive by its connection here) is the default again for the rest of the run.
"""

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def on_a_file(django_db_blocker, path: Path):
    memory = connections[DEFAULT_DB_ALIAS]
    with django_db_blocker.unblock():
        memory.ensure_connection()
        target = sqlite3.connect(path)
        try:
            memory.connection.backup(target)
        finally:
            target.close()
    original = connections.settings[DEFAULT_DB_ALIAS]
    connections.settings[DEFAULT_DB_ALIAS] = {**original, "NAME": str(path)}
    connections[DEFAULT_DB_ALIAS] = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        yield path
    finally:
        with django_db_blocker.unblock():
            connections[DEFAULT_DB_ALIAS].close()
        connections[DEFAULT_DB_ALIAS] = memory
        connections.settings[DEFAULT_DB_ALIAS] = original
