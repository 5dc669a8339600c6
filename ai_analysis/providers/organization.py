"""An organization's own OpenAI-compatible endpoint as a provider (BYO-1, AI-2).

It is the ``openai`` provider (same prompts, structured output, audited retries, verbatim-evidence validation, AI-7
guardrail, SEC-SSRF outbound client: the endpoint's host is checked against ``OUTBOUND_ALLOWED_HOSTS`` and every
address it resolves to is checked at connect time, at every call) with every setting taken from the organization's
configuration and none from the deployment's ``OPENAI_*``/``AZURE_OPENAI_*``: an organization's analyses never reach
the service's own endpoint or key by accident.

Its ``name`` (``org-openai`` or ``org-azure``) is what the analysis and every AI call audit row record, with the
configured model (AI-8). Speech to text stays on this server's offline engine unless the organization names a
transcription model: many self-hosted servers (vLLM, Ollama) have no transcription API, and the audio then never
leaves the service.
"""

from __future__ import annotations

from ai_analysis.providers.base import OnCall, TranscriptResult
from ai_analysis.providers.openai_provider import OpenAIProvider

NAMES = {"openai": "org-openai", "azure": "org-azure"}


class OrganizationEndpointProvider(OpenAIProvider):
    def __init__(
        self,
        *,
        kind: str,
        base_url: str,
        model: str,
        api_key: str,
        api_version: str = "",
        transcribe_model: str = "",
        **options,
    ):
        if kind not in NAMES:
            raise ValueError(f"unknown endpoint kind {kind!r}")
        azure = kind == "azure"
        super().__init__(
            base_url=None if azure else base_url,
            azure_endpoint=base_url if azure else "",  # "" (not None): never the deployment's Azure endpoint
            api_version=api_version or None,
            api_key=api_key,
            model=model,
            transcribe_model=transcribe_model or None,
            **options,
        )
        self.name = NAMES[kind]
        self.own_transcribe_model = transcribe_model

    def transcribe(self, audio_path: str, *, on_call: OnCall, language: str = "auto") -> TranscriptResult:
        if self.own_transcribe_model:
            return super().transcribe(audio_path, on_call=on_call, language=language)
        from ai_analysis.providers.local import LocalProvider

        return LocalProvider().transcribe(audio_path, on_call=on_call, language=language)
