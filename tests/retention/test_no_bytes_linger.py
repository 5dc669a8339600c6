"""After erasure the candidate's name, email and answers are nowhere in the embedded default's database files
(``db.sqlite3`` and its ``-wal``) nor in storage (RET-4). SQLite runs with ``secure_delete`` (deleted cells are
zeroed) and the erasure checkpoints the WAL, whose old page images would otherwise keep the text. The file test runs
on SQLite only; on PostgreSQL, dead tuples stay in the heap until VACUUM (docs/retention.md)."""

from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from retention import graph, services
from tests.retention.conftest import is_sqlite
from tests.retention.world import full_candidate


def database_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-journal")) if p.exists())


def storage_bytes() -> bytes:
    names = []
    for top in default_storage.listdir("")[0]:
        names += graph.list_prefix(default_storage, top)
    return b"".join(default_storage.open(name).read() for name in names)


def found(haystack: bytes, secrets: list[str]) -> list[str]:
    lowered = haystack.lower()
    return [s for s in secrets if s.lower().encode() in lowered or s.lower().encode("utf-16-le") in lowered]


@pytest.mark.skipif(not is_sqlite(), reason="the embedded default's file; PostgreSQL: see docs/retention.md")
@pytest.mark.django_db(transaction=True)
def test_nothing_of_the_erased_candidate_is_left_in_the_database_files_or_storage(acme, sqlite_file_database):
    kim = full_candidate(acme.recruiter, name="Kimberly Zanzibarsdottir", email="kimberly.zanzibar@mail.test")
    ola = full_candidate(acme.recruiter, name="Olaf Quillfeather", email="olaf.quill@mail.test")
    # The test can fail: before the erasure both people are in the files and in storage.
    in_database = [kim.name, kim.email, kim.answer]  # the CV's text lives in storage only
    assert found(database_bytes(sqlite_file_database), in_database) == in_database
    assert found(storage_bytes(), [kim.cv_text]) == [kim.cv_text]

    services.erase_candidate(kim.candidate, reason="Asked", trigger="candidate_request")

    assert found(database_bytes(sqlite_file_database), kim.secrets) == []
    assert found(storage_bytes(), kim.secrets) == []
    # The other candidate is all there.
    assert found(database_bytes(sqlite_file_database), [ola.name, ola.email, ola.answer]) == [
        ola.name,
        ola.email,
        ola.answer,
    ]
    assert found(storage_bytes(), [ola.cv_text]) == [ola.cv_text]
