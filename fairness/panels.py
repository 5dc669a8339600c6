"""Fairness's panels on lower floors' pages (``interview_analyzer.page_panels``), registered by
``FairnessConfig.ready``: the voluntary self-identification section of the candidate's rights portal (retention's
page; retention imports nothing of fairness) and the entry in the organization settings menu, for admins."""

from django.utils import translation

from interview_analyzer.page_panels import register_panel
from interview_analyzer.roles import Role


def portal_section(request, candidate) -> dict | None:
    """The section on ``/my-data/<token>/``; left out when the organization asks nothing (FAIR-1)."""
    if candidate is None:
        return None
    from fairness.portal_views import section_context  # the portal page's link is the credential, as its own

    match = request.resolver_match
    token = match.kwargs.get("token") if match else None
    if not token:
        return None
    context = section_context(candidate, token)
    if not context["fairness_categories"]:
        return None
    context["saved"] = request.GET.get("saved", "")
    context["lang"] = translation.get_language()  # the portal renders its panels in the candidate's language
    return context


def settings_nav(request, _obj=None) -> dict | None:
    member = getattr(request, "member", None)
    if member is None or not member.has_role(Role.ADMIN):
        return None
    match = request.resolver_match
    return {"current": match.url_name if match and match.app_name == "fairness" else ""}


def register() -> None:
    register_panel(
        "retention.portal",
        name="self_identification",
        template="fairness/_portal_section.html",
        context=portal_section,
        order=200,  # after the explanation of approved scores, before objection and erasure
    )
    register_panel(
        "accounts.settings_nav", name="fairness", template="fairness/_settings_nav.html", context=settings_nav
    )
