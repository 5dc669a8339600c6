"""AI-5 bias control: the candidate's direct identifiers are removed from evaluation input.

``redact_identifiers`` replaces the candidate's name (full, first, last and possessive forms), email addresses and
phone numbers with ``[candidate]``, ``[email]`` and ``[phone]``. The same patterns let the AI-7 feedback guardrail
(``feedback.py``) find contact details and team members' names in candidate-facing text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

EMAIL = re.compile(
    r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+"
    r"|[\w.+-]+\s*[\[({]\s*at\s*[\])}]\s*[\w-]+(?:\s*(?:[\[({]\s*dot\s*[\])}]|\.)\s*[\w-]+)+"
    r"|[\w.+-]+\s+at\s+[\w-]+\s+dot\s+[a-z]{2,}\b",
    re.IGNORECASE,
)
# Digit groups joined by one separator (or a bracketed area code); each group starts after a non-digit, so there is
# no ambiguous split for the regex engine to backtrack through.
_PHONE_CANDIDATE = re.compile(
    r"(?<![\w+])(?:\+|00)?(?:\(\d+\)\s?)?\d+(?:(?:[ .\-/]| [\-/] )\d+|\s?\(\d+\)\s?\d+)*(?!\w)"
)
_NOT_A_PHONE = (
    re.compile(r"^\d{4}-\d{2}-\d{2}$"),  # ISO date
    re.compile(r"^(?:(?:19|20)\d\d[ ,/\-]*)+$"),  # years and year ranges
    re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$"),  # IPv4 address
    re.compile(r"^[1-9]\d{0,2}(?:[ .]\d{3})+$"),  # thousands grouping (phone numbers start with 0 or +)
    re.compile(r"^\d+\.\d+$"),  # decimal number
)


def _is_phone(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return 7 <= digits <= 15 and not any(p.match(text) for p in _NOT_A_PHONE)


def find_phone_numbers(text: str) -> list[str]:
    """Phone-number-like sequences in ``text`` (7–15 digits; dates, years, IPs and grouped amounts excluded)."""
    return [m.group(0) for m in _PHONE_CANDIDATE.finditer(text) if _is_phone(m.group(0))]


# Name parts that are also everyday English words: redacted only when capitalised, so "I will" survives for "Will".
_COMMON_WORD_NAMES_TEXT = """
will mark bill may june april august rose hope grace faith joy sky summer rich frank art pat sue don guy ray dean
chase hunter lane page park king young white black brown green wood stone hill long little bush cook baker miller
carter hall ford rock sun star field gray grey bell north west
"""
COMMON_WORD_NAMES: frozenset[str] = frozenset(_COMMON_WORD_NAMES_TEXT.split())
_POSSESSIVE = r"(?P<poss>['\u2019]s|['\u2019]|s)?"


def _name_variants(names: Iterable[str]) -> list[str]:
    variants: set[str] = set()
    for name in names:
        full = " ".join(name.split())
        if not full:
            continue
        variants.add(full)
        for part in full.split(" "):
            variants.add(part)
            variants.update(part.split("-"))
    return sorted((v for v in variants if sum(ch.isalpha() for ch in v) >= 2), key=lambda v: (-len(v), v))


def _name_word(word: str) -> str:
    """Case-insensitive, except an everyday word ("Will", "Mark") must start with a capital to count as a name."""
    if word.lower() in COMMON_WORD_NAMES:
        return rf"{re.escape(word[0].upper())}(?i:{re.escape(word[1:])})"
    return rf"(?i:{re.escape(word)})"


def _name_pattern(variant: str) -> re.Pattern[str]:
    body = r"\s+".join(_name_word(word) for word in variant.split(" "))
    return re.compile(rf"(?<!\w){body}(?i:{_POSSESSIVE})(?!\w)")


def _replace_name(match: re.Match[str]) -> str:
    poss = match.group("poss") or ""
    return "[candidate]" + (poss if poss[:1] in ("'", "\u2019") else "")


def mentions_name(text: str, names: Iterable[str]) -> bool:
    """Whether ``text`` names any of ``names`` in a form redaction would remove (full, first, last, possessive)."""
    return any(_name_pattern(variant).search(text) for variant in _name_variants(names))


def redact_identifiers(
    text: str, *, names: Iterable[str], emails: Iterable[str] = (), phones: Iterable[str] = ()
) -> str:
    """Remove the candidate's direct identifiers from evaluation input (AI-5).

    Email addresses and phone numbers are removed whether or not they are listed (``emails``/``phones`` add exact
    ones the general patterns might miss); names in full, first, last and possessive forms ("Anna's", "Annas"),
    case-insensitively, except name parts that are everyday words ("Will"), which must be capitalised.
    """
    for email in sorted({e.strip() for e in emails if e.strip()}, key=len, reverse=True):
        text = re.sub(re.escape(email), "[email]", text, flags=re.IGNORECASE)
    text = EMAIL.sub("[email]", text)
    for phone in sorted({p for p in phones if sum(ch.isdigit() for ch in p) >= 5}, key=len, reverse=True):
        digits = [ch for ch in phone if ch.isdigit()]
        pattern = r"\+?" + r"[\s().\-/]*".join(digits)
        text = re.sub(rf"(?<!\d){pattern}(?!\d)", "[phone]", text)
    text = _PHONE_CANDIDATE.sub(lambda m: "[phone]" if _is_phone(m.group(0)) else m.group(0), text)
    for variant in _name_variants(names):
        text = _name_pattern(variant).sub(_replace_name, text)
    return text
