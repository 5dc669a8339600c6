"""Server pages of the hiring domain. Objects are named by public id (ORG-6), one per path."""

from django.urls import path

from hiring import views
from hiring.access_log import views as access_log_views

app_name = "hiring"

urlpatterns = [
    path("hirings/", views.hiring_list, name="hiring_list"),
    path("hirings/new", views.hiring_create, name="hiring_create"),
    path("hirings/dashboard/", views.dashboard, name="dashboard"),
    path("hirings/<pid:public_id>/", views.hiring_detail, name="hiring_detail"),
    path("hirings/<pid:public_id>/edit", views.hiring_edit, name="hiring_edit"),
    path("hirings/<pid:public_id>/members/grant", views.hiring_member_grant, name="hiring_member_grant"),
    path("hirings/<pid:public_id>/members/revoke", views.hiring_member_revoke, name="hiring_member_revoke"),
    path("hirings/<pid:public_id>/criteria/new", views.criterion_create, name="criterion_create"),
    path("criteria/<pid:public_id>/edit", views.criterion_edit, name="criterion_edit"),
    path("criteria/<pid:public_id>/delete", views.criterion_delete, name="criterion_delete"),
    path("criteria/<pid:public_id>/questions", views.question_create, name="question_create"),
    path("candidates/<pid:public_id>/", views.candidate_detail, name="candidate_detail"),
    path("candidates/<pid:public_id>/access-log/", access_log_views.candidate_access_log, name="candidate_access_log"),
    path("candidates/<pid:public_id>/edit", views.candidate_edit, name="candidate_edit"),
    path("candidates/<pid:public_id>/stage", views.candidate_stage, name="candidate_stage"),
    path("candidates/<pid:public_id>/documents", views.document_upload, name="document_upload"),
    path("candidates/<pid:public_id>/interviews", views.interview_schedule, name="interview_schedule"),
    path("candidates/<pid:public_id>/decisions", views.decision_record, name="decision_record"),
    path("documents/<pid:public_id>/download", views.document_download, name="document_download"),
    path("documents/<pid:public_id>/delete", views.document_delete, name="document_delete"),
    path("interviews/", views.my_interviews, name="my_interviews"),
    path("interviews/<pid:public_id>/", views.interview_detail, name="interview_detail"),
    path("interviews/<pid:public_id>/reassign", views.interview_reassign, name="interview_reassign"),
    path("interviews/<pid:public_id>/complete", views.interview_complete, name="interview_complete"),
    path("interviews/<pid:public_id>/cancel", views.interview_cancel, name="interview_cancel"),
    # Who saw which candidate (LOG-1): admins only.
    path("settings/access-log/", access_log_views.access_log, name="access_log"),
    path("settings/access-log.csv", access_log_views.access_log_csv, name="access_log_csv"),
    path("settings/access-log.json", access_log_views.access_log_json, name="access_log_json"),
    path("settings/members/<pid:public_id>/access-log/", access_log_views.member_access_log, name="member_access_log"),
]
