"""AI providers (AI-2): ``local`` (offline, the embedded default) and ``openai`` (OpenAI, Azure OpenAI or any
OpenAI-compatible server), and an organization's own endpoint (``organization``, BYO-1). ``provider_for`` picks the
one an organization's analyses use."""

from django.conf import settings

from accounts.models import AIProvider, Organization
from ai_analysis.providers.base import Provider, ProviderError


def provider_name_for(organization: Organization | None) -> str:
    """The organization's own choice (``Organization.ai_provider``), or the deployment's ``AI_PROVIDER`` when it has
    none; ``None`` (a command run for no organization, such as ``ai_eval``) also means the deployment's."""
    chosen = organization.ai_provider if organization is not None else ""
    return chosen or settings.AI_PROVIDER


def provider_for(organization: Organization | None) -> Provider:
    """The provider that analyses for ``organization`` use: its own endpoint while an admin has it enabled (BYO-1,
    ``ai_analysis.provider_settings``), else the service's (see ``provider_name_for``)."""
    from ai_analysis.provider_settings import enabled_provider  # it builds on this package

    own = enabled_provider(organization)
    if own is not None:
        return own
    name = provider_name_for(organization)
    if name == AIProvider.OPENAI:
        from ai_analysis.providers.openai_provider import OpenAIProvider

        return OpenAIProvider()
    if name == AIProvider.LOCAL:
        from ai_analysis.providers.local import LocalProvider

        return LocalProvider()
    raise ProviderError(f"unknown AI provider {name!r}: choose local or openai", retryable=False)


def provider_for_analysis(analysis) -> Provider:
    """The provider an analysis was started with (its recorded ``provider`` and ``model``, AI-8), for its later
    steps: an admin who switches the organization's provider mid-way (BYO-1) does not make one analysis half one
    provider's and half another's under the first one's name. The service's providers are rebuilt by name; an
    organization endpoint no longer in use (or with another model) fails the step: the recruiter starts a new
    analysis, which records the provider in use then."""
    current = provider_for(analysis.organization)
    if current.name == analysis.provider and current.model == analysis.model:
        return current
    if analysis.provider == AIProvider.LOCAL:
        from ai_analysis.providers.local import LocalProvider

        return LocalProvider()
    if analysis.provider == AIProvider.OPENAI:
        from ai_analysis.providers.openai_provider import OpenAIProvider

        return OpenAIProvider()
    raise ProviderError(
        "The organization's AI provider changed after this analysis started; start a new analysis of the recording.",
        retryable=False,
    )
