"""The configured storage with an outage switch: while ``FAILING`` is set, every delete raises as a storage service
that is down would. Everything else is the real backend (local files, or Azure Blob on Azurite)."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage

FAILING = {"on": False}


class StorageDown(OSError):
    pass


class _Flaky:
    def delete(self, name):
        if FAILING["on"]:
            raise StorageDown("storage is unavailable")
        return super().delete(name)


class FlakyFileSystemStorage(_Flaky, FileSystemStorage):
    pass


def flaky_backend() -> dict:
    """A STORAGES entry for the flaky version of the configured default storage."""
    current = settings.STORAGES["default"]
    if "AzureStorage" in current["BACKEND"]:
        return {**current, "BACKEND": "tests.retention.flaky_storage.FlakyAzureStorage"}
    return {**current, "BACKEND": "tests.retention.flaky_storage.FlakyFileSystemStorage"}


try:
    from storages.backends.azure_storage import AzureStorage

    class FlakyAzureStorage(_Flaky, AzureStorage):
        pass
except ImportError:  # pragma: no cover - django-storages[azure] is a runtime dependency
    pass
