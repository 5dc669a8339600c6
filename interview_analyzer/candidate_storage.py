"""Candidate storage (RET-4, SEC-UP): every stored file of a candidate lives under one prefix,
``<organization public id>/<candidate public id>/``, so that erasing the candidate can delete the whole prefix and no
kind of file escapes the erasure by being forgotten.

A model whose rows hold a candidate's files gives each ``FileField`` the one upload-path helper,
``upload_to=CandidateUploadTo(owner, name)``:

- ``owner`` declares which candidate the row belongs to: the dotted attribute path from the row to its candidate
  (``"candidate"`` for a document, ``"recording.candidate"`` for a recording chunk);
- ``name`` is the rest of the storage name, a ``str.format`` template over the row, e.g.
  ``"documents/{row.public_id}.{row.extension}"``. Names are generated from the row alone: the client's file name,
  which Django hands to ``upload_to``, is never read (SEC-UP).

So a document is stored as ``<org>/<cand>/documents/<doc>.<ext>`` and a recording chunk as
``<org>/<cand>/recordings/<rec>/chunk-000001.bin``. ``tests/retention/test_candidate_storage.py`` walks every
``FileField`` of every installed model and fails when its ``upload_to`` is not this helper or its owner path does
not lead to the candidate.

Files stored before this layout keep their old names (``documents/<org>/<doc>.<ext>``, ``recordings/<org>/<rec>/…``):
the row holds the stored name, and the erasure deletes every file its rows name and then the candidate's prefix, so
both layouts are erased.

Floor 0: it reads attributes of the rows it is given and imports no app.
"""

from __future__ import annotations

import posixpath
from operator import attrgetter

from django.utils.deconstruct import deconstructible


def _segment(value: str) -> str:
    value = str(value or "")
    if not value or value in (".", "..") or "/" in value or value.endswith(".") or "\\" in value:
        raise ValueError(f"Not a storage name segment: {value!r}")
    return value


def candidate_prefix(organization, candidate) -> str:
    """The candidate's own storage prefix, ``<org public id>/<candidate public id>/`` (with the trailing slash, so
    that one candidate's prefix is never the start of another's)."""
    return f"{_segment(organization.public_id)}/{_segment(candidate.public_id)}/"


def candidate_path(organization, candidate, *parts: str) -> str:
    """The storage name of one of the candidate's files: their prefix, then ``parts`` (each may hold slashes; no
    empty, ``.`` or ``..`` segment)."""
    segments = [_segment(piece) for part in parts for piece in str(part).split("/")]
    if not segments:
        raise ValueError("A candidate's file needs a name under the candidate's prefix")
    return candidate_prefix(organization, candidate) + posixpath.join(*segments)


@deconstructible(path="interview_analyzer.candidate_storage.CandidateUploadTo")
class CandidateUploadTo:
    """The ``upload_to`` of every ``FileField`` that holds a candidate's file (RET-4, SEC-UP): see the module."""

    def __init__(self, owner: str, name: str):
        if not owner or not name:
            raise ValueError("CandidateUploadTo needs the owner path and the name template")
        self.owner = owner
        self.name = name

    def candidate_of(self, instance):
        """The candidate ``instance`` belongs to, following the declared owner path."""
        return attrgetter(self.owner)(instance)

    def __call__(self, instance, filename):
        candidate = self.candidate_of(instance)
        return candidate_path(candidate.organization, candidate, self.name.format(row=instance))

    def __eq__(self, other):
        return isinstance(other, CandidateUploadTo) and (self.owner, self.name) == (other.owner, other.name)

    def __hash__(self):
        return hash((self.owner, self.name))

    def __repr__(self):
        return f"CandidateUploadTo({self.owner!r}, {self.name!r})"
