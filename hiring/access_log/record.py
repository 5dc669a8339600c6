"""Writing the access log (LOG-1), and the markers that say which views must write it.

When the row is written, and why no entry is lost: ``record_view`` inserts the row in the request itself, in
autocommit (the project does not wrap requests in a transaction), before the view returns its response. The row is
committed, and flushed to PostgreSQL's WAL, before the first byte of the candidate's data leaves the
server, including for streamed files and audio, whose bodies are produced only after the view has returned. If the
insert fails, the view raises, the answer is a 500 and nothing was shown. There is no window between response and
write: a crash before the commit means the data was not shown; a crash after it leaves the entry, which may then
over-state what reached the reader but never under-state it. ``bench/bench_access_log.py`` measures the cost.

What counts as one read: a GET of one object that answers with the data. Lists are not logged yet: the server pages
that list candidates show names and stages to find someone, and opening anything of a candidate is logged; the API
lists return full rows and are the open item (one row per candidate on a page of 100 is 1,200 parameters, beyond
SQLite's 999 in one INSERT, which would break the fixed query count of every list). HEAD (headers only) writes
nothing; 403 and 404 are raised before the call (``member_required``, ``get_visible_or_404``), so they write nothing
either. Audio is logged once per playback: the request without ``Range`` or with a range starting at byte 0 (what a
player sends when it starts), not the later range requests of seeking and buffering.
"""

from functools import cache

from django.apps import apps
from django.conf import settings
from django.utils.crypto import salted_hmac

from hiring.access_log.models import AccessKind, AccessLogEntry
from interview_analyzer.client_ip import client_ip

DIGEST_SALT = "hiring.access_log.candidate_digest"


def candidate_digest(public_id: str) -> str:
    """HMAC-SHA256 of a candidate's public id, keyed from ``SECRET_KEY`` (LOG-1): the only link to the candidate a
    row keeps after erasure; it names nobody to a reader who does not already hold the id."""
    return salted_hmac(DIGEST_SALT, public_id, algorithm="sha256").hexdigest()


@cache
def _candidate_path(model) -> tuple[str, ...]:
    """The shortest chain of foreign keys from ``model`` to ``Candidate`` (``("interview", "candidate")``)."""
    candidate = apps.get_model("hiring", "Candidate")
    if model is candidate:
        return ()
    frontier, seen = [(model, ())], {model}
    while frontier:
        following = []
        for current, path in frontier:
            for field in current._meta.concrete_fields:
                if not (field.is_relation and (field.many_to_one or field.one_to_one)):
                    continue
                target = field.related_model
                if target is candidate:
                    return (*path, field.name)
                if target not in seen and target._meta.app_label != "accounts":
                    seen.add(target)
                    following.append((target, (*path, field.name)))
        frontier = following
    raise LookupError(f"{model._meta.label} does not lead to a candidate")


def candidate_of(obj):
    """The candidate whose data ``obj`` is (the object itself for a candidate); None when it names no candidate (a
    webhook delivery about a hiring)."""
    for name in _candidate_path(type(obj)):
        obj = getattr(obj, name)
        if obj is None:
            return None
    return obj


def _actor(request):
    """(member, api key or None): the key's owner acts when a key made the call (KEY-4)."""
    credential = getattr(request, "auth", None)
    key = getattr(credential, "key", None)
    member = getattr(credential, "membership", None) or getattr(request, "member", None)
    return member, key


def _entry(request, candidate, kind: str, obj, member, key, ip) -> AccessLogEntry:
    return AccessLogEntry(
        organization_id=candidate.organization_id,
        kind=AccessKind(kind),
        object_ref=getattr(obj if obj is not None else candidate, "public_id", ""),
        member=member,
        api_key=key,
        actor_ref=key.public_id if key is not None else member.public_id,
        actor_name=key.name if key is not None else member.user.display_name,
        actor_role=member.role,
        candidate=candidate,
        candidate_digest=candidate_digest(candidate.public_id),
        client_ip=ip,
    )


def _enabled(request) -> bool:
    return settings.ACCESS_LOG_ENABLED and request.method == "GET"


def record_view(request, candidate, kind: str, obj=None) -> AccessLogEntry | None:
    """Log that the acting member (or API key) of ``request`` was shown ``obj`` of ``candidate`` (LOG-1).

    Call it after the object was fetched through ``visible_to`` and before returning the response. ``obj`` defaults
    to the candidate. Returns the committed row, or None for a HEAD request, with ``ACCESS_LOG_ENABLED`` off, or
    when ``candidate`` is None (the object names no candidate)."""
    if candidate is None or not _enabled(request):
        return None
    member, key = _actor(request)
    entry = _entry(request, candidate, kind, obj, member, key, client_ip(request))
    entry.save(force_insert=True)  # one INSERT, committed on its own (autocommit): no BEGIN/COMMIT round trips
    return entry


def record_views(request, candidates, kind: str, obj=None) -> list[AccessLogEntry]:
    """One row per candidate shown on a page about several (the comparison), in one insert."""
    candidates = [candidate for candidate in candidates if candidate is not None]
    if not candidates or not _enabled(request):
        return []
    member, key = _actor(request)
    ip = client_ip(request)
    return AccessLogEntry.objects.bulk_create(
        [_entry(request, candidate, kind, obj, member, key, ip) for candidate in candidates]
    )


def starts_playback(request) -> bool:
    """Whether an audio request starts a playback: no ``Range``, or a range from byte 0 (LOG-1: one entry per
    playback, not per range request of the same playback)."""
    wanted = request.headers.get("Range", "").strip().replace(" ", "")
    return not wanted or wanted.startswith("bytes=0-")


def reads_candidate_data(kind: str):
    """Mark a page view as one that shows a candidate's data of ``kind``; the view calls ``record_view``.

    The mark is what the URL walk in ``tests/hiring/test_access_log.py`` checks: every marked view writes exactly
    one entry per read, and a view that shows a candidate's data unmarked fails it."""
    kind = AccessKind(kind)

    def mark(view):
        view.candidate_data_kind = kind
        return view

    return mark


class CandidateDataReads:
    """Mixin for API view sets over a candidate's data: ``retrieve`` logs the object it returns (LOG-1).

    ``candidate_data_kinds`` maps each action that returns the data (``retrieve`` and any detail ``GET`` action) to
    its kind; actions other than ``retrieve`` call ``record_view`` themselves."""

    candidate_data_kinds: dict[str, str] = {}

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        record_view(request, candidate_of(instance), self.candidate_data_kinds["retrieve"], instance)
        return self.respond(instance)
