"""AI-6 scope limits, checked on output: no draft may judge personality, culture fit, emotional state, tone of voice,
accent, protected traits, appearance or body language.

``check_scope`` is a word-and-phrase check (English and Swedish) over the lists in ``scope_terms.txt``, tuned so that
ordinary competence rationales pass: the technical phrases in ``technical_phrases.txt`` ("race condition", "stress
test", "happy path", "black box") are masked before matching, and "user-friendly" or "senior engineer" never match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ai_analysis.guardrails.word_lists import load_sections
from ai_analysis.types import ScoreDraft

# Curly quotes and dashes as their plain forms, so "don’t" and "don't" match the same entries.
STRAIGHT_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)


def _boundary(alternatives: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive regex matching any alternative as whole words (a hyphen before it counts as joined)."""
    body = "|".join(sorted(alternatives, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{body})(?!\w)", re.IGNORECASE)


# Technical phrases that contain an out-of-scope word but are about the work; masked before matching.
TECHNICAL_PHRASES = _boundary(load_sections("technical_phrases.txt")["technical phrases"])

# Category -> the regular expressions that put a text in it.
SCOPE_TERMS: dict[str, tuple[str, ...]] = load_sections("scope_terms.txt")

_SCOPE_PATTERNS: dict[str, re.Pattern[str]] = {category: _boundary(terms) for category, terms in SCOPE_TERMS.items()}


def check_scope(text: str) -> list[str]:
    """Violations of the AI-6 scope limits in ``text``, as ``"<category>: <matched words>"`` (empty when clean)."""
    masked = TECHNICAL_PHRASES.sub(" ", text.translate(STRAIGHT_QUOTES))
    found: list[str] = []
    for category, pattern in _SCOPE_PATTERNS.items():
        for match in pattern.finditer(masked):
            violation = f"{category}: {' '.join(match.group(0).lower().split())}"
            if violation not in found:
                found.append(violation)
    return found


def draft_violates_scope(draft: ScoreDraft) -> list[str]:
    """AI-6 check of a score draft: its rationale, and the quotes it rests on, must stay within scope.

    A quote is the candidate's own words, but a score that rests on "I was so nervous" judges the emotional state.
    """
    found = check_scope(draft.rationale)
    for item in draft.evidence:
        found += [violation for violation in check_scope(item.quote) if violation not in found]
    return found
