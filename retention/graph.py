"""Everything that hangs from a candidate, defined once, from the model graph itself (RET-4, RET-7).

The candidate's data is the ``Candidate`` row and every row that reaches it through a chain of foreign keys (or
one-to-ones) with ``on_delete=CASCADE``: documents, decisions, the consent request and its links and events,
interviews, recordings and their chunks, analyses and their steps, transcript turns, question/answer pairs, scores,
evidence, feedback, retention's own clock and events, and whatever model a later change hangs from any of them.
Nothing here names those models: the walk reads the app registry (``apps.get_models()``), so retention imports no
sibling app (``ai_analysis``) and a new model is covered the moment it exists. Three readers stand on it:

- the erasure (``retention.services.erase_candidate``) deletes these rows in one transaction and these files after;
- the candidate's data export (the portal) writes these rows and files into its ZIP;
- the structural test (``tests/retention/test_graph.py``) walks the registry again and fails when a model that
  points at candidate data does so in a way this walk would miss (a ``SET_NULL``/``PROTECT`` key into it), except
  the rows in ``DETACHED``: kept on purpose, with their key to the candidate cleared by the erasure.

The API is three functions and one value type:

``candidate_rows(candidate) -> list[tuple[type[Model], QuerySet]]``
    Every kind of row that belongs to the candidate, parents before children (``Candidate`` first), each with an
    unscoped queryset of that candidate's rows (system use: the erasure, the export; never a member's page).
``candidate_files(candidate) -> list[StoredFile]``
    Every stored object of the candidate: the files the rows' ``FileField``s name, and anything else stored under
    the candidate's own prefix (``candidate_storage_prefix``), such as exports.
``candidate_references(public_ids) -> list[tuple[type[Model], str, QuerySet]]``
    Rows *outside* the candidate's data that name one of its objects by public id in a plain text column (an audit
    row's ``target``, a call log's ``interview_public_id``): the erasure clears those names, except the few in
    ``KEPT_REFERENCES``, each kept for a stated reason.

Storage names today follow each model's upload helper (``documents/<org>/<doc>.<ext>``,
``recordings/<org>/<rec>/…``); because the walk lists every ``FileField`` value of every candidate row, erasure
and export cover them by name, and the candidate prefix ``<org>/<candidate>/`` covers files kept by no row.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.db.models import Model, QuerySet

# Text columns that hold another object's public id: ``target`` (``AuditEvent``), ``…_public_id``
# (``AICall.interview_public_id``) and a column named after a model of the candidate's data (``CreditEntry.analysis``).
REFERENCE_FIELD_NAMES = ("target",)
REFERENCE_FIELD_SUFFIX = "_public_id"
# References the erasure leaves in place, each with its reason. The ids are random (ORG-6) and name nothing once the
# rows they named are gone; the deletion record's digest is the only link back, for whoever already holds the id.
KEPT_REFERENCES = {
    "billing.creditentry.analysis": "the credit ledger is append-only (BIL-5): a consumption keeps the id of the "
    "analysis it paid for",
}


# Rows outside the candidate's data that the erasure keeps, detached: model label -> (its nullable key to the
# candidate, text columns cleared with it, the reason it is kept). The erasure nulls the key and clears the columns in
# the same transaction, before the candidate's rows go.
DETACHED = {
    "hiring.accesslogentry": (
        "candidate",
        ("object_ref",),
        "the access log (LOG-1, AI Act Art. 12): who saw the candidate's data stays provable after erasure; a row "
        "keeps only an HMAC digest of the candidate's public id, the kind, the time, the actor and the address",
    ),
}


@dataclass(frozen=True)
class Edge:
    """One way a model hangs from the candidate: ``lookup`` filters its rows by the candidate's primary key."""

    model: type[Model]
    lookup: str  # e.g. "analysis__interview__candidate"; "pk" for the candidate itself
    depth: int


@dataclass(frozen=True)
class StoredFile:
    """One stored object of a candidate: its storage name and where it came from (``model``/``field`` or, for an
    object found under the candidate prefix, ``None``)."""

    name: str
    storage: Storage
    model: type[Model] | None = None
    field: str | None = None

    @property
    def kind(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field}" if self.model is not None else "candidate_prefix"


def _candidate_model() -> type[Model]:
    return apps.get_model("hiring", "Candidate")


def _is_owning_key(field) -> bool:
    """A concrete many-to-one or one-to-one key whose deletion cascades: the row hangs from its target."""
    return (
        field.is_relation
        and field.concrete
        and (field.many_to_one or field.one_to_one)
        and field.remote_field.on_delete is models.CASCADE
    )


@cache
def candidate_graph() -> tuple[Edge, ...]:
    """Every model hanging from ``Candidate`` by cascading keys, with its shortest lookup, breadth first.

    Cached per process: the app registry does not change after start-up (tests that add models clear it with
    ``candidate_graph.cache_clear()``)."""
    candidate = _candidate_model()
    found: dict[type[Model], Edge] = {candidate: Edge(candidate, "pk", 0)}
    frontier = [candidate]
    everything = apps.get_models(include_auto_created=True)
    while frontier:
        following = []
        for parent in frontier:
            parent_edge = found[parent]
            for model in everything:
                if model in found:
                    continue
                for field in model._meta.concrete_fields:
                    if _is_owning_key(field) and field.related_model is parent:
                        lookup = field.name if parent_edge.depth == 0 else f"{field.name}__{parent_edge.lookup}"
                        found[model] = Edge(model, lookup, parent_edge.depth + 1)
                        following.append(model)
                        break
        frontier = following
    return tuple(found.values())


def detach_candidate_rows(candidate, using: str = "default") -> dict[str, int]:
    """Clear the key to ``candidate`` and the named columns of the rows kept on purpose (``DETACHED``), one
    ``UPDATE`` per model. Returns rows detached per model label."""
    detached = {}
    for label, (key, cleared, _reason) in DETACHED.items():
        model = apps.get_model(label)
        changed = (
            model._base_manager.using(using)
            .filter(**{key: candidate.pk})
            .update(**{key: None}, **dict.fromkeys(cleared, ""))
        )
        if changed:
            detached[label] = changed
    return detached


def delete_candidate_rows(candidate, using: str = "default") -> dict[str, int]:
    """Delete every row of the graph for ``candidate``, children first (each lookup runs through its parents, which
    still exist when it runs), one ``DELETE`` per model with no per-row signals or collection (``_raw_delete``); the
    caller holds the transaction. The rows kept on purpose are detached first (``detach_candidate_rows``): a raw
    delete runs no ``SET_NULL``. Returns rows deleted per model label."""
    detach_candidate_rows(candidate, using)
    counts = {}
    for edge in sorted(candidate_graph(), key=lambda edge: -edge.depth):
        rows = edge.model._base_manager.using(using).filter(**{edge.lookup: candidate.pk})
        deleted = rows._raw_delete(using)
        if deleted:
            counts[edge.model._meta.label_lower] = deleted
    return counts


def owned_models() -> set[type[Model]]:
    return {edge.model for edge in candidate_graph()}


def candidate_rows(candidate) -> list[tuple[type[Model], QuerySet]]:
    """Every kind of row belonging to ``candidate``, parents first, each with the queryset of its rows (unscoped:
    for the erasure and the export, which act for the controller, never for a member's page)."""
    return [
        (edge.model, edge.model._base_manager.filter(**{edge.lookup: candidate.pk}).order_by("pk"))
        for edge in candidate_graph()
    ]


def file_fields(model: type[Model]) -> list[models.FileField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def candidate_storage_prefix(candidate) -> str:
    """The candidate's own storage prefix (ARCHITECTURE "Candidate storage"): ``<org public id>/<candidate>/``."""
    if candidate._state.fields_cache.get("organization") is not None:
        organization_public_id = candidate.organization.public_id
    else:
        organizations = apps.get_model("accounts", "Organization")._base_manager
        organization_public_id = organizations.values_list("public_id", flat=True).get(pk=candidate.organization_id)
    return f"{organization_public_id}/{candidate.public_id}/"


def list_prefix(storage: Storage, prefix: str) -> list[str]:
    """Every stored name under ``prefix`` (a directory on disk, a name prefix in a blob container), however deep."""
    prefix = prefix.rstrip("/")
    try:
        directories, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return []

    # FileSystemStorage lists names relative to the prefix; django-storages' AzureStorage lists full names.
    def full(name: str) -> str:
        name = name.rstrip("/")
        return name if name.startswith(prefix + "/") else posixpath.join(prefix, name)

    names = [full(name) for name in files]
    for directory in directories:
        names += list_prefix(storage, full(directory))
    return names


def candidate_files(candidate, using: str = "default") -> list[StoredFile]:
    """Every stored object of ``candidate``: each ``FileField`` value of its rows (one query, a UNION over the
    models), then anything else stored under its prefix. Names are unique in the list."""
    kinds: dict[str, tuple[type[Model], models.FileField]] = {}
    querysets = []
    for model, rows in candidate_rows(candidate):
        for field in file_fields(model):
            kind = f"{model._meta.label_lower}.{field.name}"
            kinds[kind] = (model, field)
            querysets.append(
                rows.using(using)
                .exclude(**{field.attname: ""})
                .order_by()
                .annotate(_kind=models.Value(kind, output_field=models.CharField()))
                .values_list(field.attname, "_kind")
            )
    files: list[StoredFile] = []
    seen: set[str] = set()
    for name, kind in querysets[0].union(*querysets[1:], all=True) if querysets else []:
        if name and name not in seen:
            model, field = kinds[kind]
            seen.add(name)
            files.append(StoredFile(name=name, storage=field.storage, model=model, field=field.name))
    for name in list_prefix(default_storage, candidate_storage_prefix(candidate)):
        if name not in seen:
            seen.add(name)
            files.append(StoredFile(name=name, storage=default_storage))
    return files


def candidate_public_ids(candidate, using: str = "default") -> list[str]:
    """The public ids of every row of the candidate that has one (the candidate, documents, interviews, …), read in
    one query (a UNION over the models)."""
    from interview_analyzer.public_ids import PublicIdField

    querysets = [
        rows.using(using).order_by().values_list(field.attname, flat=True)
        for model, rows in candidate_rows(candidate)
        for field in model._meta.concrete_fields
        if isinstance(field, PublicIdField)
    ]
    return list(querysets[0].union(*querysets[1:], all=True)) if querysets else []


def reference_fields() -> list[tuple[type[Model], str]]:
    """Text columns outside the candidate's data that may hold one of its public ids (by naming convention)."""
    from interview_analyzer.public_ids import PublicIdField

    owned = owned_models()
    owned_names = {model._meta.model_name for model in owned}
    return [
        (model, field.attname)
        for model in apps.get_models()
        if model not in owned
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField)
        and not isinstance(field, PublicIdField)
        and not field.choices
        and (
            field.name in REFERENCE_FIELD_NAMES
            or field.name.endswith(REFERENCE_FIELD_SUFFIX)
            or field.name in owned_names
        )
    ]


def kept_reference(model: type[Model], attname: str) -> bool:
    return f"{model._meta.label_lower}.{attname}" in KEPT_REFERENCES


def candidate_references(public_ids: Iterable[str]) -> list[tuple[type[Model], str, QuerySet]]:
    """Rows outside the candidate's data naming one of ``public_ids`` in a reference column, per column; the
    columns in ``KEPT_REFERENCES`` are left out (the erasure does not touch them, the export does not need them)."""
    public_ids = list(public_ids)
    if not public_ids:
        return []
    return [
        (model, attname, model._base_manager.filter(**{f"{attname}__in": public_ids}))
        for model, attname in reference_fields()
        if not kept_reference(model, attname)
    ]
