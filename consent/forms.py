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
