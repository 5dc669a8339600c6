"""The candidate's copy of their data (RET-7: access and portability): a ZIP streamed to them from their portal.

What is in it is not listed here by hand: ``retention.graph`` walks every row and stored file that hangs from the
candidate (the same walk the erasure deletes), and the export writes

- ``export.json``: every kind of row of that walk, grouped by kind (``"hiring.document"``, ``"ai_analysis.score"``,
  each with a readable title and its rows), every field of each row except the ones below, links between rows by
  public id; the rows outside the walk that name the candidate's objects (``candidate_references``: e.g. the AI
  call log of their interview); the list of files; and what was left out, with why;
- ``files/<storage name>``: every stored object of the walk (documents, recording chunks, merged audio, …), read
  from storage (local files or Azure Blob Storage) in 1 MiB pieces while the ZIP is sent;
- ``README.txt``: what the files are, in the candidate's language;
- ``accessed_by`` in ``export.json``: who saw their data (LOG-1, GDPR Art. 15(1)(c)): each view's time, what was
  shown (its kind and object id), and who by role and organization, or "API key" for an integration. Not the names of
  the people: the candidate is owed the recipients and the consultations' dates and purposes, while the identity of
  each employee is the organization's to give on request (CJEU C-579/21); the organization's admins see the names.

Left out, and said so in ``withheld``: secrets (token hashes: a stored hash is not the candidate's data and would
help guess their link), internal keys and identities of the organization's people (which member reviewed, who
closed an interview), and what AI-3 and the portal keep from candidates: unapproved AI drafts (draft or rejected
scores and feedback, the machine's first versions), feedback written for the recruiting team, the recruiters' own
notes and decision reasons. A kind of row that the walk finds and this module has no rule for is exported in full,
so a new model is never silently missing (``tests/retention/portal/test_export.py`` checks every kind is there).
Nothing of another candidate can be in the file: every queryset is the walk's, filtered on this candidate's key.
"""

import json
import logging
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hiring.access_log import AccessLogEntry, settle_list_reads
from hiring.models import Candidate
from interview_analyzer.public_ids import PublicIdField
from interview_analyzer.roles import Role
from retention import graph
from retention.portal import kinds

logger = logging.getLogger(__name__)

FORMAT = "interview-analyzer/candidate-export/1"
READ_BYTES = 1024 * 1024

# Rows of a kind the candidate sees only when a person approved them for that use (AI-3), by model label; the other
# rows are counted in ``withheld``. Labels, not imports: ai_analysis is retention's sibling (ARCHITECTURE floors).
ROWS_SHOWN = {
    "ai_analysis.score": Q(status="approved"),
    "ai_analysis.evidence": Q(score__status="approved"),
    "ai_analysis.feedback": Q(status="approved", audience="candidate"),
}
ROWS_WITHHELD_WHY = {
    "ai_analysis.score": "drafts and rejected scores: nothing the AI produced is given out before a person approves it",
    "ai_analysis.evidence": "quotes of scores that are not approved",
    "ai_analysis.feedback": "feedback not approved for you, and feedback written for the recruiting team",
}
# Fields kept from the candidate, by model label, with the reason the file gives.
FIELDS_WITHHELD = {
    "hiring.candidate": ({"notes"}, "the recruiting team's internal notes"),
    "hiring.decision": ({"reason", "decided_by_email"}, "the recruiting team's internal reasoning and identities"),
    "hiring.interview": ({"closed_by_email", "cancel_reason"}, "the recruiting team's internal identities and notes"),
    "ai_analysis.score": (
        {"machine_value", "machine_rationale", "machine_evidence", "needs_recheck"},
        "the AI's unapproved first draft; the approved score and rationale are included",
    ),
    "ai_analysis.feedback": ({"machine_text", "used_fallback"}, "the AI's unapproved first draft"),
    "ai_analysis.transcriptturn": ({"machine_speaker"}, "the machine's guess before a person corrected it"),
}
# Never exported from any row: secrets, and other people's identities in rows that only mention the candidate.
SECRET_SUFFIXES = ("_hash", "_token", "_key", "_signature")
SECRET_WORDS = ("secret", "password")
REFERENCE_FIELDS_WITHHELD = {"actor_email", "ip_address"}


@dataclass
class ExportFile:
    name: str  # storage name
    storage: object
    kind: str
    path: str  # inside the ZIP
    missing: bool = False


@dataclass
class Export:
    candidate: Candidate
    document: dict
    files: list[ExportFile] = field(default_factory=list)

    @property
    def filename(self) -> str:
        return f"my-data-{self.candidate.public_id}.zip"


def _is_secret(name: str) -> bool:
    return name.endswith(SECRET_SUFFIXES) or any(word in name for word in SECRET_WORDS) or name in {"token", "key"}


def _columns(model: type[models.Model], owned: set, withheld: set[str]) -> list[tuple[str, str]]:
    """(output name, ``values()`` path) for every field of ``model`` the file shows."""
    columns = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.name == "organization" or f.name in withheld or _is_secret(f.name):
            continue
        if f.is_relation:
            target = f.related_model
            has_public_id = any(isinstance(t, PublicIdField) for t in target._meta.concrete_fields)
            # A link to another row of the candidate's, by its public id; keys to the organization's own rows
            # (members, users, the hiring's criteria) are internal and left out.
            if target in owned and has_public_id:
                columns.append((f.name, f"{f.name}__public_id"))
            continue
        columns.append((f.name, f.attname))
    return columns


def _title(model) -> str:
    return kinds.title(model._meta.label_lower)


def _rows(queryset, columns) -> list[dict]:
    paths = [path for _name, path in columns]
    return [
        {name: values[path] for name, path in columns} for values in queryset.values(*paths).iterator(chunk_size=500)
    ]


def accessed_by(candidate: Candidate) -> dict:
    """The access log of ``candidate`` as the candidate reads it (LOG-1): when, what, and who by role and
    organization; the member's name and address are left out (see the module's docstring)."""
    organization = candidate.organization.name
    settle_list_reads(candidate.organization_id)  # API list reads not yet settled are accesses too
    rows = AccessLogEntry.objects.for_operators().filter(candidate=candidate).order_by("at", "pk")
    return {
        "title": str(_("Who accessed your data")),
        "rows": [
            {
                "at": entry["at"],
                "what": entry["kind"],
                "object": entry["object_ref"],
                "by": str(_("API key (an integration)"))
                if entry["actor_ref"].startswith("key_")
                else str(Role(entry["actor_role"]).label if entry["actor_role"] else ""),
                "organization": organization,
            }
            for entry in rows.values("at", "kind", "object_ref", "actor_ref", "actor_role").iterator(chunk_size=500)
        ],
    }


def build(candidate: Candidate) -> Export:
    """Read everything the walk holds about ``candidate`` into the export's document and file list. Section titles
    are worded in the active language (the caller activates the candidate's)."""
    owned = graph.owned_models()
    sections, withheld = {}, []
    for model, rows in graph.candidate_rows(candidate):
        label = model._meta.label_lower
        fields_out, fields_why = FIELDS_WITHHELD.get(label, (set(), ""))
        shown = rows.filter(ROWS_SHOWN[label]) if label in ROWS_SHOWN else rows
        columns = _columns(model, owned, fields_out)
        sections[label] = {"title": _title(model), "rows": _rows(shown, columns)}
        hidden_rows = rows.count() - len(sections[label]["rows"]) if label in ROWS_SHOWN else 0
        hidden_fields = sorted(
            f.name
            for f in model._meta.concrete_fields
            if (f.name in fields_out or _is_secret(f.name)) and not f.is_relation
        )
        if hidden_rows or hidden_fields:
            withheld.append(
                {
                    "kind": label,
                    "rows_not_included": hidden_rows,
                    "rows_why": ROWS_WITHHELD_WHY.get(label, "") if hidden_rows else "",
                    "fields_not_included": hidden_fields,
                    "fields_why": (fields_why or "secrets that protect your links") if hidden_fields else "",
                }
            )
    references = {}
    for model, _attname, rows in graph.candidate_references(graph.candidate_public_ids(candidate)):
        columns = [
            (name, path)
            for name, path in _columns(model, set(), REFERENCE_FIELDS_WITHHELD)
            if name not in REFERENCE_FIELDS_WITHHELD
        ]
        found = _rows(rows, columns)
        if found:
            entry = references.setdefault(model._meta.label_lower, {"title": _title(model), "rows": []})
            entry["rows"] += [row for row in found if row not in entry["rows"]]
    files = [
        ExportFile(
            name=stored.name, storage=stored.storage, kind=stored.kind, path=posixpath.join("files", stored.name)
        )
        for stored in graph.candidate_files(candidate)
    ]
    organization = candidate.organization
    document = {
        "format": FORMAT,
        "generated_at": timezone.now(),
        "controller": {"name": organization.name, "privacy_contact": organization.privacy_contact_email or ""},
        "position": candidate.hiring.title,
        "candidate": candidate.public_id,
        "data": sections,
        "mentioned_in": references,
        "accessed_by": accessed_by(candidate),
        "files": [],
        "withheld": withheld,
    }
    return Export(candidate=candidate, document=document, files=files)


class _Sink:
    """Where ``zipfile`` writes: the bytes are collected and handed to the response piece by piece. No ``tell``
    or ``seek``, so zipfile writes a streamable archive (sizes after each member)."""

    def __init__(self):
        self._pieces: list[bytes] = []

    def write(self, data) -> int:
        self._pieces.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self) -> bytes:
        data = b"".join(self._pieces)
        self._pieces.clear()
        return data


def stream(export: Export, *, language: str) -> Iterator[bytes]:
    """The ZIP's bytes, file by file: stored objects are read while they are sent, never held whole in memory."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        for item in export.files:
            try:
                # Opening is lazy on blob storage: the first read is where a missing object shows.
                source = item.storage.open(item.name, "rb")
                piece = source.read(READ_BYTES)
            except Exception:  # noqa: BLE001 - a missing or unreadable object is reported in the file, not a crash
                logger.warning("export: stored object unreadable", extra={"kind": item.kind})
                item.missing = True
                continue
            info = zipfile.ZipInfo(item.path, date_time=timezone.localtime().timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED  # audio and documents are compressed already
            with source, archive.open(info, mode="w", force_zip64=True) as target:
                while piece:
                    target.write(piece)
                    yield sink.take()
                    piece = source.read(READ_BYTES)
            yield sink.take()
        export.document["files"] = [
            {"path": item.path, "kind": item.kind, **({"missing": True} if item.missing else {})}
            for item in export.files
        ]
        archive.writestr(
            "export.json", json.dumps(export.document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
        )
        with translation.override(language):
            readme = render_to_string("retention/portal/export_readme.txt", {"export": export})
        archive.writestr("README.txt", readme)
    yield sink.take()
