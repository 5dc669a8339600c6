"""The "AI provider" entry of the organization settings menu (BYO-1), for admins: the page is theirs."""

from interview_analyzer.page_panels import register_panel
from interview_analyzer.roles import Role


def settings_nav(request, _obj=None) -> dict | None:
    if not request.member.has_role(Role.ADMIN):
        return None
    match = request.resolver_match
    return {"current": match.url_name if match and match.app_name == "ai_analysis" else ""}


def register() -> None:
    register_panel(
        "accounts.settings_nav", name="ai_provider", template="ai_analysis/_settings_nav.html", context=settings_nav
    )
