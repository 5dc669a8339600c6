"""Opaque public identifiers (ORG-6)."""

import math
import re

import pytest
from django.apps import apps
from django.core import checks
from django.http import Http404

from accounts.models import Membership, Organization, User
from interview_analyzer.public_ids import (
    ALPHABET,
    PUBLIC_ID_RE,
    PublicIdConverter,
    PublicIdField,
    check_public_id_prefixes_are_unique,
    is_public_id,
    new_public_id,
)
from interview_analyzer.tenancy import get_visible_or_404
from tests.factories import MembershipFactory


def test_public_id_has_prefix_and_at_least_128_random_bits():
    value = new_public_id("cand")
    prefix, random_part = value.split("_")
    assert prefix == "cand"
    assert len(random_part) * math.log2(len(ALPHABET)) >= 128
    assert set(random_part) <= set(ALPHABET)
    assert PUBLIC_ID_RE.match(value)


def test_public_ids_do_not_repeat_or_follow_a_sequence():
    values = [new_public_id("org") for _ in range(5000)]
    assert len(set(values)) == len(values)
    assert values != sorted(values)


@pytest.mark.parametrize("prefix", ["", "a", "Cand", "cand1", "toolongprefix", "ca-nd"])
def test_bad_prefixes_are_refused(prefix):
    with pytest.raises(ValueError):
        PublicIdField(prefix)


@pytest.mark.django_db
def test_every_exposed_model_gets_its_id_on_first_save_and_keeps_it(acme):
    member = acme.recruiter
    original = member.public_id
    assert is_public_id(original, "mem")
    member.role = "admin"
    member.save()
    member.refresh_from_db()
    assert member.public_id == original
    assert is_public_id(member.user.public_id, "usr")
    assert is_public_id(member.organization.public_id, "org")


def test_models_expose_public_ids_not_keys():
    for model in (User, Organization, Membership):
        field = model._meta.get_field("public_id")
        assert isinstance(field, PublicIdField)
        assert field.unique and not field.editable


def test_field_deconstructs_for_migrations():
    name, path, args, kwargs = PublicIdField("cand").deconstruct()
    assert path == "interview_analyzer.public_ids.PublicIdField"
    assert args == ["cand"]
    assert "max_length" not in kwargs and "unique" not in kwargs
    rebuilt = PublicIdField(*args, **kwargs)
    assert rebuilt.max_length == len("cand_") + 22 and rebuilt.unique


@pytest.mark.parametrize(
    "value", ["1", "cand_short", "cand_" + "a" * 23, "CAND_" + "a" * 22, "cand_" + "a" * 21 + "-", "../etc/passwd"]
)
def test_malformed_ids_never_match_the_url_converter(value):
    assert not re.fullmatch(PublicIdConverter.regex, value)
    assert not is_public_id(value)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["1", "' OR 1=1 --", "mem_" + "x" * 22, None, 42])
def test_lookup_of_malformed_or_unknown_ids_is_a_plain_404(acme, value):
    with pytest.raises(Http404):
        get_visible_or_404(Membership, acme.admin, value)


def test_prefixes_are_unique_across_models():
    assert check_public_id_prefixes_are_unique(None) == []
    prefixes = [f.prefix for m in apps.get_models() for f in m._meta.local_fields if isinstance(f, PublicIdField)]
    assert len(prefixes) == len(set(prefixes))


def test_duplicate_prefix_is_reported_by_the_system_check(monkeypatch):
    from django.db import models

    class Duplicate(models.Model):
        public_id = PublicIdField("mem")

        class Meta:
            app_label = "accounts"
            managed = False

        def __str__(self):
            return self.public_id

    try:
        errors = check_public_id_prefixes_are_unique(None)
        assert [e.id for e in errors] == ["interview_analyzer.E001"]
        assert isinstance(errors[0], checks.Error)
    finally:
        apps.all_models["accounts"].pop("duplicate", None)
        apps.clear_cache()


@pytest.mark.django_db
def test_ids_are_what_the_api_shows(client, acme):
    client.force_login(acme.interviewer.user)
    body = client.get("/api/v1/me").json()
    assert body["id"] == acme.interviewer.user.public_id
    assert body["membership"] == acme.interviewer.public_id
    assert body["organization"]["id"] == acme.organization.public_id
    text = str(body)
    assert f"'{acme.interviewer.pk}'" not in text and f": {acme.interviewer.pk}," not in text


@pytest.mark.django_db
def test_membership_factory_sanity():
    member = MembershipFactory()
    assert member.organization_id and is_public_id(member.public_id, "mem")
