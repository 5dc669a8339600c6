"""AI providers (AI-2): ``local`` (offline, the embedded default) and ``openai`` (OpenAI, Azure OpenAI or any
OpenAI-compatible server). ``provider_for`` picks the one an organization's analyses use."""

from django.conf import settings


def provider_for(organization):
    """The provider set by ``AI_PROVIDER`` (local unless configured otherwise)."""
    if settings.AI_PROVIDER == "openai":
        from ai_analysis.providers.openai_provider import OpenAIProvider

        return OpenAIProvider()
    from ai_analysis.providers.local import LocalProvider

    return LocalProvider()
