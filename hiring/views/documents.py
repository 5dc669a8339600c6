"""Candidate documents (SEC-UP): upload through the service's checks, download as an attachment, delete."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiring import services
from hiring.access_log import AccessKind, reads_candidate_data, record_view
from hiring.forms import DocumentForm
from hiring.models import Document
from hiring.views.candidates import render_candidate, visible_candidate
from hiring.views.shared import GET_ONLY
from interview_analyzer.forms import apply_service_error
from interview_analyzer.middleware import max_request_bytes
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404


@max_request_bytes(settings.UPLOAD_REQUEST_MAX_BYTES)
@member_required(Role.HIRING_MANAGER)
@require_POST
def document_upload(request, public_id):
    """A candidate document: size, type from the bytes, generated name and quota are the service's checks."""
    candidate = visible_candidate(request, public_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            document = services.upload_document(
                actor=request.member, candidate=candidate, uploaded=form.cleaned_data["file"]
            )
        except ValidationError as error:
            apply_service_error(form, error, "file")
        else:
            messages.success(request, _("“%(name)s” uploaded.") % {"name": document.original_name})
            return redirect(reverse("hiring:candidate_detail", args=[candidate.public_id]) + "#documents")
    return render_candidate(request, candidate, status=400, document_form=form)


@reads_candidate_data(AccessKind.DOCUMENT)
@member_required(Role.HIRING_MANAGER)
def document_download(request, public_id):
    """Always a download, never rendered by the browser: attachment, the sniffed type, nosniff, a sandbox CSP."""
    queryset = Document.objects.select_related("candidate")
    document = get_visible_or_404(Document, request.member, public_id, queryset=queryset)
    if request.method not in GET_ONLY:
        return HttpResponseNotAllowed(GET_ONLY)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    record_view(request, document.candidate, AccessKind.DOCUMENT, document)
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@member_required(Role.HIRING_MANAGER)
@require_POST
def document_delete(request, public_id):
    document = get_visible_or_404(
        Document, request.member, public_id, queryset=Document.objects.select_related("candidate")
    )
    candidate = document.candidate
    services.delete_document(actor=request.member, document=document)
    messages.success(request, _("“%(name)s” deleted.") % {"name": document.original_name})
    return redirect(reverse("hiring:candidate_detail", args=[candidate.public_id]) + "#documents")
