from django.contrib import admin

from hiring.models import Candidate, Criterion, Decision, Document, Hiring, Interview, InterviewQuestion
from interview_analyzer.admin_base import TenantAdmin


@admin.register(Hiring)
class HiringAdmin(TenantAdmin):
    list_display = ["title", "organization", "status", "owner", "created_at"]
    list_filter = ["status"]
    search_fields = ["title", "public_id", "organization__name"]
    readonly_fields = ["public_id", "organization", "owner", "criteria_version", "created_at"]
    list_select_related = ["organization", "owner__user"]


@admin.register(Criterion)
class CriterionAdmin(TenantAdmin):
    list_display = ["name", "hiring", "weight", "organization"]
    readonly_fields = ["public_id", "organization", "hiring"]
    list_select_related = ["hiring", "organization"]


@admin.register(InterviewQuestion)
class InterviewQuestionAdmin(TenantAdmin):
    list_display = ["text", "criterion", "organization"]
    readonly_fields = ["public_id", "organization", "criterion"]


@admin.register(Candidate)
class CandidateAdmin(TenantAdmin):
    list_display = ["name", "hiring", "stage", "organization", "created_at"]
    list_filter = ["stage"]
    search_fields = ["name", "email", "public_id"]
    readonly_fields = ["public_id", "organization", "hiring", "created_by", "created_at"]
    list_select_related = ["hiring", "organization"]


@admin.register(Document)
class DocumentAdmin(TenantAdmin):
    list_display = ["original_name", "candidate", "content_type", "size", "created_at"]
    readonly_fields = [
        "public_id",
        "organization",
        "candidate",
        "file",
        "original_name",
        "content_type",
        "extension",
        "size",
        "uploaded_by",
        "created_at",
    ]
    list_select_related = ["candidate"]


@admin.register(Interview)
class InterviewAdmin(TenantAdmin):
    list_display = ["candidate", "interviewer", "scheduled_at", "status", "organization"]
    list_filter = ["status"]
    readonly_fields = ["public_id", "organization", "candidate", "created_at"]
    list_select_related = ["candidate", "interviewer__user", "organization"]


@admin.register(Decision)
class DecisionAdmin(TenantAdmin):
    """Decisions are records of what a person decided: operators read them, they are not edited here."""

    list_display = ["candidate", "outcome", "decided_by_email", "decided_at", "organization"]
    readonly_fields = [
        "public_id",
        "organization",
        "candidate",
        "outcome",
        "reason",
        "decided_by",
        "decided_by_email",
        "decided_at",
    ]

    def has_change_permission(self, request, obj=None):
        return False
