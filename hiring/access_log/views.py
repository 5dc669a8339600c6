"""The access log pages (LOG-1): the organization's, one candidate's and one member's, filtered by member, kind,
date range and candidate, exported as CSV or JSON (streamed, whatever the log's size).

Admins only: for every other role these pages answer 404, like the other admin-only views of the log's rows
(``AccessLogEntry.objects.visible_to`` is empty for them). Reading the log is not itself logged: it shows who saw
what, never a candidate's data beyond their name on the page.
"""

import csv
import json
from functools import wraps

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from hiring.access_log.forms import AccessLogFilterForm
from hiring.access_log.models import AccessLogEntry
from hiring.access_log.settle import settle_list_reads
from hiring.models import Candidate
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404

FORMAT = "interview-analyzer/access-log/1"
GET_ONLY = ("GET", "HEAD")
PAGE_ROWS = 50
EXPORT_CHUNK = 2000
COLUMNS = [
    "at",
    "kind",
    "object",
    "actor",
    "actor_name",
    "actor_role",
    "api_key",
    "candidate",
    "candidate_digest",
    "client_ip",
]


def admin_only(view):
    """Signed in (else the login page), an admin of the organization (else 404), and a read (else 405, after the
    view fetched its object: another organization's object stays a 404 whatever the method)."""

    @member_required()
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.member.has_role(Role.ADMIN):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _read_only(request):
    return None if request.method in GET_ONLY else HttpResponseNotAllowed(GET_ONLY)


def _entries(request):
    """The organization's log, its pending API list reads settled first (LOG-1, ``hiring.access_log.settle``)."""
    settle_list_reads(request.member.organization_id)
    return AccessLogEntry.objects.visible_to(request.member).select_related("candidate", "member__user")


def _page(request, *, candidate=None, member=None):
    """One page of the filtered log. On a candidate's or a member's page, that filter is fixed."""
    refused = _read_only(request)
    if refused is not None:
        return refused
    data = request.GET.dict()
    if candidate is not None:
        data["candidate"] = candidate.public_id
    if member is not None:
        data["member"] = member.public_id
    form = AccessLogFilterForm(data, member=request.member)
    context = {"form": form, "candidate": candidate, "subject_member": member, "page": None}
    if not form.is_valid():
        return render(request, "hiring/access_log.html", context, status=400)
    query = form.query()
    page = Paginator(form.apply(_entries(request)), PAGE_ROWS).get_page(request.GET.get("page"))
    context.update(page=page, query=query, exports=export_links(query))
    return render(request, "hiring/access_log.html", context)


@admin_only
def access_log(request):
    return _page(request)


@admin_only
def candidate_access_log(request, public_id):
    """Who viewed this candidate (LOG-1): the link on the candidate page, for admins."""
    return _page(request, candidate=get_visible_or_404(Candidate, request.member, public_id))


@admin_only
def member_access_log(request, public_id):
    """What one member (and the API keys acting as them) viewed (LOG-1)."""
    queryset = Membership.objects.select_related("user")
    return _page(request, member=get_visible_or_404(Membership, request.member, public_id, queryset=queryset))


def _row(entry: AccessLogEntry) -> dict:
    return {
        "at": entry.at.isoformat(),
        "kind": entry.kind,
        "object": entry.object_ref,
        "actor": entry.actor_ref,
        "actor_name": entry.actor_name,
        "actor_role": entry.actor_role,
        "api_key": entry.by_api_key,
        "candidate": entry.candidate.public_id if entry.candidate_id else "",
        "candidate_digest": entry.candidate_digest,
        "client_ip": entry.client_ip or "",
    }


def _export_rows(request):
    if _read_only(request) is not None:
        return None, None
    form = AccessLogFilterForm(request.GET, member=request.member)
    if not form.is_valid():
        return None, form
    rows = form.apply(_entries(request)).select_related(None).select_related("candidate")
    return rows.iterator(chunk_size=EXPORT_CHUNK), form


def _refused(form) -> HttpResponse:
    return HttpResponse(
        json.dumps({"detail": "invalid filter", "errors": form.errors.get_json_data()}),
        status=400,
        content_type="application/json",
    )


class _Line:
    """What ``csv.writer`` writes to: each row is handed back as text, for streaming."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value):
    """Spreadsheets run cells that start with = + - @ as formulas: such a cell gets a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _filename(extension: str) -> str:
    return f"access-log-{timezone.localdate().isoformat()}.{extension}"


@admin_only
def access_log_csv(request):
    rows, form = _export_rows(request)
    if rows is None:
        return _read_only(request) or _refused(form)
    writer = csv.writer(_Line())

    def lines():
        yield writer.writerow(COLUMNS)
        for entry in rows:
            yield writer.writerow([_csv_cell(value) for value in _row(entry).values()])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    response["Cache-Control"] = "private, no-store"
    return response


@admin_only
def access_log_json(request):
    rows, form = _export_rows(request)
    if rows is None:
        return _read_only(request) or _refused(form)
    head = {
        "format": FORMAT,
        "organization": request.member.organization.public_id,
        "generated_at": timezone.now(),
        "filters": {name: value for name, value in form.cleaned_data.items() if value},
    }

    def pieces():
        opening = json.dumps(head, cls=DjangoJSONEncoder)
        yield opening[:-1] + ', "entries": ['
        for number, entry in enumerate(rows):
            yield ("," if number else "") + "\n" + json.dumps(_row(entry), cls=DjangoJSONEncoder)
        yield "\n]}\n"

    response = StreamingHttpResponse(pieces(), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{_filename("json")}"'
    response["Cache-Control"] = "private, no-store"
    return response


def export_links(query: str) -> dict:
    suffix = f"?{query}" if query else ""
    return {
        "csv": reverse("hiring:access_log_csv") + suffix,
        "json": reverse("hiring:access_log_json") + suffix,
    }
