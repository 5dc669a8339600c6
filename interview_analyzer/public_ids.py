"""Opaque public identifiers (ORG-6).

Database primary keys never leave the server. Every exposed object carries ``<prefix>_<22 base62 characters>``:
22 characters drawn with ``secrets`` from 62 symbols hold 130.9 random bits, so ids are neither sequential nor
guessable, and the prefix tells a reader (and a log) what kind of object an id names.
"""

import re
import secrets
import string

from django.core import checks
from django.db import models

ALPHABET = string.digits + string.ascii_letters
RANDOM_LENGTH = 22
PREFIX_RE = re.compile(r"^[a-z]{2,8}$")
PUBLIC_ID_REGEX = r"[a-z]{2,8}_[0-9A-Za-z]{22}"  # one shape for the field, URL converter and API routes
PUBLIC_ID_RE = re.compile(f"^{PUBLIC_ID_REGEX}$")


def new_public_id(prefix: str) -> str:
    return f"{prefix}_" + "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))


def is_public_id(value: object, prefix: str | None = None) -> bool:
    if not isinstance(value, str) or not PUBLIC_ID_RE.match(value):
        return False
    return prefix is None or value.startswith(prefix + "_")


class PublicIdField(models.CharField):
    """A unique, indexed, non-editable id generated on first save."""

    def __init__(self, prefix: str, *args, **kwargs):
        if not PREFIX_RE.match(prefix or ""):
            raise ValueError(f"Public id prefix {prefix!r} must be 2-8 lowercase letters.")
        self.prefix = prefix
        kwargs["max_length"] = len(prefix) + 1 + RANDOM_LENGTH
        kwargs.setdefault("unique", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if not value:
            value = new_public_id(self.prefix)
            setattr(model_instance, self.attname, value)
        return value

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        kwargs.pop("editable", None)
        if kwargs.get("unique") is True:
            kwargs.pop("unique")
        return name, "interview_analyzer.public_ids.PublicIdField", [self.prefix, *args], kwargs


class PublicIdConverter:
    """URL converter ``<pid:public_id>``: anything that is not shaped like a public id never reaches a view."""

    regex = PUBLIC_ID_REGEX

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


@checks.register(checks.Tags.models)
def check_public_id_prefixes_are_unique(app_configs, **kwargs):
    """Two models sharing a prefix would make ids ambiguous in logs and support requests."""
    from django.apps import apps

    seen: dict[str, str] = {}
    errors = []
    for model in apps.get_models():
        for field in model._meta.local_fields:
            if isinstance(field, PublicIdField):
                label = model._meta.label
                if field.prefix in seen and seen[field.prefix] != label:
                    errors.append(
                        checks.Error(
                            f"Public id prefix {field.prefix!r} is used by {seen[field.prefix]} and {label}.",
                            id="interview_analyzer.E001",
                        )
                    )
                seen[field.prefix] = label
    return errors
