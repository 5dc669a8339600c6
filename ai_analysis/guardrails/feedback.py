"""AI-7 candidate-feedback guardrail: generation and validation of everything a candidate reads.

``candidate_feedback`` validates a draft and falls back to a neutral template that names only the criteria. Rejected:
vulgarity and slurs (English and Swedish, including look-alike spellings), a team member's name or an attributed
opinion, first-person or private opinions, remarks about the candidate in the third person, judgmental personality
labels, anything out of scope under AI-6, and contact details. The words are data, in ``feedback_words.txt``.
``draft_candidate_feedback_from_notes`` is the local provider's generator, which never copies recruiter notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ai_analysis.guardrails.redaction import EMAIL, find_phone_numbers, mentions_name
from ai_analysis.guardrails.scope import STRAIGHT_QUOTES, TECHNICAL_PHRASES, check_scope
from ai_analysis.guardrails.word_lists import load_sections
from ai_analysis.types import CriterionSpec, ScoreDraft

# Look-alike characters used to dodge word lists ("sh1t", "@ss", "f*ck", "j4vla").
_LEET: dict[str, str] = {
    "a": "a4@",
    "b": "b8",
    "e": "e3",
    "g": "g9",
    "i": "i1!|",
    "l": "l1|",
    "o": "o0",
    "s": "s5$",
    "t": "t7+",
    "u": "uv",
    "ä": "äa4@",
    "å": "åa",
    "ö": "öo0",
}
_MASK_CHARS = "*#%?"
_SEPARATOR = r"[._\-*]?"

_WORDS = load_sections("feedback_words.txt")
# A trailing "*" means "and any word it starts"; other entries match whole words plus common English endings.
VULGAR_TERMS: tuple[str, ...] = _WORDS["vulgar terms"]
VULGAR_PHRASES: tuple[str, ...] = _WORDS["vulgar phrases"]  # regular expressions, used as written
JUDGMENTAL_LABELS: tuple[str, ...] = _WORDS["judgmental labels"]

_ENGLISH_ENDINGS = r"(?:s|es|ed|er|ers|ing|in|y|ness|ly)?"


def _letter_class(char: str, *, first: bool) -> str:
    chars = _LEET.get(char, char) + ("" if first else _MASK_CHARS)
    return "[" + re.escape(chars) + "]+"


def _obfuscated(term: str) -> str:
    """A regex for ``term`` that also catches look-alikes, masked letters and separators ("f*ck", "s.h.i.t")."""
    prefix = term.endswith("*")
    word = term.rstrip("*")
    if not word.isalpha():
        return re.escape(word)
    letters = [_letter_class(ch, first=i == 0) for i, ch in enumerate(word.lower())]
    spaced = r"\s".join(re.escape(ch) for ch in word.lower()) if len(word) >= 4 else None
    body = _SEPARATOR.join(letters)
    ending = r"[^\W\d_]*" if prefix else (_ENGLISH_ENDINGS if len(word) >= 4 and word.isascii() else "")
    alternatives = [body + ending] + ([spaced] if spaced else [])
    return "(?:" + "|".join(alternatives) + ")"


def _word_list(terms: Iterable[str], phrases: Iterable[str] = ()) -> re.Pattern[str]:
    parts = [_obfuscated(t) if " " not in t else r"\s+".join(map(re.escape, t.split())) for t in terms]
    parts += list(phrases)
    return re.compile(r"(?<![^\W\d_])(?:" + "|".join(parts) + r")(?![^\W\d_])", re.IGNORECASE)


_VULGAR = _word_list(VULGAR_TERMS, VULGAR_PHRASES)
_LABELS = _word_list(JUDGMENTAL_LABELS)

_ROLE = (
    r"(?:recruiter|interviewer|hiring manager|hiring team|interview panel|panel|recruiting team|talent team|"
    r"rekryterare\w*|rekryteraren|intervjuare\w*|intervjuaren|rekryteringsansvarig\w*|chefen)"
)
_OPINION_VERB = (
    r"(?:think|thinks|thought|felt|feel|feels|believe\w*|said|says|noted|notes|wrote|writes|mentioned|found|"
    r"consider\w*|like|liked|likes|disliked|hated|loved|opinion|impression|view|comment\w*|gut|"
    r"tycker|tyckte|tror|trodde|kände|anser|ansåg|sa|sade|skrev|noterade|gillade|ogillade|åsikt)"
)
PRIVATE_OPINION = re.compile(
    r"(?<!\w)(?:"
    + rf"{_ROLE}(?:'s|s)?\W+(?:\w+\W+){{0,2}}?{_OPINION_VERB}"
    + rf"|according to (?:the |your |our )?{_ROLE}"
    + r"|enligt (?:rekryteraren|intervjuaren|chefen)"
    + r"|(?-i:I)(?![\w/])|(?:i'm|i've|i'd|i'll|me|my|mine|myself|jag|mig)"
    + r"|we (?:felt|feel|think|thought|believe|believed|sensed|suspect|reckon|liked|disliked|didn't like|"
    r"did not like|were not impressed|weren't impressed|were impressed)"
    + r"|(?:our|the team's) (?:gut|impression|feeling|sense|opinion|view)"
    + r"|personally|between (?:us|ourselves|you and me)|off the record|confidentially|gut (?:feel\w*|instinct)"
    + r"|honestly|to be honest|frankly|tbh|imho|imo|in (?:my|our) (?:opinion|view)"
    + r"|vi (?:tyckte|tycker|kände|känner|tror|trodde|ansåg|anser|gillade)"
    + r"|personligen|mellan oss|mellan dig och mig|magkänsla\w*|ärligt talat|uppriktigt sagt|min känsla"
    + r")(?!\w)",
    re.IGNORECASE,
)
# Candidate-facing text speaks to the candidate; remarks about "him"/"her" are someone's notes leaking through.
THIRD_PERSON = re.compile(
    r"(?<!\w)(?:he|she|him|her|his|hers|himself|herself|han|hon|honom|henne|hans|hennes)(?!\w)", re.I
)


@dataclass(frozen=True)
class FeedbackResult:
    """Candidate-facing feedback after the AI-7 guardrail; ``violations`` say why a draft was replaced."""

    text: str
    used_fallback: bool
    violations: list[str] = field(default_factory=list)


def _matches(pattern: re.Pattern[str], text: str) -> list[str]:
    return sorted({" ".join(m.group(0).lower().split()) for m in pattern.finditer(text)})


def feedback_violations(text: str, *, recruiter_names: Iterable[str] = ()) -> list[str]:
    """Everything AI-7 forbids in candidate-facing text; contact details and names are reported without the value."""
    text = text.translate(STRAIGHT_QUOTES)
    violations = [f"vulgarity: {m}" for m in _matches(_VULGAR, text)]
    violations += [f"judgmental label: {m}" for m in _matches(_LABELS, TECHNICAL_PHRASES.sub(" ", text))]
    violations += [f"private opinion: {m}" for m in _matches(PRIVATE_OPINION, text)]
    violations += [f"third-person remark: {m}" for m in _matches(THIRD_PERSON, text)]
    violations += [f"out of scope: {v}" for v in check_scope(text)]
    if EMAIL.search(text):
        violations.append("contact details: email address")
    if find_phone_numbers(text):
        violations.append("contact details: phone number")
    if mentions_name(text, recruiter_names):
        violations.append("recruiter identity: name")
    return violations


def _criteria_phrase(names: Sequence[str]) -> str:
    if len(names) == 1:
        return names[0]
    return "; ".join(names[:-1]) + " and " + names[-1]


def fallback_feedback(criteria_names: Iterable[str], *, recruiter_names: Iterable[str] = ()) -> str:
    """The neutral AI-7 template: it names only the criteria (and leaves out any criterion name that fails AI-7)."""
    recruiter_names = list(recruiter_names)
    safe = [
        " ".join(n.split())
        for n in criteria_names
        if n.strip() and not feedback_violations(n, recruiter_names=recruiter_names)
    ]
    text = "Thank you for taking part in the interview."
    if safe:
        text += f" Your answers were reviewed against these criteria: {_criteria_phrase(safe)}."
    return text + " This summary is deliberately brief and covers only the criteria the interview assessed."


def candidate_feedback(
    draft: str | None, *, recruiter_names: Iterable[str], criteria_names: Iterable[str]
) -> FeedbackResult:
    """Validate candidate-facing feedback, or replace it with the neutral template (AI-7).

    Rejected: vulgarity and slurs (English and Swedish, including look-alike spellings), a recruiter's name or
    attributed opinion, first-person or private opinions, remarks about the candidate in the third person,
    judgmental personality labels, anything out of scope under AI-6, and email addresses or phone numbers.
    """
    recruiter_names = list(recruiter_names)
    if draft is None or not draft.strip():
        return FeedbackResult(fallback_feedback(criteria_names, recruiter_names=recruiter_names), True, ["empty draft"])
    violations = feedback_violations(draft, recruiter_names=recruiter_names)
    if violations:
        return FeedbackResult(fallback_feedback(criteria_names, recruiter_names=recruiter_names), True, violations)
    return FeedbackResult(draft.strip(), False, [])


STRENGTH_MIN_SCORE = 4
DEVELOPMENT_MAX_SCORE = 2


def _sentence_for(name: str, score: int | None) -> str:
    if score is None:
        return f"{name}: this area did not come up in enough depth to comment on."
    if score >= STRENGTH_MIN_SCORE:
        return f"{name}: a strength in this interview; your answers gave concrete, relevant examples."
    if score <= DEVELOPMENT_MAX_SCORE:
        return f"{name}: a development area; preparing concrete examples from your own work would help."
    return f"{name}: covered; more specific examples would make this area stronger."


def draft_candidate_feedback_from_notes(
    recruiter_notes: str, scores: Sequence[ScoreDraft], criteria: Sequence[CriterionSpec]
) -> str:
    """The local provider's candidate feedback (AI-7): neutral sentences built from the approved scores only.

    ``recruiter_notes`` is accepted for parity with providers that may read it as context, but no text from it is
    ever copied: the local generator cannot paraphrase safely, so notes never reach the candidate. The result still
    goes through ``candidate_feedback``.
    """
    del recruiter_notes  # deliberately unused, see above
    by_key = {s.criterion_key: s for s in scores}
    lines = ["Thank you for taking part in the interview. Here is a short summary per assessed area."]
    lines += [_sentence_for(c.name, by_key[c.key].score) for c in criteria if c.key in by_key]
    result = candidate_feedback(" ".join(lines), recruiter_names=[], criteria_names=[c.name for c in criteria])
    return result.text
