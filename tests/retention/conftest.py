import pytest
from django.core.files.storage import default_storage


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
