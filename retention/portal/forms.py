from django import forms
from django.utils.translation import gettext_lazy as _


class RequestLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The address the organization wrote to you at."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ConfirmForm(forms.Form):
    """The confirmation step before an action that cannot be undone."""

    confirm = forms.BooleanField(
        required=True,
        error_messages={"required": _("Tick the box to confirm.")},
    )

    def __init__(self, *args, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = label
