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


def record_for_user(*, user, action: str, target: str = "", ip: str | None = None, **details) -> list[AuditEvent]:
    """One row in each organization the user is an active member of: for what a person does to their own account
    (their two-factor methods, MFA-1), which every organization they act in may need to see."""
    from accounts.models import Membership

    organizations = {
        m.organization for m in Membership.objects.active().filter(user=user).select_related("organization")
    }
    return [
        record(organization=organization, actor=user, action=action, target=target, ip=ip, **details)
        for organization in sorted(organizations, key=lambda org: org.pk)
    ]
