import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS

from tests.sqlite_file import on_a_file


@pytest.fixture(autouse=True)
def storage(settings, tmp_path, storage_container):
    """Local runs store into a temporary directory; Azure runs (Azurite) use the configured container."""
    if not settings.AZURE_STORAGE_CONNECTION_STRING:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path / "media")},
            },
        }
    return default_storage


def is_sqlite() -> bool:
    return settings.DATABASES[DEFAULT_DB_ALIAS]["ENGINE"] == "django.db.backends.sqlite3"


@pytest.fixture(scope="module")
def sqlite_file_database(django_db_setup, django_db_blocker, tmp_path_factory):
    """On SQLite, point the default database at a file for this module: a copy of the migrated test database, opened
    with the embedded default's OPTIONS (WAL, IMMEDIATE, secure_delete); see tests/sqlite_file.py. On PostgreSQL this
    does nothing."""
    if not is_sqlite():
        yield None
        return
    with on_a_file(django_db_blocker, tmp_path_factory.mktemp("retention-db") / "db.sqlite3") as path:
        yield path
