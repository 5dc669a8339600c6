"""Who saw which candidate (LOG-1): the one door every view of a candidate's data goes through.

- ``record_view(request, candidate, kind, obj)`` writes one ``AccessLogEntry`` for a read (``record_views`` for a
  page that shows several candidates at once, such as the comparison; ``record_listed`` for an API list page, one row
  per object on it, written as one ``ListRead`` row and settled into those rows by ``settle_list_reads``, which every
  reader of the log calls first);
- ``reads_candidate_data(kind)`` marks a page view, and ``CandidateDataReads`` (with ``candidate_data_kinds``) an API
  view set, as returning a candidate's data; the mixin logs its ``retrieve`` and its list pages itself:
  ``tests/hiring/test_access_log.py`` walks the URL configuration (object and list endpoints) and fails for a view
  that returns a candidate's data without being marked and logged.

The model lives in ``hiring.access_log.models`` (hiring is the lowest floor that knows ``Candidate``); the admin
pages in ``hiring.access_log.views``.
"""

from hiring.access_log.models import AccessKind, AccessLogEntry, ListRead
from hiring.access_log.record import (
    CandidateDataReads,
    candidate_digest,
    candidate_of,
    reads_candidate_data,
    record_listed,
    record_view,
    record_views,
    starts_playback,
)
from hiring.access_log.settle import settle_list_reads

__all__ = [
    "AccessKind",
    "AccessLogEntry",
    "CandidateDataReads",
    "ListRead",
    "candidate_digest",
    "candidate_of",
    "reads_candidate_data",
    "record_listed",
    "record_view",
    "record_views",
    "settle_list_reads",
    "starts_playback",
]
