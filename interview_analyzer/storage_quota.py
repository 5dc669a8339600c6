"""The organization's storage quota (SEC-UP): one count of stored bytes, one check, for every kind of file.

A model that stores files for an organization names the fields that hold their sizes in ``stored_bytes_fields``
(documents and recording chunks their ``size``, a recording its merged audio). ``storage_used`` sums those fields
over every installed model, so a new kind of file counts the moment its model declares them; a test walks every
``FileField`` to prove each model with one does. Floor 0: it reads models through the app registry, never by import.
"""

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _


def models_storing_bytes():
    return [model for model in apps.get_models() if getattr(model, "stored_bytes_fields", ())]


def storage_used(organization_id: int) -> int:
    """Bytes the organization stores now, over every model that declares ``stored_bytes_fields``."""
    total = 0
    for model in models_storing_bytes():
        sums = model._base_manager.filter(organization_id=organization_id).aggregate(
            **{name: Sum(name) for name in model.stored_bytes_fields}
        )
        total += sum(value or 0 for value in sums.values())
    return total


def check_storage_quota(organization_id: int, adding_bytes: int) -> None:
    """Refuse a write that would take the organization past ``ORGANIZATION_STORAGE_QUOTA_BYTES``."""
    if storage_used(organization_id) + adding_bytes > settings.ORGANIZATION_STORAGE_QUOTA_BYTES:
        raise ValidationError(_("Your organization's storage quota is used up."), code="quota")
