"""The filters of the access log pages and exports (LOG-1): member, kind, date range, candidate."""

from datetime import datetime, time, timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from hiring.access_log.models import AccessKind
from hiring.access_log.record import candidate_digest
from interview_analyzer.public_ids import is_public_id


class DateInput(forms.DateInput):
    input_type = "date"


class AccessLogFilterForm(forms.Form):
    member = forms.ChoiceField(label=_("Member"), required=False)
    kind = forms.ChoiceField(label=_("What"), required=False, choices=[("", _("Everything")), *AccessKind.choices])
    start = forms.DateField(label=_("From"), required=False, widget=DateInput)
    end = forms.DateField(label=_("To"), required=False, widget=DateInput)
    candidate = forms.CharField(
        label=_("Candidate id"),
        required=False,
        max_length=40,
        help_text=_("A candidate's public id (cand_…): also finds the entries of a candidate who was erased."),
    )

    def __init__(self, data=None, *, member):
        super().__init__(data)
        for field in self.fields.values():
            field.widget.attrs["class"] = "input"
        members = Membership.objects.visible_to(member).select_related("user").order_by("user__email")
        self.fields["member"].choices = [("", _("Everyone"))] + [
            (m.public_id, f"{m.user.display_name} ({m.get_role_display()})") for m in members
        ]

    def clean_candidate(self):
        value = self.cleaned_data["candidate"].strip()
        if value and not is_public_id(value, "cand"):
            raise ValidationError(_("Enter a candidate id such as cand_…"), code="candidate")
        return value

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", ValidationError(_("The end date is before the start date."), code="range"))
        return cleaned

    def apply(self, rows):
        """The rows matching the (valid) filters: dates are whole days in the organization's time zone."""
        data = self.cleaned_data
        if data.get("member"):
            rows = rows.filter(member__public_id=data["member"])
        if data.get("kind"):
            rows = rows.filter(kind=data["kind"])
        zone = timezone.get_current_timezone()
        if data.get("start"):
            rows = rows.filter(at__gte=datetime.combine(data["start"], time.min, tzinfo=zone))
        if data.get("end"):
            rows = rows.filter(at__lt=datetime.combine(data["end"] + timedelta(days=1), time.min, tzinfo=zone))
        if data.get("candidate"):
            rows = rows.filter(candidate_digest=candidate_digest(data["candidate"]))
        return rows

    def query(self) -> str:
        """The filters as a query string, for the export links and the pages."""
        from urllib.parse import urlencode

        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return urlencode({name: value for name, value in data.items() if value})
