"""The AI guardrails, one module per rule, and their word lists as data files in this package.

* ``redaction`` (AI-5): ``redact_identifiers`` strips the candidate's name, email addresses and phone numbers from
  evaluation input.
* ``scope`` (AI-6): ``check_scope`` finds text that judges what is out of scope (personality, culture fit, emotional
  state, tone of voice, accent, protected traits, appearance, body language); ``scope_terms.txt`` and
  ``technical_phrases.txt`` hold its terms.
* ``feedback`` (AI-7): ``candidate_feedback`` validates candidate-facing feedback and falls back to a neutral template;
  ``feedback_words.txt`` holds the vulgar words and judgmental labels it refuses.

Callers use the package (``from ai_analysis import guardrails``, then ``guardrails.check_scope``); the names below are
its public interface.
"""

from ai_analysis.guardrails.feedback import (
    JUDGMENTAL_LABELS,
    VULGAR_PHRASES,
    VULGAR_TERMS,
    FeedbackResult,
    candidate_feedback,
    draft_candidate_feedback_from_notes,
    fallback_feedback,
    feedback_violations,
)
from ai_analysis.guardrails.redaction import EMAIL, find_phone_numbers, redact_identifiers
from ai_analysis.guardrails.scope import SCOPE_TERMS, check_scope, draft_violates_scope

__all__ = [
    "EMAIL",
    "JUDGMENTAL_LABELS",
    "SCOPE_TERMS",
    "VULGAR_PHRASES",
    "VULGAR_TERMS",
    "FeedbackResult",
    "candidate_feedback",
    "check_scope",
    "draft_candidate_feedback_from_notes",
    "draft_violates_scope",
    "fallback_feedback",
    "feedback_violations",
    "find_phone_numbers",
    "redact_identifiers",
]
