"""Forms of the integration settings pages: they shape input; ``integrations.services`` decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from integrations.models import AtsKind, Event


class ConnectorForm(forms.Form):
    enabled = forms.BooleanField(label=_("Connector enabled"), required=False)
    kind = forms.ChoiceField(label=_("ATS"), choices=AtsKind.choices)
    api_key = forms.ChoiceField(
        label=_("Inbound API key"),
        required=False,
        help_text=_("The key the ATS sends as Authorization: Bearer …; it needs the “ATS integration” scope."),
    )
    allowed_hosts = forms.CharField(
        label=_("Allowed webhook hosts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One host per line, e.g. hooks.example.com, or .example.com for its subdomains."),
    )

    def __init__(self, *args, keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = {key.public_id: key for key in keys}
        self.fields["api_key"].choices = [("", _("— none —"))] + [(k.public_id, str(k)) for k in keys]

    def clean_api_key(self):
        return self.keys.get(self.cleaned_data["api_key"])

    def clean_allowed_hosts(self):
        return [line.strip() for line in self.cleaned_data["allowed_hosts"].replace(",", "\n").splitlines()]


class EndpointForm(forms.Form):
    url = forms.CharField(label=_("URL"), max_length=500, help_text=_("An https:// address on an allowed host."))
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=Event.choices, widget=forms.CheckboxSelectMultiple, initial=Event.values
    )
