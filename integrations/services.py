"""Every write of the integrations domain (INT-1, KEY-4, SEC-SSRF, SEC-HOOK outbound side).

- Connector settings and webhook endpoints: admins only. A webhook URL is checked when saved (scheme, host on the
  allowlist, every DNS answer public) and again by the outbound client when sent (``interview_analyzer.outbound``
  resolves, checks and connects to the checked address, so a name that rebinds to 127.0.0.1 is refused then).
- Inbound upserts by external id, called with the ``ats`` key's acting member: hirings through
  ``hiring.services``, candidates through ``consent.services.add_candidate`` (the one door, CON-1), so an ATS
  candidate gets the consent request and email exactly as one added by hand. A repeated identical call writes
  nothing. Each call is one transaction: a refusal stores nothing.
- Outbound events: ``record_event`` writes one ``Delivery`` per subscribed endpoint inside the transaction of the
  change it reports, and enqueues the sending actor after commit; ``attempt_delivery`` sends one signed attempt.
"""

import ipaddress
import json
import logging
import re
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiKey, Membership
from consent import services as consent_services
from hiring import services as hiring_services
from hiring.models import Candidate, Hiring
from integrations import secrets
from integrations.models import (
    AtsKind,
    Connector,
    Delivery,
    DeliveryStatus,
    Event,
    ExternalCandidate,
    ExternalHiring,
    WebhookEndpoint,
)
from interview_analyzer.errors import Conflict, Refused
from interview_analyzer.outbound import (
    OutboundRefused,
    UrlRefused,
    address_refusal,
    check_url,
    outbound_client,
)
from interview_analyzer.permissions import Scope, check_member, require_access
from interview_analyzer.public_ids import new_public_id
from interview_analyzer.roles import Role
from interview_analyzer.sanitize import sanitize_rich_text

logger = logging.getLogger(__name__)

EXTERNAL_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$")
HOST_RE = re.compile(r"^\.?(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")
MAX_HOSTS = 20
MAX_ENDPOINTS = 20
MAX_LOGGED_ATTEMPTS = 50
STALE_CLAIM = timedelta(minutes=10)  # a "sending" claim older than this died with its worker


class ConnectorDisabled(Refused):
    code = "connector_disabled"


class NotTheConnectorKey(Refused):
    code = "not_the_connector_key"


class ExternalIdRace(Conflict):
    code = "external_id_race"


# --- Connector settings -------------------------------------------------------------------------------------------


def connector_of(member: Membership) -> Connector | None:
    return Connector.objects.visible_to(member).select_related("api_key").first()


def ats_keys(member: Membership):
    """The organization's active keys that carry the ``ats`` scope (the ones a connector may name)."""
    return [key for key in ApiKey.objects.visible_to(member).active() if Scope.ATS in key.scopes]


def clean_hosts(hosts: list[str]) -> list[str]:
    """Host names (``hooks.example.com``) or suffixes (``.example.com``); IP literals only if public (SEC-SSRF)."""
    cleaned = []
    for raw in hosts:
        host = raw.strip().lower().rstrip(".")
        if not host:
            continue
        try:
            address = ipaddress.ip_address(host.strip("[]"))
        except ValueError:
            if not HOST_RE.match(host):
                raise ValidationError({"allowed_hosts": _("“%(host)s” is not a host name.") % {"host": raw}}) from None
        else:
            reason = address_refusal(address, allow_loopback=settings.OUTBOUND_ALLOW_LOOPBACK)
            if reason:
                raise ValidationError(
                    {"allowed_hosts": _("%(host)s is a %(reason)s.") % {"host": host, "reason": reason}}
                )
        if host not in cleaned:
            cleaned.append(host)
    if len(cleaned) > MAX_HOSTS:
        raise ValidationError({"allowed_hosts": _("At most %(max)d hosts.") % {"max": MAX_HOSTS}})
    return cleaned


@transaction.atomic
def save_connector(
    *, actor: Membership, enabled: bool, kind: str, allowed_hosts: list[str], api_key: ApiKey | None
) -> Connector:
    """Admins switch the connector on or off and say which ATS, hosts and inbound key (INT-1)."""
    check_member(actor, Role.ADMIN)
    if kind not in AtsKind.values:
        raise ValidationError({"kind": _("Choose the ATS.")})
    hosts = clean_hosts(allowed_hosts)
    if api_key is not None:
        require_access(actor, api_key, Role.ADMIN)
        if api_key.revoked_at is not None or Scope.ATS not in api_key.scopes:
            raise ValidationError({"api_key": _("Choose an active API key with the “ATS integration” scope.")})
    if enabled and api_key is None:
        raise ValidationError({"api_key": _("An enabled connector needs the API key the ATS will use.")})
    connector = Connector.objects.visible_to(actor).select_for_update().first() or Connector(
        organization=actor.organization
    )
    connector.enabled, connector.kind, connector.allowed_hosts, connector.api_key = enabled, kind, hosts, api_key
    connector.updated_by, connector.updated_at = actor, timezone.now()
    connector.save()
    return connector


# --- Webhook endpoints ----------------------------------------------------------------------------------------------


def check_webhook_url(url: str, connector: Connector | None) -> str:
    """Refuse a webhook URL that could reach inside the network, before anything is stored (SEC-SSRF).

    ``interview_analyzer.outbound.check_url`` decides (the same rules as an organization's own model endpoint):
    https (plain http only to a loopback receiver, which ``OUTBOUND_ALLOW_LOOPBACK`` must allow), no credentials in
    the URL (a query is allowed), the host on ``OUTBOUND_ALLOWED_HOSTS`` or the connector's hosts, and every address
    it resolves to now public. The outbound client checks the addresses again at every send. This function words
    the refusal for the endpoint form's ``url`` field.
    """
    try:
        return check_url(url, extra_allowed_hosts=list(connector.allowed_hosts if connector else []))
    except UrlRefused as refusal:
        raise ValidationError({"url": _webhook_url_error(refusal)}) from None


def _webhook_url_error(refusal: UrlRefused) -> str:
    """The endpoint form's words for each rule of ``check_url`` (the msgids of the Swedish catalogue)."""
    rule = refusal.rule
    if rule == UrlRefused.SCHEME:
        return _("Give a full https:// URL.")
    if rule == UrlRefused.CREDENTIALS:
        return _("A webhook URL cannot carry a user name or password.")
    if rule == UrlRefused.PORT:
        return _("The port is not valid.")
    if rule == UrlRefused.HOST:
        return _("%(host)s is not an allowed webhook host; add it to the connector first.") % {"host": refusal.host}
    if rule == UrlRefused.ADDRESS:
        return _("Refused: %(reason)s.") % {"reason": refusal.detail}
    return _("Use https:// for a webhook URL.")  # UrlRefused.PLAIN_HTTP (a webhook URL may carry a query)


def _clean_events(events: list[str]) -> list[str]:
    chosen = sorted(set(events or []))
    if not chosen or not set(chosen) <= set(Event.values):
        raise ValidationError({"events": _("Choose at least one event.")})
    return chosen


@transaction.atomic
def create_endpoint(*, actor: Membership, url: str, events: list[str]) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret, returned raw this once and stored only encrypted."""
    check_member(actor, Role.ADMIN)
    connector = connector_of(actor)
    if connector is None or not connector.enabled:
        raise ValidationError(_("Enable the connector before adding webhook endpoints."), code="connector_disabled")
    if WebhookEndpoint.objects.visible_to(actor).count() >= MAX_ENDPOINTS:
        raise ValidationError(_("At most %(max)d endpoints.") % {"max": MAX_ENDPOINTS}, code="too_many")
    url = check_webhook_url(url, connector)
    events = _clean_events(events)
    raw = secrets.new_signing_secret()
    endpoint = WebhookEndpoint.objects.create(
        organization=actor.organization,
        url=url,
        events=events,
        secret_encrypted=secrets.encrypt(raw),
        secret_hint=raw[-4:],
        created_by=actor,
    )
    return endpoint, raw


@transaction.atomic
def delete_endpoint(*, actor: Membership, endpoint: WebhookEndpoint) -> None:
    """Removes the endpoint and its delivery log; nothing more is sent to it."""
    require_access(actor, endpoint, Role.ADMIN)
    endpoint.delete()


# --- Inbound upserts (ATS → us) -----------------------------------------------------------------------------------


def _inbound_connector(actor: Membership, api_key: ApiKey) -> Connector:
    """The ATS endpoints work only while the connector is on, and only with the key it names (INT-1, KEY-4)."""
    connector = Connector.objects.visible_to(actor).first()
    if connector is None or not connector.enabled:
        raise ConnectorDisabled(_("The ATS connector is not enabled for this organization."))
    if connector.api_key_id != api_key.pk:
        raise NotTheConnectorKey(_("This API key is not the one the ATS connector is set up with."))
    return connector


def _check_external_id(external_id: str) -> None:
    if not EXTERNAL_ID_RE.match(external_id or ""):
        raise ValidationError(
            {
                "external_id": _(
                    "An external id is 1 to 128 letters, digits and . _ : @ - (starting with a letter or digit)."
                )
            }
        )


def find_mapping(*, actor: Membership, api_key: ApiKey, model, external_id: str):
    """The organization's mapping of ``external_id`` for the connector's ATS, or 404: another organization's identical
    id is the same 404 as one never sent (ORG-5)."""
    connector = _inbound_connector(actor, api_key)
    related = "hiring" if model is ExternalHiring else "candidate__hiring"
    mapping = (
        model.objects.visible_to(actor)
        .select_related(related)
        .filter(kind=connector.kind, external_id=external_id)
        .first()
    )
    if mapping is None:
        raise Http404
    return mapping


def upsert_hiring(*, actor: Membership, api_key: ApiKey, external_id: str, fields: dict) -> tuple[ExternalHiring, bool]:
    """Create or update the hiring the ATS knows as ``external_id``. Returns the mapping and whether it was created.
    Fields not given keep their value; a call that changes nothing writes nothing."""
    _check_external_id(external_id)
    try:
        with transaction.atomic():
            connector = _inbound_connector(actor, api_key)
            mapping = (
                ExternalHiring.objects.visible_to(actor)
                .select_related("hiring")
                .filter(kind=connector.kind, external_id=external_id)
                .first()
            )
            if mapping is None:
                if not fields.get("title"):
                    raise ValidationError({"title": _("A new hiring needs a title.")})
                hiring = hiring_services.create_hiring(actor=actor, **fields)
                mapping = ExternalHiring.objects.create(
                    organization=actor.organization, kind=connector.kind, external_id=external_id, hiring=hiring
                )
                return mapping, True
            hiring = mapping.hiring
            changes = {name: value for name, value in fields.items() if _differs(hiring, name, value)}
            if changes:
                hiring_services.update_hiring(actor=actor, hiring=hiring, **changes)
            return mapping, False
    except IntegrityError:
        raise ExternalIdRace(_("Another call created this external id at the same moment; repeat the call.")) from None


def _differs(hiring: Hiring, name: str, value) -> bool:
    if name == "description":
        return sanitize_rich_text(value) != hiring.description
    if name == "title":
        return value.strip() != hiring.title
    return getattr(hiring, name) != value


def upsert_candidate(
    *, actor: Membership, api_key: ApiKey, external_id: str, hiring_external_id: str, person: dict
) -> tuple[ExternalCandidate, bool]:
    """Create or update the candidate the ATS knows as ``external_id``, in the hiring it knows as
    ``hiring_external_id``. A new candidate comes through ``consent.services.add_candidate`` (CON-1): consent request,
    one-time link and email as for one added by hand. An existing candidate's name, email and phone follow the ATS;
    their hiring cannot change (consent is per hiring, CON-3)."""
    _check_external_id(external_id)
    try:
        with transaction.atomic():
            connector = _inbound_connector(actor, api_key)
            hiring_mapping = (
                ExternalHiring.objects.visible_to(actor)
                .select_related("hiring")
                .filter(kind=connector.kind, external_id=hiring_external_id)
                .first()
            )
            if hiring_mapping is None:
                raise ValidationError(
                    {
                        "hiring": _("No hiring has the external id “%(id)s”; PUT the hiring first.")
                        % {"id": hiring_external_id}
                    }
                )
            hiring = hiring_mapping.hiring
            mapping = (
                ExternalCandidate.objects.visible_to(actor)
                .select_related("candidate")
                .filter(kind=connector.kind, external_id=external_id)
                .first()
            )
            if mapping is None:
                candidate = consent_services.add_candidate(
                    actor=actor,
                    hiring=hiring,
                    name=person["name"],
                    email=person["email"],
                    phone=person.get("phone", ""),
                    language=person.get("language"),
                )
                mapping = ExternalCandidate.objects.create(
                    organization=actor.organization, kind=connector.kind, external_id=external_id, candidate=candidate
                )
                return mapping, True
            candidate = mapping.candidate
            if candidate.hiring_id != hiring.pk:
                raise ValidationError(
                    {"hiring": _("This candidate belongs to another hiring; a candidate cannot move between hirings.")}
                )
            changes = _candidate_changes(candidate, person)
            if changes:
                hiring_services.update_candidate(actor=actor, candidate=candidate, **changes)
            return mapping, False
    except IntegrityError:
        raise ExternalIdRace(_("Another call created this external id at the same moment; repeat the call.")) from None


def _candidate_changes(candidate: Candidate, person: dict) -> dict:
    wanted = {"name": person["name"].strip(), "email": person["email"].strip().lower()}
    if "phone" in person:
        wanted["phone"] = person["phone"].strip()
    return {name: value for name, value in wanted.items() if getattr(candidate, name) != value}


# --- Outbound events (us → ATS) -------------------------------------------------------------------------------------


def record_event(*, organization_id: int, event: str, candidate: Candidate | None, data: dict) -> list[Delivery]:
    """One delivery per active endpoint subscribed to ``event``, written in the caller's transaction, each sent by
    the actor after commit (a rolled-back change sends nothing). Nothing when the connector is off."""
    connector = Connector.objects.for_operators().filter(organization_id=organization_id).first()
    if connector is None or not connector.enabled:
        return []
    endpoints = WebhookEndpoint.objects.for_operators().filter(organization_id=organization_id, is_active=True)
    organization_public_id = connector.organization.public_id
    deliveries = []
    for endpoint in endpoints:
        if event not in endpoint.events:
            continue
        public_id = new_public_id("whd")
        envelope = {
            "id": public_id,
            "event": event,
            "created_at": timezone.now().isoformat(),
            "organization": organization_public_id,
            "data": data,
        }
        deliveries.append(
            Delivery.objects.create(
                public_id=public_id,
                organization_id=organization_id,
                endpoint=endpoint,
                candidate=candidate,
                event=event,
                body=json.dumps(envelope, separators=(",", ":"), sort_keys=True),
            )
        )
    for delivery in deliveries:
        _send_after_commit(delivery.public_id)
    return deliveries


def _send_after_commit(delivery_public_id: str) -> None:
    from integrations.actors import deliver_webhook

    transaction.on_commit(lambda: deliver_webhook.send(delivery_public_id))


def retry_delay_seconds(attempts: int) -> float:
    """Exponential backoff: base, 2×base, 4×base … capped (``WEBHOOK_RETRY_*``)."""
    return min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), settings.WEBHOOK_RETRY_MAX_SECONDS)


def _claim(delivery_public_id: str) -> Delivery | None:
    """Take the delivery for one attempt, or ``None`` if it is done or another worker holds it (safe to run twice)."""
    now = timezone.now()
    ready = Delivery.objects.for_operators().filter(public_id=delivery_public_id)
    claimable = ready.filter(status__in=[DeliveryStatus.PENDING, DeliveryStatus.RETRYING]) | ready.filter(
        status=DeliveryStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    )
    if not claimable.update(status=DeliveryStatus.SENDING, claimed_at=now):
        return None
    return Delivery.objects.for_operators().select_related("endpoint", "organization").get(public_id=delivery_public_id)


def attempt_delivery(delivery_public_id: str) -> float | None:
    """Send one signed attempt (SEC-HOOK outbound side) through the outbound allowlist (SEC-SSRF).

    Returns the seconds to wait before the next attempt (also when another worker is sending it right now), or
    ``None`` when there is nothing more to do (delivered, refused, failed for good, or gone). Headers:
    ``X-Timestamp`` (unix seconds) and ``X-Signature`` = hex HMAC-SHA256 over ``<timestamp>.<raw body>`` with the
    endpoint's secret.
    """
    delivery = _claim(delivery_public_id)
    if delivery is None:
        held = Delivery.objects.for_operators().filter(public_id=delivery_public_id, status=DeliveryStatus.SENDING)
        # Another worker holds it. If that worker dies mid-send, the claim goes stale and this message takes it over.
        return STALE_CLAIM.total_seconds() if held.exists() else None
    endpoint = delivery.endpoint
    connector = Connector.objects.for_operators().filter(organization_id=delivery.organization_id).first()
    status_code, error, final = None, "", None
    if not endpoint.is_active or connector is None or not connector.enabled:
        error, final = "the connector or endpoint is switched off", DeliveryStatus.FAILED
    else:
        try:
            secret = secrets.decrypt(endpoint.secret_encrypted)
        except ValueError as exc:
            error, final = str(exc), DeliveryStatus.FAILED
        else:
            status_code, error, final = _post(delivery, endpoint, connector, secret)
    return _record_attempt(delivery, status_code=status_code, error=error, final=final)


def _post(delivery: Delivery, endpoint: WebhookEndpoint, connector: Connector, secret: str):
    body = delivery.body.encode("utf-8")
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "InterviewAnalyzer-Webhooks/1",
        "X-Webhook-Id": delivery.public_id,
        "X-Webhook-Event": delivery.event,
        "X-Timestamp": timestamp,
        "X-Signature": secrets.sign(secret, timestamp, body),
    }
    try:
        with outbound_client(extra_allowed_hosts=connector.allowed_hosts) as client:
            return client.post(endpoint.url, content=body, headers=headers).status_code, "", None
    except OutboundRefused as refusal:
        return None, f"refused: {refusal}", DeliveryStatus.REFUSED
    except Exception as exc:  # noqa: BLE001 - any network failure is one failed attempt, retried
        return None, type(exc).__name__, None


def _record_attempt(delivery: Delivery, *, status_code: int | None, error: str, final: str | None) -> float | None:
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_status_code = status_code
    delivery.attempt_log = [
        *delivery.attempt_log[-(MAX_LOGGED_ATTEMPTS - 1) :],
        {"at": now.isoformat(), "status_code": status_code, "error": error},
    ]
    delivery.claimed_at = None
    delay = None
    if status_code is not None and 200 <= status_code < 300:
        delivery.status, delivery.delivered_at, delivery.next_retry_at = DeliveryStatus.DELIVERED, now, None
    elif final is not None:
        delivery.status, delivery.next_retry_at = final, None
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status, delivery.next_retry_at = DeliveryStatus.FAILED, None
    else:
        delay = retry_delay_seconds(delivery.attempts)
        delivery.status, delivery.next_retry_at = DeliveryStatus.RETRYING, now + timedelta(seconds=delay)
    delivery.save(
        update_fields=[
            "attempts",
            "last_status_code",
            "attempt_log",
            "claimed_at",
            "status",
            "delivered_at",
            "next_retry_at",
        ]
    )
    if delay is None and delivery.status != DeliveryStatus.DELIVERED:
        logger.warning(
            "webhook delivery stopped",
            extra={"delivery": delivery.public_id, "status": delivery.status, "error": error},
        )
    return delay


@transaction.atomic
def replay_delivery(*, actor: Membership, delivery: Delivery) -> Delivery:
    """Send a delivery again, same id and body (receivers deduplicate by ``id``), with a fresh attempt budget."""
    require_access(actor, delivery, Role.ADMIN)
    delivery = Delivery.objects.select_for_update().get(pk=delivery.pk)
    if delivery.status == DeliveryStatus.SENDING:
        raise Conflict(_("This delivery is being sent right now."))
    delivery.status, delivery.attempts, delivery.next_retry_at = DeliveryStatus.PENDING, 0, None
    delivery.save(update_fields=["status", "attempts", "next_retry_at"])
    _send_after_commit(delivery.public_id)
    return delivery
