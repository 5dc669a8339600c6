"""Writing the access log (LOG-1), and the markers that say which views must write it.

When the row is written, and why no entry is lost: ``record_view`` (one object), ``record_views`` (a page about
several candidates, such as the comparison) and ``record_listed`` (an API list page) insert their rows in the request
itself, in autocommit (the project does not wrap requests in a transaction), before the view returns its response.
The rows are committed before the first byte of the candidate's data leaves the server, including for streamed files
and audio, whose bodies are produced only after the view has returned. If the insert fails, the view raises, the
answer is a 500 and nothing was shown. There is no window between response and write: a crash before the commit means
the data was not shown; a crash after it leaves the entry, which may then over-state what reached the reader (a
serializer that fails after the page was logged, the second of two SQLite batches that fails after the first was
committed) but never under-state it. Called inside a transaction (``atomic``), the rows commit with it.

How long the commit waits: with ``ACCESS_LOG_SYNCHRONOUS_COMMIT`` on (the default) PostgreSQL flushes the row to its
WAL before it answers the commit, so the row survives a crash of the database server too. With it off, on PostgreSQL
only, the rows are written through the database alias ``access_log``: the same database, through a connection whose
session has ``synchronous_commit`` off (set when it connects, ``settings.DATABASES``), so the INSERT is still one
round trip in autocommit and its commit is still acknowledged before the response (a crash of the application loses
nothing), but a crash of the database server (or of its machine) can lose the entries of the last
~3 x ``wal_writer_delay`` (0.6 s by default). Inside a transaction the rows are written on the transaction's own
connection and commit with it (a second connection could not see rows the transaction has not committed yet).
SQLite ignores the option. ``bench/bench_access_log.py`` measures both. A connection pooler that refuses startup
options (``-c``) refuses that connection: leave the option on behind such a pooler.

The rows are written by the ORM (SEC-ORM): the values shared by a request's rows (time, kind, actor, address) are
taken once; per row only the candidate, the object's id and the digest (one HMAC) differ. One row is one INSERT in
autocommit (``save(force_insert=True)``); several are one ``bulk_create`` (on SQLite, in batches); a list page is one
``ListRead`` INSERT. The actor's name comes from the member or key the request already holds.
``tests/hiring/test_access_log.py`` checks a logged view or list costs that INSERT and no other query.

What counts as one read: a GET of one object that answers with the data, one row; a GET of an API list, one entry per
object of the candidates' data on the returned page (``CandidateDataReads.paginate_queryset``). A list page is written
in the request as one ``ListRead`` row naming the page's objects (one single-row INSERT, whatever the page size: a
per-object insert of 25 rows cost the list 40 % of its time), with the same guarantee as any row here, and settled
into its entries later (``hiring.access_log.settle``): by every reader of the log before it reads, and by the periodic
job ``settle_access_log``. An empty page writes nothing, and a list shows
only the rows ``visible_to`` the caller, so another organization's objects never appear. The server pages that list
candidates show names and stages to find someone and are not logged; opening anything of a candidate is. HEAD
(headers only) writes nothing; 403 and 404 are raised before the call (``member_required``, ``get_visible_or_404``), so
they write nothing either. Audio is logged once per playback: the request without ``Range`` or with a range starting
at byte 0 (what a player sends when it starts), not the later range requests of seeking and buffering.
"""

from functools import cache

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

from hiring.access_log.models import AccessKind, AccessLogEntry, ListRead
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


NO_FLUSH_WAIT_ALIAS = "access_log"


def _database() -> str:
    """Where the rows go: the ``access_log`` alias (no flush wait) with ``ACCESS_LOG_SYNCHRONOUS_COMMIT`` off, on
    PostgreSQL, outside a transaction; the default connection otherwise."""
    if (
        not settings.ACCESS_LOG_SYNCHRONOUS_COMMIT
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and NO_FLUSH_WAIT_ALIAS in settings.DATABASES
    ):
        return NO_FLUSH_WAIT_ALIAS
    return DEFAULT_DB_ALIAS


class _Writer:
    """The rows of one request: the values they share (time, kind, actor, address) taken once, then one model
    instance per row, inserted by the ORM (SEC-ORM) in one statement."""

    def __init__(self, request, kind: str):
        member, key = _actor(request)
        self.shared = {
            "at": timezone.now(),
            "kind": AccessKind(kind),
            "member": member,
            "api_key": key,
            "actor_ref": key.public_id if key is not None else member.public_id,
            "actor_name": key.name if key is not None else member.user.display_name,
            "actor_role": member.role,
            "client_ip": client_ip(request),
        }
        self.entries: list[AccessLogEntry | ListRead] = []

    def add(self, candidate, object_ref: str) -> None:
        self.entries.append(
            AccessLogEntry(
                organization_id=candidate.organization_id,
                object_ref=object_ref,
                candidate=candidate,
                candidate_digest=candidate_digest(candidate.public_id),
                **self.shared,
            )
        )

    def add_list(self, organization_id: int, shown: list[list]) -> None:
        """One list page: one ``ListRead`` naming its objects (``[candidate key, digest, object id]`` each)."""
        self.entries.append(ListRead(organization_id=organization_id, shown=shown, **self.shared))

    def write(self) -> int:
        """One row: one INSERT in autocommit (no BEGIN/COMMIT round trips). Several: ``bulk_create``, one INSERT in
        its own transaction (on SQLite in batches of at most 999 parameters). Through the ``access_log`` alias when
        the flush wait is skipped."""
        if not self.entries:
            return 0
        using = _database()
        if len(self.entries) == 1:
            self.entries[0].save(force_insert=True, using=using)
        else:
            type(self.entries[0]).objects.using(using).bulk_create(self.entries)
        return len(self.entries)


def _enabled(request) -> bool:
    return settings.ACCESS_LOG_ENABLED and request.method == "GET"


def record_view(request, candidate, kind: str, obj=None) -> int:
    """Log that the acting member (or API key) of ``request`` was shown ``obj`` of ``candidate`` (LOG-1).

    Call it after the object was fetched through ``visible_to`` and before returning the response. ``obj`` defaults
    to the candidate. Returns the number of rows written: 1, or 0 for a HEAD request, with ``ACCESS_LOG_ENABLED``
    off, or when ``candidate`` is None (the object names no candidate)."""
    if candidate is None or not _enabled(request):
        return 0
    writer = _Writer(request, kind)
    writer.add(candidate, getattr(obj if obj is not None else candidate, "public_id", ""))
    return writer.write()


def record_views(request, candidates, kind: str, obj=None) -> int:
    """One row per candidate shown on a page about several (the comparison; ``obj`` is what the page is of), in one
    insert."""
    candidates = [candidate for candidate in candidates if candidate is not None]
    if not candidates or not _enabled(request):
        return 0
    writer = _Writer(request, kind)
    for candidate in candidates:
        writer.add(candidate, getattr(obj if obj is not None else candidate, "public_id", ""))
    return writer.write()


def record_listed(request, objects, kind: str) -> int:
    """Log every object of a candidate's data on a list page (``object_ref`` the object's public id, the candidate its
    own) as one ``ListRead`` row, in one single-row insert; objects that name no candidate are skipped. Nothing for an
    empty page. Returns the number of entries the read will settle into."""
    if not objects or not _enabled(request):
        return 0
    shown, organization_id = [], None
    for obj in objects:
        candidate = candidate_of(obj)
        if candidate is not None:
            shown.append([candidate.pk, candidate_digest(candidate.public_id), obj.public_id])
            organization_id = candidate.organization_id
    if not shown:
        return 0
    writer = _Writer(request, kind)
    writer.add_list(organization_id, shown)
    writer.write()
    return len(shown)


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
    """Mixin for API view sets over a candidate's data: ``retrieve`` logs the object it returns, and ``list`` every
    object on the page it returns (LOG-1).

    ``candidate_data_kinds`` maps each action that returns the data (``retrieve`` and any detail ``GET`` action) to
    its kind; actions other than ``retrieve`` and ``list`` call ``record_view`` themselves. A view set that lists gets
    ``"list"`` with the kind of ``retrieve`` unless it declares one. The list is logged where it is paginated (every
    list is, SEC-VAL): the page's objects, their candidates joined in the same query (``select_related``), go to
    ``record_listed`` (one ``ListRead`` insert), before the page is serialized and answered."""

    candidate_data_kinds: dict[str, str] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        kinds = cls.candidate_data_kinds
        if callable(getattr(cls, "list", None)) and "list" not in kinds and "retrieve" in kinds:
            cls.candidate_data_kinds = {**kinds, "list": kinds["retrieve"]}

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        record_view(request, candidate_of(instance), self.candidate_data_kinds["retrieve"], instance)
        return self.respond(instance)

    def paginate_queryset(self, queryset):
        path = _candidate_path(queryset.model)
        if path:
            queryset = queryset.select_related("__".join(path))
        page = super().paginate_queryset(queryset)
        if page is None:
            raise ImproperlyConfigured(f"{type(self).__name__} lists candidate data unpaginated (SEC-VAL, LOG-1)")
        record_listed(self.request, page, self.candidate_data_kinds["list"])
        return page
