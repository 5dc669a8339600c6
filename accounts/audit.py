"""The accounts audit writer (ORG-7, ORG-8, KEY-6, OPS-1). Services call ``record``; nothing else writes the table."""

from accounts.models import AuditEvent


def record(*, organization, actor, action: str, target: str = "", ip: str | None = None, **details) -> AuditEvent:
    """Append one audit row. ``actor`` is a User (or None for the system); ``details`` must hold no secret."""
    return AuditEvent.objects.create(
        organization=organization,
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        target=target,
        ip_address=ip,
        details=details,
    )
