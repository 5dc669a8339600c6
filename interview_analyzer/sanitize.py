"""Rich text is sanitized on write with an nh3 allow-list (SEC-HTML).

Everything else users or the AI write is plain text, escaped by the template engine on output. Only fields that
allow formatting pass through ``sanitize_rich_text`` before they are stored; templates may then mark exactly those
fields safe (``interview_analyzer.templatetags.rich_text``). ``single_line`` makes any text fit a header line, such
as an email's subject built from names and titles (SEC-VAL: a line break never splits or breaks a header).
"""

import nh3

ALLOWED_TAGS = {"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote", "a", "code"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
MAX_RICH_TEXT_LENGTH = 20_000


def sanitize_rich_text(value: str) -> str:
    """Keep the allowed formatting, drop everything else: scripts, event handlers, styles, javascript: URLs."""
    if not value:
        return ""
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def single_line(value: str) -> str:
    """``value`` with every run of whitespace, line breaks included, as one space: safe in a header line."""
    return " ".join(str(value).split())
