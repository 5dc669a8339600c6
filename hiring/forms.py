"""Forms of the hiring pages. Each lists its writable fields explicitly (SEC-MASS); the services decide.

Forms only validate and shape input. Model choices are offered from querysets scoped to the acting member and are
named by public id in the HTML, never by primary key (ORG-6).
"""

from datetime import UTC, datetime, timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from hiring.models import Candidate, Criterion, Decision, Hiring, InterviewQuestion, Stage
from hiring.services import HELD_CLOCK_SKEW
from interview_analyzer.roles import Role
from interview_analyzer.sanitize import MAX_RICH_TEXT_LENGTH

# Hired, rejected and withdrawn are decisions with a reason, never a plain stage change (services.update_candidate).
MOVABLE_STAGES = [(value, label) for value, label in Stage.choices if value not in Decision.Outcome.values]
ACCEPTED_DOCUMENTS = ".pdf,.docx,.odt,.doc,.rtf,.txt"


# Interview times outside these are typing mistakes (year 0001 was accepted; found from outside, issue 15) (SEC-VAL).
EARLIEST_INTERVIEW = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_INTERVIEW_YEARS_AHEAD = 5


def validate_interview_time(when) -> None:
    """An interview is scheduled or logged between the year 2000 and five years from now (SEC-VAL); the page's form
    and the API's serializer both check it."""
    if when < EARLIEST_INTERVIEW:
        raise ValidationError(_("Choose a date in the year 2000 or later."), code="too_early")
    if when > timezone.now() + timedelta(days=365 * LATEST_INTERVIEW_YEARS_AHEAD + 1):
        raise ValidationError(
            _("Choose a date at most %(years)s years ahead.") % {"years": LATEST_INTERVIEW_YEARS_AHEAD},
            code="too_late",
        )


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class HiringForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=_max_length(Hiring, "title"),
        error_messages={"required": _("Give the hiring a title.")},
    )
    status = forms.ChoiceField(label=_("Status"), choices=Hiring.Status.choices, initial=Hiring.Status.OPEN)
    interview_language = forms.ChoiceField(
        label=_("Interview language"),
        choices=Hiring.Language.choices,
        initial=Hiring.Language.AUTO,
        required=False,  # left out: detect from the recording
        help_text=_("What the transcription listens for. Candidates see it on their consent page."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=MAX_RICH_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Basic HTML is kept: paragraphs, bold, italics, lists, headings, quotes and links. "
            "Anything else (scripts, styles, images) is removed when you save."
        ),
    )

    def clean_interview_language(self):
        return self.cleaned_data["interview_language"] or Hiring.Language.AUTO

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError(_("Give the hiring a title."))
        return title


class CriterionForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=_max_length(Criterion, "name"),
        error_messages={"required": _("Name the criterion.")},
    )
    description = forms.CharField(
        label=_("What it measures"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
    good_evidence = forms.CharField(
        label=_("What good evidence looks like"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    weight = forms.TypedChoiceField(
        label=_("Weight"),
        coerce=int,
        choices=[(n, str(n)) for n in range(1, 6)],
        initial=1,
        help_text=_("1 counts a little, 5 counts most."),
    )
    anchor_1 = forms.CharField(label=_("1 means"), required=False, max_length=_max_length(Criterion, "anchor_1"))
    anchor_2 = forms.CharField(label=_("2 means"), required=False, max_length=_max_length(Criterion, "anchor_2"))
    anchor_3 = forms.CharField(label=_("3 means"), required=False, max_length=_max_length(Criterion, "anchor_3"))
    anchor_4 = forms.CharField(label=_("4 means"), required=False, max_length=_max_length(Criterion, "anchor_4"))
    anchor_5 = forms.CharField(label=_("5 means"), required=False, max_length=_max_length(Criterion, "anchor_5"))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Name the criterion."))
        return name


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Question"),
        max_length=_max_length(InterviewQuestion, "text"),
        error_messages={"required": _("Write the question.")},
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise ValidationError(_("Write the question."))
        return text


class CandidateForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=_max_length(Candidate, "name"),
        error_messages={"required": _("Give the candidate's name.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        error_messages={"required": _("The candidate's email is needed for the consent request.")},
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=_max_length(Candidate, "phone"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Visible to recruiters and hiring managers of this hiring, never to interviewers."),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Give the candidate's name."))
        return name


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=MOVABLE_STAGES)


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Document"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_DOCUMENTS}),
        error_messages={"empty": _("The file is empty."), "required": _("Choose a file to upload.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, Word, OpenDocument, RTF or plain text, up to %(mb)s MB. The type is checked from the file's content."
        ) % {"mb": max(1, settings.DOCUMENT_MAX_BYTES // 1_048_576)}


class InterviewForm(forms.Form):
    interviewer = forms.ModelChoiceField(
        label=_("Interviewer"), queryset=Membership.objects.none(), to_field_name="public_id", empty_label=None
    )
    scheduled_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        validators=[validate_interview_time],
    )
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=5, max_value=480, initial=45)
    held = forms.BooleanField(
        label=_("It already took place"),
        required=False,
        help_text=_("Log an interview that was held, for example a video call, and upload its recording next."),
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["interviewer"]
        # The organization's active members, whatever their role: anyone may be asked to interview.
        field.queryset = Membership.objects.visible_to(member).active().select_related("user").order_by("user__email")
        field.label_from_instance = lambda m: f"{m.user.display_name} · {m.get_role_display()}"
        field.initial = member.public_id
        # The same range for the browser's date picker, in the time zone the field is read in.
        latest = timezone.localtime() + timedelta(days=365 * LATEST_INTERVIEW_YEARS_AHEAD)
        self.fields["scheduled_at"].widget.attrs.update(
            min=timezone.localtime(EARLIEST_INTERVIEW).strftime("%Y-%m-%dT%H:%M"),
            max=latest.strftime("%Y-%m-%dT%H:%M"),
        )

    def clean(self):
        cleaned = super().clean()
        when = cleaned.get("scheduled_at")
        if when is None:
            return cleaned
        if cleaned.get("held"):
            if when > timezone.now() + HELD_CLOCK_SKEW:
                self.add_error("scheduled_at", _("An interview that was held cannot be in the future."))
        elif when < timezone.now() - timedelta(minutes=5):
            self.add_error(
                "scheduled_at", _("Choose a time in the future, or tick “It already took place” to log a past one.")
            )
        return cleaned


class CancelInterviewForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=500,
        help_text=_("Kept with your name and the time."),
    )


class ReassignForm(forms.Form):
    interviewer = forms.ModelChoiceField(
        label=_("Interviewer"), queryset=Membership.objects.none(), to_field_name="public_id", empty_label=None
    )

    def __init__(self, *args, member, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["interviewer"]
        field.queryset = Membership.objects.visible_to(member).active().select_related("user").order_by("user__email")
        field.label_from_instance = lambda m: f"{m.user.display_name} · {m.get_role_display()}"


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Decision.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose hired, rejected or withdrawn.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded with your name and the time. The candidate's retention period starts now."),
        error_messages={"required": _("Give the reason for the decision.")},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Give the reason for the decision."))
        return reason


class GrantForm(forms.Form):
    member = forms.ModelChoiceField(
        label=_("Hiring manager"), queryset=Membership.objects.none(), to_field_name="public_id"
    )

    def __init__(self, *args, member, hiring, granted, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        excluded = [m.pk for m in granted] + ([hiring.owner_id] if hiring.owner_id else [])
        field.queryset = (
            Membership.objects.visible_to(member)
            .active()
            .filter(role=Role.HIRING_MANAGER)
            .exclude(pk__in=excluded)
            .select_related("user")
            .order_by("user__email")
        )
        field.label_from_instance = lambda m: f"{m.user.display_name} ({m.user.email})"
        field.empty_label = _("Choose a hiring manager")
