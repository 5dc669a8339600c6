"""Settling API list reads into the access log (LOG-1).

An API list page is logged in its request as one ``ListRead`` row naming every object on the page
(``hiring.access_log.record_listed``): one small insert instead of one row per object, committed before the page is
answered like every access log row. Settling turns each such row into one ``AccessLogEntry`` per object, with the
read's own time, kind, actor and address, and deletes it, in one transaction: a read is either still pending or
settled, never both and never lost.

Who settles, so that no reader sees the log without its list reads:

- every reader of the log, before it reads: the admin pages and their exports (``hiring.access_log.views``), the
  candidate's own export (``retention.portal.export``) and the erasure (``retention.services``), each for its
  organization;
- the periodic job ``hiring.actors.settle_access_log`` (``ACCESS_LOG_SETTLE_CRON``, every minute by default), for every
  organization, so pending rows stay few.

An entry whose candidate no longer exists when it is settled (the candidate was erased between the read and the
settling) is written detached, exactly as the erasure leaves the rows it keeps: no candidate key, no object id, only
the digest of the candidate's public id (``retention.graph.DETACHED``). A candidate key is trusted only when the digest
read with it matches the candidate's public id.

Two settlers at once (the job and a reader) do not write an entry twice: each locks the rows it reads
(``select_for_update``; on SQLite the write transaction does) and deletes them before it writes their entries; when
its delete removes fewer rows than it read, another settler got there first, so it rolls back and reads again.
"""

from django.apps import apps
from django.db import transaction

from hiring.access_log.models import AccessLogEntry, ListRead
from hiring.access_log.record import candidate_digest

# At most 100 objects per list page (the API's max_page_size): 100 reads name at most 10,000 candidates, one IN list
# well under SQLite's 32,766 parameters and a transaction of a few hundred milliseconds.
READS_PER_TRANSACTION = 100
ENTRIES_PER_INSERT = 1000
ATTEMPTS = 5


class _Raced(Exception):
    """Another settler deleted some of the rows this one read."""


def settle_list_reads(organization_id: int | None = None) -> int:
    """Settle the list reads pending when it is called (of one organization, or of all), oldest first, in
    transactions of at most ``READS_PER_TRANSACTION`` reads; reads written meanwhile are left for the next settler, so
    a reader never chases a busy API client. Returns the number of entries written."""
    pending = ListRead.objects.for_operators().order_by("pk")
    if organization_id is not None:
        pending = pending.filter(organization_id=organization_id)
    last = pending.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return 0  # the usual case for a reader: one indexed read, no write transaction, no lock
    pending = pending.filter(pk__lte=last)
    written = 0
    while True:
        count, more = _settle_some(pending)
        written += count
        if not more:
            return written


def _settle_some(pending) -> tuple[int, bool]:
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                reads = list(pending.select_for_update()[:READS_PER_TRANSACTION])
                if not reads:
                    return 0, False
                deleted, _ = ListRead.objects.for_operators().filter(pk__in=[read.pk for read in reads]).delete()
                if deleted != len(reads):
                    raise _Raced
                entries = _entries_of(reads)
                AccessLogEntry.objects.bulk_create(entries, batch_size=ENTRIES_PER_INSERT)
                return len(entries), len(reads) == READS_PER_TRANSACTION
        except _Raced:
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _entries_of(reads: list[ListRead]) -> list[AccessLogEntry]:
    candidate_model = apps.get_model("hiring", "Candidate")
    keys = {candidate_key for read in reads for candidate_key, _digest, _ref in read.shown}
    digests = {
        pk: candidate_digest(public_id)
        for pk, public_id in candidate_model._base_manager.filter(pk__in=keys).values_list("pk", "public_id")
    }
    entries = []
    for read in reads:
        shared = {
            "organization_id": read.organization_id,
            "at": read.at,
            "kind": read.kind,
            "member_id": read.member_id,
            "api_key_id": read.api_key_id,
            "actor_ref": read.actor_ref,
            "actor_name": read.actor_name,
            "actor_role": read.actor_role,
            "client_ip": read.client_ip,
        }
        for candidate_key, digest, object_ref in read.shown:
            present = digests.get(candidate_key) == digest
            entries.append(
                AccessLogEntry(
                    candidate_id=candidate_key if present else None,
                    object_ref=object_ref if present else "",
                    candidate_digest=digest,
                    **shared,
                )
            )
    return entries
