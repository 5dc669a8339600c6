"""The access log's entry in the organization settings menu (LOG-1), for admins: the pages are theirs."""

from interview_analyzer.page_panels import register_panel
from interview_analyzer.roles import Role

PAGES = {"access_log", "candidate_access_log", "member_access_log"}


def settings_nav(request, _obj=None) -> dict | None:
    member = getattr(request, "member", None)
    if member is None or not member.has_role(Role.ADMIN):
        return None
    match = request.resolver_match
    return {"current": bool(match and match.app_name == "hiring" and match.url_name in PAGES)}


def register() -> None:
    register_panel(
        "accounts.settings_nav",
        name="access_log",
        template="hiring/_settings_nav_access_log.html",
        context=settings_nav,
        order=50,
    )
