"""Template context of the signed-in member."""

from accounts.services import dpa_is_current
from interview_analyzer.roles import Role


def acting_member(request):
    """The acting member for templates (to show the organization and hide buttons a role cannot use), and whether
    an admin still has to accept a new version of the data processing agreement (ORG-8).

    Context processors run for every template rendered with the request, and a page renders several (each panel of
    ``page_panels`` is its own): the DPA answer is read once per request and kept on it."""
    member = getattr(request, "member", None)
    context = {"member": member, "dpa_outdated": False}
    if member is not None and member.role == Role.ADMIN:
        if not hasattr(request, "_dpa_outdated"):
            request._dpa_outdated = not dpa_is_current(member.organization)
        context["dpa_outdated"] = request._dpa_outdated
    return context
