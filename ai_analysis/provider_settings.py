"""Each organization's own model (BYO-1, AI-2, SEC-SSRF, SEC-SECRETS): every write behind the AI provider page.

An admin saves an OpenAI-compatible endpoint (OpenAI, Azure OpenAI, a self-hosted vLLM or Ollama): base URL, model,
API key. Then:

* **SEC-SSRF** at save: the host must be on the operator's ``OUTBOUND_ALLOWED_HOSTS`` and every address it resolves
  to must be public (loopback only with ``OUTBOUND_ALLOW_LOOPBACK``); plain http only to loopback. At every call the
  outbound client (``interview_analyzer.outbound``) checks the host and the addresses again, at connect time, so a
  name that later resolves elsewhere (DNS rebinding) is refused then.
* **SEC-SECRETS** the key is stored only encrypted (Fernet, ``AI_PROVIDER_KEY_ENCRYPTION_KEY``, or a key derived
  from ``SECRET_KEY`` for this one purpose) and never shown again: pages say "set", audit rows and logs never hold
  it, and errors never quote it.
* **BYO-1** the golden set (``ai_analysis.evaluation``, what ``manage.py ai_eval`` runs) is scored by the new endpoint
  in a background job (``run_evaluation``); an admin can enable the endpoint only with the report of an evaluation
  of exactly the configuration saved now (``config_version``: any change of kind, URL, model, API version,
  transcription model or key is a new version, and a new version is a draft again, and stops being used). Enabling
  and disabling are in the accounts audit trail.
* **AI-2, AI-8** ``enabled_provider`` is what ``ai_analysis.providers.provider_for`` returns for the organization;
  every analysis records the provider name and model it was created with, and analyses already done keep theirs: a
  change of provider never rewrites a stored result.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from urllib.parse import urlsplit

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_variables

from accounts import audit
from accounts.models import Membership, Organization
from ai_analysis import evaluation
from ai_analysis.models import AICall, OrganizationAIProvider, ProviderEvaluation
from ai_analysis.providers.base import CallRecord, ProviderError
from ai_analysis.providers.organization import OrganizationEndpointProvider
from interview_analyzer.errors import Conflict
from interview_analyzer.outbound import UrlRefused, check_url
from interview_analyzer.permissions import check_member, require_access
from interview_analyzer.roles import Role
from interview_analyzer.steps import UNFINISHED, StepStatus

logger = logging.getLogger(__name__)

Kind = OrganizationAIProvider.Kind
Status = OrganizationAIProvider.Status
# The golden set an organization's endpoint is measured on: every interview of it (the dev and holdout splits and
# the original interview). The holdout rule of golden/README.md is about tuning this product's scorer; an
# organization's model was not tuned on it.
GOLDEN_SET = evaluation.GOLDEN_DIR
CONFIG_FIELDS = ("kind", "base_url", "model", "api_version", "transcribe_model")
MAX_KEY_LENGTH = 1000
EVALUATION_CALL_PREFIX = "evaluation:"  # AICall.purpose of a golden-set call, e.g. "evaluation:score"


# --- The key, encrypted (SEC-SECRETS) -------------------------------------------------------------------------------

_PURPOSE = b"interview-analyzer/ai_analysis/provider-api-key/v1"


class KeyUnreadable(Exception):
    """The stored key cannot be decrypted with the configured keys (they were rotated away)."""


def _fernet(secret: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hmac.new(secret.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()))


def _fernets() -> MultiFernet:
    """The first of ``AI_PROVIDER_KEY_ENCRYPTION_KEY`` encrypts (else ``SECRET_KEY``); every configured key and
    ``SECRET_KEY`` with its fallbacks decrypt, so setting a dedicated key later keeps stored keys readable."""
    configured = [key for key in settings.AI_PROVIDER_KEY_ENCRYPTION_KEY if key]
    derived = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(secret) for secret in [*configured, *derived]])


@sensitive_variables("raw")
def encrypt_key(raw: str) -> str:
    return _fernets().encrypt(raw.encode("utf-8")).decode("ascii")


def decrypt_key(token: str) -> str:
    try:
        return _fernets().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError) as exc:
        raise KeyUnreadable from exc


# --- Validation (SEC-SSRF) ------------------------------------------------------------------------------------------


def check_endpoint_url(url: str) -> str:
    """Refuse a base URL that could reach inside the network, before anything is stored (SEC-SSRF).

    ``interview_analyzer.outbound.check_url`` decides (the same rules as the webhook URLs): http(s) only, plain http
    only when every address is loopback (which ``OUTBOUND_ALLOW_LOOPBACK`` must allow); no credentials in the URL
    and, for a base URL, no query or fragment either; the host on ``OUTBOUND_ALLOWED_HOSTS``; every address it
    resolves to now allowed (never private, link-local, metadata or reserved). The outbound client checks again at
    every call. This function words the refusal for the AI provider form's ``base_url`` field.
    """
    try:
        return check_url(url, allow_query=False).rstrip("/")
    except UrlRefused as refusal:
        raise ValidationError({"base_url": _endpoint_url_error(refusal)}) from None


def _endpoint_url_error(refusal: UrlRefused) -> str:
    """The AI provider form's words for each rule of ``check_url`` (the msgids of the Swedish catalogue)."""
    rule = refusal.rule
    if rule == UrlRefused.SCHEME:
        return _("Give the full https:// address of the endpoint.")
    if rule == UrlRefused.CREDENTIALS:
        return _("The address cannot carry a user name or password; use the API key.")
    if rule == UrlRefused.QUERY:
        return _("Give the base address without a query (?…) or fragment (#…).")
    if rule == UrlRefused.PORT:
        return _("The port is not valid.")
    if rule == UrlRefused.HOST:
        return _(
            "%(host)s is not an allowed outbound host of this service; the operator can add it to "
            "OUTBOUND_ALLOWED_HOSTS."
        ) % {"host": refusal.host}
    if rule == UrlRefused.ADDRESS:
        return _("Refused: %(reason)s.") % {"reason": refusal.detail}
    return _("Use https:// for an endpoint that is not on this machine.")  # UrlRefused.PLAIN_HTTP


def _required_text(value: str, field: str, message: str, max_length: int) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(max)d characters.") % {"max": max_length}})
    return value


def _host(url: str) -> str:
    return urlsplit(url).hostname or ""


# --- Reads ------------------------------------------------------------------------------------------------------------


def endpoint_of(member: Membership) -> OrganizationAIProvider | None:
    return OrganizationAIProvider.objects.visible_to(member).first()


def latest_evaluation(provider: OrganizationAIProvider | None) -> ProviderEvaluation | None:
    if provider is None:
        return None
    return provider.evaluations.order_by("-created_at", "-pk").first()


def enabled_provider(organization: Organization | None) -> OrganizationEndpointProvider | None:
    """The provider of the organization's own endpoint when one is enabled, else None (AI-2, BYO-1)."""
    if organization is None:
        return None
    row = OrganizationAIProvider.objects.enabled_for(organization).first()
    return build_provider(row) if row is not None else None


@sensitive_variables("key")
def build_provider(row: OrganizationAIProvider, **options) -> OrganizationEndpointProvider:
    try:
        key = decrypt_key(row.api_key_secret)
    except KeyUnreadable:
        raise ProviderError(
            _(
                "The organization's AI endpoint key cannot be decrypted with this service's keys; an admin enters "
                "it again on the AI provider page."
            ),
            retryable=False,
        ) from None
    return OrganizationEndpointProvider(
        kind=row.kind,
        base_url=row.base_url,
        model=row.model,
        api_key=key,
        api_version=row.api_version,
        transcribe_model=row.transcribe_model,
        **options,
    )


# --- Writes -----------------------------------------------------------------------------------------------------------


def _record(actor: Membership, provider: OrganizationAIProvider, action: str, **details) -> None:
    """An accounts audit row; ``details`` name the kind, host and model, never the key."""
    audit.record(
        organization=actor.organization,
        actor=actor.user,
        action=action,
        target=provider.public_id,
        kind=provider.kind,
        host=_host(provider.base_url),
        model=provider.model,
        **details,
    )


@sensitive_variables("api_key")
@transaction.atomic
def save_endpoint(
    *,
    actor: Membership,
    kind: str,
    base_url: str,
    model: str,
    api_key: str = "",
    api_version: str = "",
    transcribe_model: str = "",
) -> OrganizationAIProvider:
    """Create or change the organization's endpoint. A blank ``api_key`` keeps the stored one. Any change makes a
    new configuration version: a draft until evaluated, and no longer in use if it was (audited as disabled)."""
    check_member(actor, Role.ADMIN)
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose the kind of endpoint.")})
    base_url = check_endpoint_url(base_url)
    values = {
        "kind": kind,
        "base_url": base_url,
        "model": _required_text(
            model, "model", _("Name the model (with Azure OpenAI: the deployment)."), max_length=100
        ),
        "api_version": (
            _required_text(
                api_version or settings.AZURE_OPENAI_API_VERSION,
                "api_version",
                _("Give the API version."),
                max_length=40,
            )
            if kind == Kind.AZURE
            else ""
        ),
        "transcribe_model": (transcribe_model or "").strip()[:100],
    }
    api_key = (api_key or "").strip()
    if len(api_key) > MAX_KEY_LENGTH:
        raise ValidationError({"api_key": _("At most %(max)d characters.") % {"max": MAX_KEY_LENGTH}})
    current = OrganizationAIProvider.objects.visible_to(actor).select_for_update().first()
    now = timezone.now()
    if current is None:
        if not api_key:
            raise ValidationError({"api_key": _("Enter the endpoint's API key.")})
        provider = OrganizationAIProvider.objects.create(
            organization=actor.organization,
            api_key_secret=encrypt_key(api_key),
            key_set_at=now,
            updated_by=actor,
            updated_at=now,
            **values,
        )
        _record(actor, provider, "ai_provider.saved", config_version=1, changed=list(CONFIG_FIELDS), key_replaced=True)
        return provider
    changed = [name for name in CONFIG_FIELDS if getattr(current, name) != values[name]]
    key_replaced = False
    if api_key:
        try:
            key_replaced = api_key != decrypt_key(current.api_key_secret)
        except KeyUnreadable:
            key_replaced = True
    if not changed and not key_replaced:
        return current
    was_enabled = current.status == Status.ENABLED
    for name, value in values.items():
        setattr(current, name, value)
    if key_replaced:
        current.api_key_secret, current.key_set_at = encrypt_key(api_key), now
    current.config_version += 1
    current.status, current.enabled_by, current.enabled_at = Status.DRAFT, None, None
    current.updated_by, current.updated_at = actor, now
    current.save()
    _record(
        actor,
        current,
        "ai_provider.saved",
        config_version=current.config_version,
        changed=changed,
        key_replaced=key_replaced,
    )
    if was_enabled:
        _record(actor, current, "ai_provider.disabled", reason="configuration_changed")
    return current


def start_evaluation(*, actor: Membership, provider: OrganizationAIProvider) -> ProviderEvaluation:
    """Queue the golden-set evaluation of the current configuration (a Dramatiq job; in-process on the embedded
    default). One that is already queued or running for this configuration is returned instead."""
    require_access(actor, provider, Role.ADMIN)
    with transaction.atomic():
        provider = OrganizationAIProvider.objects.select_for_update().get(pk=provider.pk)
        running = provider.evaluations.filter(config_version=provider.config_version, status__in=UNFINISHED).first()
        if running is not None:
            return running
        run = ProviderEvaluation.objects.create(
            organization_id=provider.organization_id,
            provider=provider,
            config_version=provider.config_version,
            kind=provider.kind,
            base_url=provider.base_url,
            model=provider.model,
            interviews_total=len(evaluation.golden_files(GOLDEN_SET)),
            created_by=actor,
        )
        from ai_analysis import provider_actors  # it imports this module

        public_id = run.public_id
        transaction.on_commit(lambda: provider_actors.evaluate_own_provider.send(public_id))
    return run


def _audit_calls(run: ProviderEvaluation, calls: list[CallRecord]) -> None:
    """AI-8: the golden-set calls are AI calls of the organization too (no interview, no candidate data)."""
    AICall.objects.bulk_create(
        AICall.of(call, organization_id=run.organization_id, purpose=f"{EVALUATION_CALL_PREFIX}{call.purpose}")
        for call in calls
    )


def _finish(run: ProviderEvaluation, status: str, reason: str = "", report: dict | None = None) -> None:
    rows = ProviderEvaluation.objects.for_operators().filter(pk=run.pk)
    fields = {"status": status, "failure_reason": reason[:500], "finished_at": timezone.now()}
    if report is not None:
        fields["report"] = report
    rows.update(**fields)


def run_evaluation(evaluation_public_id: str) -> None:
    """The job (``provider_actors.evaluate_own_provider``): score the golden set with the endpoint, recording the
    progress as it goes (each interview committed on its own, so the page can show it) and the report at the end.
    Safe to run twice: a finished evaluation is left alone, one interrupted mid-way starts again."""
    from ai_analysis.management.commands.ai_eval import as_json  # the JSON document ai_eval --json prints

    run = (
        ProviderEvaluation.objects.for_operators()
        .select_related("provider")
        .filter(public_id=evaluation_public_id)
        .first()
    )
    if run is None or run.status not in UNFINISHED:
        return
    if run.provider.config_version != run.config_version:
        _finish(run, StepStatus.STOPPED, _("The configuration changed before the evaluation ran; run it again."))
        return
    rows = ProviderEvaluation.objects.for_operators().filter(pk=run.pk)
    # Claimed by moving its attempt count on: a second delivery of the same message finds it claimed and leaves it;
    # a delivery after a worker died mid-way claims it again and starts over.
    claimed = rows.filter(status=run.status, attempts=run.attempts).update(
        status=StepStatus.RUNNING, attempts=run.attempts + 1, started_at=timezone.now(), interviews_done=0
    )
    if not claimed:
        return
    calls: list[CallRecord] = []
    try:
        provider = build_provider(run.provider)
        try:
            result = evaluation.evaluate_paths(
                provider,
                GOLDEN_SET,
                on_call=calls.append,
                on_progress=lambda done, total: rows.update(interviews_done=done, interviews_total=total),
            )
        finally:
            provider.close()
    except ProviderError as error:
        _finish(run, StepStatus.FAILED, error.reason)
        return
    except Exception as error:  # noqa: BLE001 - reported by kind only: a message could quote what was sent
        logger.warning("provider evaluation failed", extra={"job": run.public_id, "error": type(error).__name__})
        _finish(run, StepStatus.FAILED, _("The evaluation failed (%(kind)s).") % {"kind": type(error).__name__})
        return
    finally:
        _audit_calls(run, calls)
    with transaction.atomic():
        row = OrganizationAIProvider.objects.for_operators().select_for_update().get(pk=run.provider_id)
        _finish(run, StepStatus.DONE, report=as_json(result, result.reports[0]))
        if row.config_version == run.config_version and row.status == Status.DRAFT:
            row.status = Status.EVALUATED
            row.save(update_fields=["status"])


@transaction.atomic
def enable(
    *, actor: Membership, provider: OrganizationAIProvider, evaluation_run: ProviderEvaluation
) -> OrganizationAIProvider:
    """Use the endpoint for the organization's new analyses, on the strength of ``evaluation_run``'s report: it must
    be the latest evaluation, finished, and of exactly the configuration saved now (BYO-1). Audited."""
    require_access(actor, provider, Role.ADMIN)
    require_access(actor, evaluation_run, Role.ADMIN)
    provider = OrganizationAIProvider.objects.select_for_update().get(pk=provider.pk)
    latest = latest_evaluation(provider)
    if (
        evaluation_run.provider_id != provider.pk
        or latest is None
        or latest.pk != evaluation_run.pk
        or evaluation_run.config_version != provider.config_version
    ):
        raise Conflict(_("That report is not of the configuration saved now; run the evaluation again."))
    if latest.status != StepStatus.DONE:
        raise Conflict(_("The endpoint can be enabled once its evaluation has finished with a report."))
    if provider.status == Status.ENABLED:
        return provider
    provider.status, provider.enabled_by, provider.enabled_at = Status.ENABLED, actor, timezone.now()
    provider.save(update_fields=["status", "enabled_by", "enabled_at"])
    overall = latest.report.get("overall", {})
    _record(
        actor,
        provider,
        "ai_provider.enabled",
        config_version=provider.config_version,
        evaluation=latest.public_id,
        agreement=(overall.get("agreement") or {}).get("value"),
        evidence_recall=(overall.get("evidence_recall") or {}).get("value"),
        invented_evidence=overall.get("invented_evidence"),
    )
    return provider


@transaction.atomic
def disable(*, actor: Membership, provider: OrganizationAIProvider) -> OrganizationAIProvider:
    """Back to the service's provider (the offline engine by default) for new analyses. Audited."""
    require_access(actor, provider, Role.ADMIN)
    provider = OrganizationAIProvider.objects.select_for_update().get(pk=provider.pk)
    if provider.status != Status.ENABLED:
        return provider
    provider.status, provider.enabled_by, provider.enabled_at = Status.EVALUATED, None, None
    provider.save(update_fields=["status", "enabled_by", "enabled_at"])
    _record(actor, provider, "ai_provider.disabled", reason="admin", config_version=provider.config_version)
    return provider


@transaction.atomic
def remove(*, actor: Membership, provider: OrganizationAIProvider) -> None:
    """Forget the endpoint, its key and its evaluations. Audited (and as disabled when it was in use)."""
    require_access(actor, provider, Role.ADMIN)
    provider = OrganizationAIProvider.objects.select_for_update().get(pk=provider.pk)
    if provider.status == Status.ENABLED:
        _record(actor, provider, "ai_provider.disabled", reason="removed", config_version=provider.config_version)
    _record(actor, provider, "ai_provider.removed", config_version=provider.config_version)
    provider.delete()
