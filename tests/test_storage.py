"""Files go through Django storage: local files by default, Azure Blob Storage (Azurite in CI) when configured."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage


@pytest.mark.usefixtures("storage_container")
def test_default_storage_round_trip():
    name = default_storage.save("probes/hello.txt", ContentFile(b"hello storage"))
    try:
        assert default_storage.exists(name)
        with default_storage.open(name) as handle:
            assert handle.read() == b"hello storage"
        # Never overwrite: a second file with the same name gets a new generated name.
        second = default_storage.save("probes/hello.txt", ContentFile(b"second"))
        assert second != name
        default_storage.delete(second)
    finally:
        default_storage.delete(name)
    assert not default_storage.exists(name)
