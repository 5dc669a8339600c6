from django import forms
from django.utils.translation import gettext_lazy as _

from consent.services import DECLINE_MESSAGE_MAX


class DeclineForm(forms.Form):
    message = forms.CharField(
        label=_("A message to the recruiter (optional)"),
        required=False,
        max_length=DECLINE_MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WithdrawForm(forms.Form):
    """The portal's withdrawal needs its confirmation box ticked, checked here and not only by the browser (CON-5):
    a withdrawal erases the candidate's data and cannot be undone."""

    confirm = forms.BooleanField(
        label=_("I want to withdraw my consent and have my data erased."),
        required=True,
        error_messages={"required": _("Tick the box to confirm.")},
    )
