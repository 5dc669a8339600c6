"""The organization at a glance, for admins on their start page (OPS-3: dashboards for recruiters and admins).

Read through ``visible_to(member)`` like every read; a fixed number of queries whatever the organization's size.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.db.models import Count, Exists, OuterRef

from accounts.models import ApiKey, Invitation, Membership, Organization
from interview_analyzer.roles import Role
from interview_analyzer.storage_quota import storage_used
from interview_analyzer.tenancy import CountOf


def organization_health(member) -> dict | None:
    """For admins: the organization at a glance (OPS-3): its members by role, those not verified, invitations
    waiting, active API keys, and its stored bytes against the quota. None for everyone else."""
    if member.role != Role.ADMIN:
        return None
    members = Membership.objects.visible_to(member).active()
    by_role = dict(members.values_list("role").annotate(count=Count("pk")).order_by())
    # Verified as the permissions read it (ID-6): allauth confirmed the login address. The three totals in one query.
    verified = EmailAddress.objects.filter(user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True)
    totals = (
        Organization.objects.filter(pk=member.organization_id)
        .values(
            unverified=CountOf(members.exclude(Exists(verified))),
            invitations=CountOf(Invitation.objects.visible_to(member).pending()),
            api_keys=CountOf(ApiKey.objects.visible_to(member).active()),
        )
        .get()
    )
    used = storage_used(member.organization_id)
    quota = settings.ORGANIZATION_STORAGE_QUOTA_BYTES
    return {
        "members": sum(by_role.values()),
        "roles": [(label, by_role.get(value, 0)) for value, label in Role.choices],
        "unverified": totals["unverified"],
        "invitations": totals["invitations"],
        "api_keys": totals["api_keys"],
        "storage_used": used,
        "storage_quota": quota,
        "storage_percent": min(100, round(100 * used / quota)) if quota else 0,
    }
