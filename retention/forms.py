"""Forms of the retention pages: the organization's period, a candidate's period, an erasure's reason."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class OrganizationPeriodForm(forms.Form):
    days = forms.IntegerField(label=_("Retention period (days)"), min_value=1, max_value=36500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["days"].help_text = _(
            "How long candidate data is kept after the hiring decision. At least %(min)d days."
        ) % {"min": settings.RETENTION_MIN_DAYS}


class CandidatePeriodForm(forms.Form):
    days = forms.IntegerField(
        label=_("Keep this candidate's data (days after the decision)"),
        required=False,
        min_value=1,
        max_value=36500,
        help_text=_("Leave empty to follow the organization's period."),
    )


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is the data erased?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept on the deletion record. Do not write the candidate's name or contact details."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that everything held about this candidate is deleted and cannot be restored."),
    )
