"""Verbatim evidence checks and the offline evidence-retrieval scorer (AI-1, AI-2, AI-4, AI-5, AI-8).

``evidence_for_quote`` is the verbatim check ``ai_analysis.draft_checks`` applies to every provider's quotes: a quote
only counts as evidence when it occurs verbatim in a *candidate* turn. Comparison ignores differences in whitespace,
letter case and curly versus straight quotes and dashes, and nothing else: no fuzzy matching, no paraphrase.

``LocalEvidenceScorer`` is the local, deterministic default provider's scorer (AI-2). It ranks the sentences of the
candidate's answers against each criterion and quotes the best ones.

Scoring rule (AI-4), per criterion:

1. Query terms are the stemmed, stop-word-free words of the criterion. A term's weight is 3 if it occurs in the
   criterion's name, else 2 if it occurs in its description or evidence guidance, else 1 (anchor texts only).
2. Every answer sentence (long sentences are cut into windows of about 30 words) gets a *matched weight*: the sum of
   the weights of the distinct query terms it contains (two adjacent words may stand for one query word, as in
   "rolled back" for "rollback", and then count once, not as three terms). A sentence **qualifies** as evidence
   when it contains a name term and its matched weight is at least 4, or when it contains at least 3 distinct name,
   description or guidance terms. A single topical word on its own is never evidence.
3. Qualifying sentences are ranked by BM25 (query terms weighted as above, idf over all answer sentences of the
   interview), ties broken by transcript order; the top 3 distinct ones are quoted verbatim with their turn's
   timestamps.
4. No qualifying sentence -> ``score=None``, rationale "insufficient evidence".
5. Otherwise the score starts at 2 for one quoted span and 3 for two or three; +1 when the strongest span has a
   matched weight of 8 or more (it covers several of the criterion's terms). Then the anchors move it: for each
   anchor level, count the terms that occur only in that level's anchor text and in the quoted spans; if the best
   level has at least 2 such terms (ties go to the lower level), the score moves one step towards that level.
   The result is clamped to 1..5.

The scorer looks at what was said (content words), never at how: hedges, filler words, pace and tone carry no
weight (AI-5, AI-6). Its rationales state what was matched against what, never anything about the person.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ai_analysis.guardrails import check_scope
from ai_analysis.types import CANDIDATE, INSUFFICIENT_EVIDENCE, CriterionSpec, EvidenceDraft, QAPair, ScoreDraft, Turn

# --- Verbatim quote check (AI-4, AI-8) --------------------------------------------------------------------------

_QUOTE_TRANSLATION = {
    "\u2018": "'",  # left single quotation mark
    "\u2019": "'",  # right single quotation mark
    "\u201a": "'",  # single low-9 quotation mark
    "\u201b": "'",  # single high-reversed-9 quotation mark
    "\u2032": "'",  # prime
    "\u201c": '"',  # left double quotation mark
    "\u201d": '"',  # right double quotation mark
    "\u201e": '"',  # double low-9 quotation mark
    "\u201f": '"',  # double high-reversed-9 quotation mark
    "\u00ab": '"',  # guillemets
    "\u00bb": '"',
    "\u2033": '"',  # double prime
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
}


def _normalise_with_map(text: str) -> tuple[str, list[int]]:
    """Normalise whitespace, case, quotes and dashes; also return, per output character, its index in ``text``."""
    out: list[str] = []
    origin: list[int] = []
    pending_space = False
    for i, char in enumerate(text):
        if char.isspace():
            pending_space = bool(out)
            continue
        if pending_space:
            out.append(" ")
            origin.append(i - 1)
            pending_space = False
        for piece in _QUOTE_TRANSLATION.get(char, char).lower():
            out.append(piece)
            origin.append(i)
    return "".join(out), origin


def normalise_for_match(text: str) -> str:
    """The form two texts are compared in by the verbatim check (whitespace, case, curly quotes and dashes only)."""
    return _normalise_with_map(text)[0]


def _find_in_turn(quote: str, turn: Turn) -> tuple[int, int] | None:
    needle = normalise_for_match(quote)
    if not needle:
        return None
    haystack, origin = _normalise_with_map(turn.text)
    at = haystack.find(needle)
    if at < 0:
        return None
    return origin[at], origin[at + len(needle) - 1] + 1


def evidence_for_quote(quote: str, turns: Iterable[Turn]) -> EvidenceDraft | None:
    """Evidence for a provider's quote: the exact text as it stands in the candidate turn, with its timestamps (AI-4).

    None when the quote does not occur verbatim in a candidate turn, so providers can drop invented quotes.
    """
    for turn in turns:
        if turn.speaker != CANDIDATE:
            continue
        span = _find_in_turn(quote, turn)
        if span is not None:
            return EvidenceDraft(turn.index, turn.text[span[0] : span[1]], turn.start_s, turn.end_s)
    return None


# --- Tokenising ---------------------------------------------------------------------------------------------------

_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are aren't as at be because been before being below
    between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
    few for from further had hadn't has hasn't have haven't having he he'd he'll he's her here here's hers herself
    him himself his how how's i i'd i'll i'm i've if in into is isn't it it's its itself let's me more most mustn't
    my myself no nor not of off on once only or other ought our ours ourselves out over own same shan't she she'd
    she'll she's should shouldn't so some such than that that's the their theirs them themselves then there
    there's these they they'd they'll they're they've this those through to too under until up very was wasn't we
    we'd we'll we're we've were weren't what what's when when's where where's which while who who's whom why why's
    with won't would wouldn't you you'd you'll you're you've your yours yourself yourselves
    um uh erm hmm yeah yes okay ok like just really actually basically kind sort thing things stuff lot lots
    well know mean guess maybe pretty quite bit got get gets getting go going gone went want wanted say said
    one two also still even much many every something anything everything way ways time times
    candidate candidates demonstrate demonstrates demonstrated demonstrating show shows showed shown showing
    evidence example examples clear clearly strong strongly weak good poor little none able ability level
    understanding understands understand describes describe described explain explains explained answer answers
    discuss discusses discussed mention mentions mentioned talk talks talked
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_WORDS_TEXT.split())

_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_VOWELS = set("aeiouyåäöéü")
_SIBILANTS = ("s", "x", "z", "ch", "sh")


def stem(word: str) -> str:
    """A light suffix stemmer: enough to match "designed"/"designing"/"design" and "databases"/"database"."""
    w = word
    if len(w) > 5 and w.endswith(("ations", "ation")):
        w = w[: -(6 if w.endswith("s") else 5)] + "ate"
    elif len(w) > 4 and w.endswith(("ies", "ied")):
        w = w[:-3] + "y"
    elif len(w) > 6 and w.endswith("ing"):
        w = w[:-3]
    elif len(w) > 4 and w.endswith("ed") and not w[:-2].endswith("e"):
        w = w[:-2]
    elif len(w) > 4 and w.endswith("es") and w[:-2].endswith(_SIBILANTS):
        w = w[:-2]  # "processes", "indexes", "databases"
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 4 and w[-1] == w[-2] and w[-1] not in _VOWELS:
        w = w[:-1]
    return w


class Joined(NamedTuple):
    """Two adjacent content words joined and stemmed ("rolled back" -> "rollback"), with the stems of its parts."""

    term: str
    words: str
    parts: tuple[str, str]


def surface_terms(text: str) -> tuple[list[tuple[str, str]], list[Joined]]:
    """(stem, word as written) for the content words of ``text``, and its adjacent content-word pairs joined.

    Joined pairs (two content words separated only by a space or a hyphen) are bridges: they let "rolled back" match
    "rollback" and "data base" match "database", in either direction, and then count instead of their parts.
    """
    text = text.replace("\u2019", "'")
    singles: list[tuple[str, str]] = []
    joined: list[Joined] = []
    previous: tuple[str, str, int] | None = None  # (stem, word, end offset) of the last content word
    for m in _WORD.finditer(text):
        word = m.group(0).lower()
        if len(word) < 2 or word in STOP_WORDS:
            previous = None
            continue
        term = stem(word)
        singles.append((term, word))
        gap = text[previous[2] : m.start()] if previous else ""
        if previous and (gap == "-" or (gap.isspace() and "\n" not in gap)):
            joined.append(Joined(stem(previous[0] + word), f"{previous[1]} {word}", (previous[0], term)))
        previous = (term, word, m.end())
    return singles, joined


def terms(text: str) -> list[str]:
    """Stemmed content words of ``text``, in order (stop words and one-letter words removed)."""
    return [term for term, _ in surface_terms(text)[0]]


def joined_terms(text: str) -> list[str]:
    """Adjacent content-word pairs of ``text``, stemmed and joined ("rolled back" -> "rollback")."""
    return [j.term for j in surface_terms(text)[1]]


# --- Sentences ----------------------------------------------------------------------------------------------------

MAX_SPAN_WORDS = 30
MIN_SPAN_WORDS = 4
_BOUNDARY = re.compile(r"[.!?]+(?=\s|$)|\n")
_WORD_SPAN = re.compile(r"\S+")


@dataclass(frozen=True)
class Span:
    """A sentence (or window of a long sentence) of a candidate turn; ``text`` is ``turn.text[start:end]``."""

    turn: Turn
    start: int
    end: int
    order: int

    @property
    def text(self) -> str:
        return self.turn.text[self.start : self.end]


def _sentence_bounds(text: str) -> list[tuple[int, int]]:
    bounds: list[tuple[int, int]] = []
    begin = 0
    for m in _BOUNDARY.finditer(text):
        bounds.append((begin, m.end()))
        begin = m.end()
    bounds.append((begin, len(text)))
    return bounds


def _windows(text: str, begin: int, end: int) -> list[tuple[int, int]]:
    """Strip a sentence and cut it into windows of at most MAX_SPAN_WORDS words (unpunctuated ASR runs on)."""
    words = [(begin + m.start(), begin + m.end()) for m in _WORD_SPAN.finditer(text[begin:end])]
    if len(words) < MIN_SPAN_WORDS:
        return []
    step = MAX_SPAN_WORDS
    out = []
    for i in range(0, len(words), step):
        chunk = words[i : i + step]
        if len(chunk) >= MIN_SPAN_WORDS or i == 0:
            out.append((chunk[0][0], chunk[-1][1]))
    return out


def answer_spans(pairs: Sequence[QAPair]) -> list[Span]:
    """All sentences of the candidate's answers, in transcript order (interviewer turns are never included)."""
    spans: list[Span] = []
    seen: set[int] = set()
    for pair in pairs:
        for turn in pair.answer_turns:
            if turn.speaker != CANDIDATE or turn.index in seen:
                continue
            seen.add(turn.index)
            for begin, end in _sentence_bounds(turn.text):
                for start, stop in _windows(turn.text, begin, end):
                    spans.append(Span(turn, start, stop, len(spans)))
    return spans


# --- Scoring ------------------------------------------------------------------------------------------------------

NAME_WEIGHT = 3
DESCRIPTION_WEIGHT = 2
ANCHOR_WEIGHT = 1
QUALIFY_WITH_NAME_TERM = 4
QUALIFY_DISTINCT_TERMS = 3
STRONG_SPAN_WEIGHT = 8
MAX_EVIDENCE = 3
ANCHOR_MIN_TERMS = 2
BM25_K1 = 1.2
BM25_B = 0.75


def criterion_words(criterion: CriterionSpec) -> dict[str, str]:
    """Each query term's first spelling in the criterion text, so rationales show words rather than stems."""
    words: dict[str, str] = {}
    texts = [criterion.name, criterion.description, criterion.evidence_guidance]
    for text in texts + [t for _, t in sorted(criterion.anchors.items())]:
        singles, joined = surface_terms(text)
        for term, word in singles + [(j.term, j.words) for j in joined]:
            words.setdefault(term, word)
    return words


@dataclass(frozen=True)
class Query:
    """A criterion's weighted terms (rule step 1) and its joined word pairs, which only bridge to single words."""

    weights: dict[str, int]
    joined: dict[str, int]

    def matched(self, singles: Iterable[str], joined: Iterable[Joined]) -> dict[str, int]:
        """The query terms a span contains: single words, plus bridges between joined pairs and single words.

        A span's joined pair that matches a query word replaces its two parts, so nothing is counted twice.
        """
        singles = set(singles)
        bridges = [j for j in joined if j.term in self.weights and j.term not in singles]
        replaced = {part for j in bridges for part in j.parts}
        found = {t: self.weights[t] for t in singles - replaced if t in self.weights}
        found.update({j.term: self.weights[j.term] for j in bridges})
        found.update({t: self.joined[t] for t in singles if t in self.joined and t not in found})
        return dict(sorted(found.items()))


def _weighted(criterion: CriterionSpec, tokenise: Callable[[str], list[str]]) -> dict[str, int]:
    weights: dict[str, int] = {}
    sources = [(NAME_WEIGHT, criterion.name), (DESCRIPTION_WEIGHT, criterion.description)]
    sources.append((DESCRIPTION_WEIGHT, criterion.evidence_guidance))
    sources += [(ANCHOR_WEIGHT, text) for _, text in sorted(criterion.anchors.items())]
    for weight, text in sources:
        for term in tokenise(text):
            weights[term] = max(weights.get(term, 0), weight)
    return weights


def query_weights(criterion: CriterionSpec) -> dict[str, int]:
    """Weight of each query term of a criterion: 3 name, 2 description/guidance, 1 anchors only (rule step 1)."""
    return _weighted(criterion, terms)


def build_query(criterion: CriterionSpec) -> Query:
    """The criterion's query: weighted single words and weighted joined pairs (rule steps 1 and 2)."""
    return Query(query_weights(criterion), _weighted(criterion, joined_terms))


def anchor_terms(criterion: CriterionSpec) -> dict[int, frozenset[str]]:
    """Per anchor level, the terms that occur in that level's text and in no other level's (rule step 5)."""
    per_level = {level: frozenset(terms(text)) for level, text in criterion.anchors.items() if 1 <= level <= 5}
    return {
        level: own - frozenset().union(*(other for lv, other in per_level.items() if lv != level))
        for level, own in per_level.items()
    }


def qualifies(matched: dict[str, int]) -> bool:
    """Whether a span's matched query terms make it evidence (rule step 2)."""
    has_name_term = any(w == NAME_WEIGHT for w in matched.values())
    if has_name_term and sum(matched.values()) >= QUALIFY_WITH_NAME_TERM:
        return True
    return sum(1 for w in matched.values() if w >= DESCRIPTION_WEIGHT) >= QUALIFY_DISTINCT_TERMS


def score_from_evidence(
    matched_weights: Sequence[int], evidence_terms: frozenset[str], anchors: Mapping[int, frozenset[str]]
) -> int:
    """Map evidence strength to 1..5 (rule step 5)."""
    score = 2 if len(matched_weights) == 1 else 3
    if max(matched_weights) >= STRONG_SPAN_WEIGHT:
        score += 1
    best_level, best_hits = None, 0
    for level in sorted(anchors):
        hits = len(anchors[level] & evidence_terms)
        if hits > best_hits:
            best_level, best_hits = level, hits
    if best_level is not None and best_hits >= ANCHOR_MIN_TERMS:
        if best_level > score:
            score += 1
        elif best_level < score:
            score -= 1
    return max(1, min(5, score))


def _shorten(text: str, words: int = 8) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


@dataclass(frozen=True)
class _Ranked:
    span: Span
    bm25: float
    matched: dict[str, int]


class LocalEvidenceScorer:
    """Deterministic, offline evidence-retrieval scorer (AI-2, AI-4); the rule is in the module docstring."""

    def score(self, pairs: Sequence[QAPair], criteria: Sequence[CriterionSpec]) -> list[ScoreDraft]:
        spans = answer_spans(pairs)
        span_terms = [surface_terms(s.text) for s in spans]
        index = _Bm25Index([[t for t, _ in singles] + [j.term for j in joined] for singles, joined in span_terms])
        return [self._score_criterion(criterion, spans, span_terms, index) for criterion in criteria]

    def _score_criterion(
        self,
        criterion: CriterionSpec,
        spans: list[Span],
        span_terms: list[tuple[list[tuple[str, str]], list[Joined]]],
        index: _Bm25Index,
    ) -> ScoreDraft:
        query = build_query(criterion)
        ranked: list[_Ranked] = []
        for span, (singles, joined) in zip(spans, span_terms, strict=True):
            matched = query.matched((t for t, _ in singles), joined)
            if qualifies(matched):
                ranked.append(_Ranked(span, index.score(span.order, matched), matched))
        ranked.sort(key=lambda r: (-r.bm25, r.span.order))
        chosen: list[_Ranked] = []
        for candidate in ranked:
            if all(normalise_for_match(candidate.span.text) != normalise_for_match(c.span.text) for c in chosen):
                chosen.append(candidate)
            if len(chosen) == MAX_EVIDENCE:
                break
        if not chosen:
            return ScoreDraft(criterion.key, None, INSUFFICIENT_EVIDENCE, ())
        chosen.sort(key=lambda r: r.span.order)
        evidence_terms = frozenset().union(*(r.matched for r in chosen))
        anchors = anchor_terms(criterion)
        score = score_from_evidence([sum(r.matched.values()) for r in chosen], evidence_terms, anchors)
        evidence = tuple(
            EvidenceDraft(r.span.turn.index, r.span.text, r.span.turn.start_s, r.span.turn.end_s) for r in chosen
        )
        return ScoreDraft(criterion.key, score, self._rationale(criterion, chosen, score), evidence)

    @staticmethod
    def _rationale(criterion: CriterionSpec, chosen: list[_Ranked], score: int) -> str:
        """Factual rationale: what matched what (AI-4). Quotes are left out if their words would trip AI-6."""
        strongest = max(sum(r.matched.values()) for r in chosen)
        summary = (
            f"{len(chosen)} span(s) quoted; strongest matched weight {strongest}; "
            f"score {score} from the local evidence rule (span count, span strength, anchor terms)."
        )
        words = criterion_words(criterion)

        def listed(matched: Iterable[str]) -> str:
            return ", ".join(sorted({words.get(t, t) for t in matched}))

        lines = [
            f"Matched '{_shorten(r.span.text)}' against '{criterion.name}' (criterion terms: {listed(r.matched)})."
            for r in chosen
        ]
        rationale = " ".join([*lines, summary])
        if check_scope(rationale):
            all_terms = listed(set().union(*(r.matched for r in chosen)))
            rationale = (
                f"Matched {len(chosen)} answer span(s) against '{criterion.name}' (criterion terms: {all_terms})."
            )
            rationale += f" {summary}"
        return rationale


class _Bm25Index:
    """BM25 over the interview's answer spans (rule step 3)."""

    def __init__(self, documents: list[list[str]]) -> None:
        self.tf = [Counter(doc) for doc in documents]
        self.lengths = [len(doc) for doc in documents]
        self.avg_length = (sum(self.lengths) / len(self.lengths)) if documents else 0.0
        df: Counter[str] = Counter()
        for doc in documents:
            df.update(set(doc))
        n = len(documents)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def score(self, doc: int, weights: dict[str, int]) -> float:
        """BM25 of one span for the given (matched) query terms and their weights."""
        tf, length = self.tf[doc], self.lengths[doc]
        norm = BM25_K1 * (1 - BM25_B + BM25_B * length / self.avg_length) if self.avg_length else BM25_K1
        total = 0.0
        for term in sorted(weights):
            f = tf.get(term, 0)
            if f:
                total += weights[term] * self.idf[term] * f * (BM25_K1 + 1) / (f + norm)
        return total
