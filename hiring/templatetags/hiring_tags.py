"""Template helpers of the hiring pages: sanitized rich text (SEC-HTML) and CSS bar lengths (no inline styles)."""

from django import template
from django.utils.safestring import mark_safe

from interview_analyzer.sanitize import sanitize_rich_text

register = template.Library()


@register.filter
def sanitized_html(value: str) -> str:
    """Render a hiring description: rich text the services sanitized with nh3 on write (SEC-HTML).

    It passes the same allow-list again on the way out, so a row that reached the database some other way (an
    import, an old migration, the admin) still cannot put a script or an event handler on the page.
    """
    return mark_safe(sanitize_rich_text(value or ""))  # noqa: S308 - nh3 allow-list output, see the docstring


@register.filter
def bar_step(count, largest) -> int:
    """A bar's length in steps of 5 % of the largest value, for ``.bar-<n>`` classes (CSP forbids ``style=``).

    Any non-zero count shows at least a sliver, so "one candidate" never looks like "none".
    """
    try:
        count, largest = int(count), int(largest)
    except (TypeError, ValueError):
        return 0
    if count <= 0 or largest <= 0:
        return 0
    return max(5, min(100, round(count * 20 / largest) * 5))
