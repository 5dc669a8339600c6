"""The AI provider settings form (BYO-1): it shapes input; ``ai_analysis.provider_settings`` decides."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ai_analysis.models import OrganizationAIProvider


class EndpointForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of endpoint"),
        choices=OrganizationAIProvider.Kind.choices,
        widget=forms.RadioSelect,
        initial=OrganizationAIProvider.Kind.OPENAI,
    )
    base_url = forms.CharField(
        label=_("Base URL"),
        max_length=300,
        help_text=_(
            "For example https://api.openai.com/v1, your vLLM or Ollama server's …/v1, or with Azure OpenAI the "
            "resource endpoint https://<resource>.openai.azure.com. The host must be on this service's list of "
            "allowed outbound hosts."
        ),
    )
    model = forms.CharField(
        label=_("Model"), max_length=100, help_text=_("The model name; with Azure OpenAI, the deployment name.")
    )
    api_version = forms.CharField(
        label=_("API version (Azure OpenAI only)"),
        max_length=40,
        required=False,
        help_text=_("Left blank: %(version)s.") % {"version": settings.AZURE_OPENAI_API_VERSION},
    )
    transcribe_model = forms.CharField(
        label=_("Speech-to-text model (optional)"),
        max_length=100,
        required=False,
        help_text=_(
            "Left blank, recordings are transcribed on this server by the offline engine and only the transcript "
            "(without the candidate's name) reaches your endpoint. Give one (e.g. whisper-1) to send the audio too."
        ),
    )
    api_key = forms.CharField(
        label=_("API key"),
        max_length=1000,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, key_is_set: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["api_key"].help_text = (
            _("Set. It is stored encrypted and never shown again; leave blank to keep it, or enter a new one.")
            if key_is_set
            else _("Stored encrypted and never shown again.")
        )
