"""Structure a transcript into question/answer pairs (AI-1).

The rule, in order of the transcript:

* an interviewer turn that *asks* (it contains a question mark, or one of its sentences opens with an interrogative
  or a prompt such as "tell me", "walk me through", "berätta", "hur") starts a new pair; a follow-up question is
  simply the next pair;
* candidate turns are appended to the current pair, so consecutive candidate turns form one answer;
* an interviewer turn that does not ask ("Mm-hm.", "Great, thanks.") is a back-channel: it neither starts a pair nor
  interrupts the answer in progress;
* candidate talk before the first question becomes a pair whose ``question`` is None;
* a question followed directly by another question is kept as a pair with no answer turns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ai_analysis.types import CANDIDATE, QAPair, Turn

# Sentence openers that make an interviewer turn a question even without a question mark (ASR often drops it).
QUESTION_OPENERS: tuple[str, ...] = (
    # English
    "what",
    "how",
    "why",
    "when",
    "where",
    "which",
    "who",
    "whom",
    "whose",
    "can you",
    "could you",
    "would you",
    "will you",
    "do you",
    "did you",
    "have you",
    "had you",
    "are you",
    "were you",
    "is there",
    "was there",
    "tell me",
    "tell us",
    "talk me through",
    "walk me through",
    "walk us through",
    "take me through",
    "describe",
    "explain",
    "share",
    "give me",
    "give us",
    "imagine",
    "suppose",
    "let's talk",
    "let us talk",
    "let's discuss",
    "i'd like to hear",
    "i would like to hear",
    "i'd love to hear",
    # Swedish
    "vad",
    "hur",
    "varför",
    "när",
    "var",
    "vilken",
    "vilket",
    "vilka",
    "vem",
    "kan du",
    "skulle du",
    "vill du",
    "har du",
    "hade du",
    "gjorde du",
    "är du",
    "var du",
    "finns det",
    "berätta",
    "beskriv",
    "förklara",
    "ge ett exempel",
    "ge mig",
    "tänk dig",
    "anta att",
)

# Lead-ins an interviewer often says before the actual question ("Okay, so how did you ...").
_LEAD_IN = re.compile(
    r"^(?:(?:ok(?:ay)?|so|and|great|good|right|alright|all right|thanks|thank you|perfect|nice|cool|sure|well|"
    r"now|then|next|bra|okej|tack|då|och|så|jaha|precis)\b[\s,.!:;-]*)+",
    re.IGNORECASE,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!;:])\s+")
_OPENER = re.compile(
    r"^(?:" + "|".join(re.escape(o) for o in sorted(QUESTION_OPENERS, key=len, reverse=True)) + r")(?!\w)",
    re.IGNORECASE,
)


# Speech recognisers (pocketsphinx among them) write no punctuation, so a question rarely starts a "sentence". In
# unpunctuated text a turn asks when one of these prompts occurs anywhere in it: multi-word forms only, so that a
# statement such as "that's what we did" does not count.
_INLINE_PROMPT = re.compile(
    r"\b(?:can you|could you|would you|will you|do you|did you|have you|are you|tell me|tell us|walk me through|"
    r"walk us through|talk me through|take me through|give me an example|describe a|describe how|"
    r"(?:how|what|why|when|where|which) (?:did|do|does|would|could|have|has|can|is|was|are|were|will)|"
    r"kan du|skulle du|har du|berätta|hur (?:gjorde|har|skulle|kan)|vad (?:gjorde|har|skulle))\b",
    re.IGNORECASE,
)
_PUNCTUATION = re.compile(r"[.!?;:]")


def _normalise_apostrophes(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'")


def is_question(text: str) -> bool:
    """Whether an interviewer turn asks something (a question mark, or a sentence opening with a prompt)."""
    text = _normalise_apostrophes(text).strip()
    if "?" in text:
        return True
    for sentence in _SENTENCE_SPLIT.split(text):
        body = _LEAD_IN.sub("", sentence.strip())
        if body and _OPENER.match(body):
            return True
        # Punctuated transcripts (Whisper) put a prompt after a clause: "Thank you for joining, can you tell me …."
        # Only the stricter multi-word prompts count there, not every opener word.
        if any(_INLINE_PROMPT.match(clause.strip()) for clause in body.split(",")[1:]):
            return True
    return not _PUNCTUATION.search(text) and bool(_INLINE_PROMPT.search(text))


def pair_questions_and_answers(turns: Iterable[Turn]) -> list[QAPair]:
    """Pair each interviewer question with the candidate turns that answer it (AI-1); see the module docstring."""
    ordered = sorted(turns, key=lambda t: (t.index, t.start_s))
    pairs: list[tuple[Turn | None, list[Turn]]] = []
    for turn in ordered:
        if turn.speaker == CANDIDATE:
            if not turn.text.strip():
                continue
            if not pairs:
                pairs.append((None, []))
            pairs[-1][1].append(turn)
        elif is_question(turn.text):
            pairs.append((turn, []))
        # A non-asking interviewer turn is a back-channel: it does not interrupt the answer in progress.
    return [QAPair(index=i, question=q, answer_turns=tuple(a)) for i, (q, a) in enumerate(pairs)]
