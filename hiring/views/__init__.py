"""Server pages of the hiring domain: hirings, criteria and the interview kit, candidates, documents, interviews,
decisions, "My interviews" and the recruiter dashboard (SPEC section 0, ORG-4, SEC-HTML, SEC-UP, OPS-3).

Reads go through ``visible_to(member)`` and single objects through ``get_visible_or_404``; every write goes through
``hiring.services``. Role gates are ``member_required`` (anonymous → login, lower role → 403); an object the member
may not see answers 404, exactly like one that does not exist (ORG-5). A service's ``ValidationError`` becomes a form
error on the re-rendered page (400); its ``PermissionDenied`` becomes the 403 page.

One module per kind of page; this package exports the views ``hiring/urls.py`` routes to.
"""

from hiring.views.candidates import candidate_detail, candidate_edit, candidate_stage
from hiring.views.criteria import criterion_create, criterion_delete, criterion_edit, question_create
from hiring.views.documents import document_delete, document_download, document_upload
from hiring.views.hirings import (
    hiring_create,
    hiring_detail,
    hiring_edit,
    hiring_list,
    hiring_member_grant,
    hiring_member_revoke,
)
from hiring.views.interviews import (
    decision_record,
    interview_cancel,
    interview_complete,
    interview_detail,
    interview_reassign,
    interview_schedule,
    my_interviews,
)
from hiring.views.pipeline_dashboard import dashboard

__all__ = [
    "candidate_detail",
    "candidate_edit",
    "candidate_stage",
    "criterion_create",
    "criterion_delete",
    "criterion_edit",
    "dashboard",
    "decision_record",
    "document_delete",
    "document_download",
    "document_upload",
    "hiring_create",
    "hiring_detail",
    "hiring_edit",
    "hiring_list",
    "hiring_member_grant",
    "hiring_member_revoke",
    "interview_cancel",
    "interview_complete",
    "interview_detail",
    "interview_reassign",
    "interview_schedule",
    "my_interviews",
    "question_create",
]
