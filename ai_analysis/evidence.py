"""Verbatim evidence checks and the offline evidence-retrieval scorer (AI-1, AI-2, AI-4, AI-5, AI-8).

``evidence_for_quote`` is the verbatim check ``ai_analysis.draft_checks`` applies to every provider's quotes: a quote
only counts as evidence when it occurs verbatim in a *candidate* turn. Comparison ignores differences in whitespace,
letter case and curly versus straight quotes and dashes, and nothing else: no fuzzy matching, no paraphrase.

``LocalEvidenceScorer`` is the local default provider's scorer (AI-2): evidence first, by meaning and by the
interview's structure, then a score from the criterion's anchors. Deterministic: the same transcript and criteria give
the same drafts.

Scoring rule (AI-4):

1. **Candidates for evidence** are the sentences of the candidate's answers (long unpunctuated runs cut into windows
   of at most 30 words). Interviewer turns never are. Left out: sentences under 5 words, questions the candidate asks,
   sentences the AI-6 check flags (feelings, looks, family, …), and every sentence of an answer turn in which the
   candidate says the example was not theirs ("that was really Johan's deal; I wasn't part of that account", "det var
   inte jag"): another person's achievement is no evidence for the candidate.
2. **Relevance** of a sentence to a criterion adds three signals:
   - *meaning* (English): the cosine similarity of the sentence's embedding with the criterion (name and
     description), its evidence guidance or its closest anchor, whichever is highest;
   - *structure*: how much more the question the sentence answers relates to this criterion than to the others (the
     question's similarity with the criterion minus its average over all criteria; nothing when there is only one
     criterion), plus 0.3 when the question is one of the criterion's interview-kit questions (similarity 0.8 or
     more), times 0.8: the answer to a question asked for a criterion is the first place to look. The interviewer's
     words only ever point to an answer; they are never evidence themselves;
   - *words*: 0.35 times the share of the criterion's own words in the sentence (name words count 3, description and
     guidance 2, anchors 1; two name words are a full share). Stems are compared on their first six letters so that
     Swedish inflections meet.
3. A sentence is **evidence** for a criterion when its relevance reaches 0.4, its own part (meaning and words,
   without the question's link) reaches 0.25 (not English: at least one of the criterion's words), and no other
   criterion's relevance for the same sentence is more than 0.06 higher. So a question about a criterion never
   makes an unrelated answer evidence. The three most relevant are quoted verbatim with their turn's
   timestamps. None -> ``score=None`` with the rationale "insufficient evidence": never a guess.
4. **Score**: two comparisons, rounded. How close the evidence comes to each anchor (the mean similarity over the
   quoted sentences per anchor level, turned into weights by a softmax with temperature 0.04: the expected level);
   and how well the best sentence matches the criterion's own description of what it asks for (similarity 0.15 or
   less is level 1, 0.45 or more level 5, linear between). The second counts twice: anchors that describe an absence
   ("does not track the numbers") share the topic's words and attract on-topic answers, good or weak, while a weak
   answer matches the description of good practice poorly. A weak answer therefore scores low.
5. **Not English** (fewer English than Swedish function words): the embedding model reads English only, so it is not
   used. Relevance is the question link by the criterion's words plus the word share (step 2), with the same floor,
   and the score is the anchor level whose words the evidence shares most (3 when none). The rationale says so.

The model is all-MiniLM-L6-v2 (int8, ONNX) from ``ai_analysis.semantic``, loaded once per process and checked by
SHA-256 first. The scorer looks at what was said, never at how: hedges, filler words, pace and tone carry no weight
(AI-5, AI-6). Rationales say in plain words which of the candidate's words the score rests on and which anchor they
come closest to, never anything about the person, no weights and no word lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

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

NAME_WEIGHT = 3  # a criterion's words, by where they stand (used by the word-overlap signal)
DESCRIPTION_WEIGHT = 2
ANCHOR_WEIGHT = 1
MAX_EVIDENCE = 3


# --- The semantic, evidence-first scorer (the local provider's) --------------------------------------------------

# Function words that tell English from other languages: the embedding model reads English only, so other
# interviews are scored from the interview's structure and the criterion's own words (see the module docstring).
_ENGLISH_WORDS_TEXT = (
    "the and to of a in is was that it for on with as at by this we they he she you are have had be from or not "
    "but what when so if my our their there which would about then them"
)
_ENGLISH_WORDS = frozenset(_ENGLISH_WORDS_TEXT.split())
_SWEDISH_WORDS_TEXT = (
    "och att det som en ett är var jag vi du han hon de för på med av till inte har hade den om så men kan vad "
    "när eller också efter från alla mycket sig min mitt vår hur här där man"
)
_SWEDISH_WORDS = frozenset(_SWEDISH_WORDS_TEXT.split())
_SWEDISH_STOP_TEXT = (
    "dem deras dig din ditt er era hans hennes henne honom mig oss sin sitt sina skulle ska sedan sen nu bara "
    "lite mer mest ut upp in ner över under mellan utan vid åt nog väl ju alltså någon något några varje "
    "blev blir bli vara varit fick får gör gjorde göra sa säger"
)
_SWEDISH_STOP_WORDS = _SWEDISH_WORDS | frozenset(_SWEDISH_STOP_TEXT.split())

# The candidate says the example is not their own (labelling rule: another person's achievement is no evidence for
# the candidate). Matched per turn: the whole answer turn is then not evidence. English and Swedish.
_NOT_MINE = re.compile(
    r"\b(?:"
    r"i\s+(?:wasn['’]?t|was\s+not|didn['’]?t|did\s+not)\s+"
    r"(?:part\s+of|involved|there|on\s+(?:that|the)\s+(?:team|project|account|job|shift|case)|"
    r"work\s+on\s+(?:it|that|this|the)|do\s+any\s+of\s+(?:it|that|the)|take\s+part|have\s+anything\s+to\s+do)"
    r"|i\s+had\s+nothing\s+to\s+do\s+with"
    r"|i\s+was\s+(?:on|at|in|doing)\s+(?:a\s+)?(?:different|another|other)\s+\w+"
    r"|(?:that|it)\s+was\s+(?:really\s+|actually\s+|all\s+)?(?:his|her|their)\s+(?:deal|project|work|idea|case|job)"
    r"|(?:that|it)\s+was\s+(?:really\s+|actually\s+|all\s+)?(?:my\s+\w+|[A-Z][a-z]+)['’]s\s+"
    r"(?:deal|project|work|idea|case|job)"
    r"|not\s+my\s+(?:own\s+)?(?:deal|project|work|case|idea|account)"
    r"|jag\s+var\s+inte\s+(?:med|inblandad|delaktig|där)|det\s+var\s+inte\s+jag|det\s+var\s+(?:hans|hennes|deras)\b"
    r"|jag\s+(?:var|jobbade)\s+(?:på|med)\s+(?:ett\s+)?(?:annat|en\s+annan)\s+\w+"
    r")",
    re.IGNORECASE,
)

LEXICAL_PREFIX = 6  # word stems compared on their first letters, so inflections ("ärendet"/"ärenden") still meet
LEXICAL_FULL = 6  # matched criterion-word weight that counts as full overlap (two words of the criterion's name)
SEMANTIC_WEIGHT = 1.0  # how the signals add up, per answer sentence and criterion (see the module docstring)
LINK_WEIGHT = 0.8
LEXICAL_WEIGHT = 0.35
EVIDENCE_FLOOR = 0.4  # a sentence below this combined relevance is never evidence
CONTENT_FLOOR = 0.25  # ...nor one whose own words (without the question's link) relate less than this
LEXICAL_FLOOR = 0.5  # without the model (not English): the floor on question link + word overlap
KIT_MATCH = 0.8  # a question this similar to a kit question is that kit question (rephrased by the interviewer)
KIT_BONUS = 0.3  # ...and links its answer to the kit question's criterion
BEST_MARGIN = 0.06  # evidence for a criterion only if no other criterion fits the sentence clearly better
MIN_EVIDENCE_WORDS = 5
ANCHOR_TEMPERATURE = 0.04  # softmax over the anchors' similarities: 0.04 apart is a clear preference
STRENGTH_LOW, STRENGTH_HIGH = 0.15, 0.45  # similarity to the criterion's own text that maps to level 1 and 5
STRENGTH_SHARE = 2 / 3  # the criterion's own text counts twice as much as the anchors (see _level)


def looks_english(texts: Iterable[str]) -> bool:
    """Whether the interview reads as English (at least as many English as Swedish function words)."""
    english = swedish = 0
    for text in texts:
        for word in _WORD.findall(text.lower()):
            english += word in _ENGLISH_WORDS
            swedish += word in _SWEDISH_WORDS
    return english >= swedish


def not_the_candidates_own(text: str) -> bool:
    """The candidate says the example was someone else's, or that they were not involved."""
    return bool(_NOT_MINE.search(text))


def lexical_terms(text: str) -> set[str]:
    """Content words of ``text`` (English and Swedish stop words removed), stemmed and cut to LEXICAL_PREFIX."""
    words = (w.lower() for w in _WORD.findall(text.replace("\u2019", "'")))
    return {
        stem(w)[:LEXICAL_PREFIX] for w in words if len(w) > 2 and w not in STOP_WORDS and w not in _SWEDISH_STOP_WORDS
    }


def lexical_weights(criterion: CriterionSpec) -> dict[str, int]:
    """The criterion's words, weighted 3 (name), 2 (description, evidence guidance) or 1 (anchors only)."""
    weights: dict[str, int] = {}
    sources = [(NAME_WEIGHT, criterion.name), (DESCRIPTION_WEIGHT, criterion.description)]
    sources += [(DESCRIPTION_WEIGHT, criterion.evidence_guidance)]
    sources += [(ANCHOR_WEIGHT, text) for _, text in sorted(criterion.anchors.items())]
    for weight, text in sources:
        for term in lexical_terms(text):
            weights[term] = max(weights.get(term, 0), weight)
    return weights


def lexical_overlap(text: str, weights: Mapping[str, int]) -> float:
    """0..1: how much of the criterion's own wording ``text`` uses (its name's words weigh most)."""
    return min(1.0, sum(weights.get(term, 0) for term in lexical_terms(text)) / LEXICAL_FULL)


def criterion_text(criterion: CriterionSpec) -> str:
    return f"{criterion.name}. {criterion.description}".strip()


def _shorten(text: str, words: int = 14) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def quotable(span: Span) -> bool:
    """A sentence that can be evidence: long enough to say something, not a question the candidate asks, and
    nothing a score may not rest on (AI-6: a sentence about feelings, looks, family and the like is never
    quoted)."""
    text = span.text
    return len(text.split()) >= MIN_EVIDENCE_WORDS and not text.rstrip().endswith("?") and not check_scope(text)


CLOSEST = "Of the score descriptions, they come closest to"  # the rationale's sentence naming the closest anchor
_CLOSEST = re.compile(re.escape(CLOSEST) + r" ([1-5]): \u201c(.+?)\u201d\.")


def closest_description(rationale: str) -> tuple[int, str] | None:
    """The anchor level and text a local rationale names as closest, or None (another provider, or edited away)."""
    found = _CLOSEST.search(rationale or "")
    return (int(found.group(1)), found.group(2)) if found else None


@dataclass(frozen=True)
class _Candidate:
    span: Span
    relevance: float  # the combined signal (module docstring, step 2)
    anchor_sims: dict[int, float]  # similarity to each anchor level's text (English only)
    strength: float  # similarity to the criterion's own description or guidance (English only)


class LocalEvidenceScorer:
    """The local provider's scorer: evidence found by meaning and by the interview's structure, scored against the
    criterion's anchors (AI-2, AI-4); the rule is in the module docstring. ``encode`` (texts -> unit vectors) is the
    process's embedding model (``ai_analysis.semantic``) unless a caller passes another."""

    def __init__(self, encode: Callable[[list[str]], np.ndarray] | None = None):
        self._encode = encode

    def encode(self, texts: list[str]) -> np.ndarray:
        if self._encode is None:
            from ai_analysis.semantic.model import encoder

            self._encode = encoder().embed
        return self._encode(texts)

    def score(self, pairs: Sequence[QAPair], criteria: Sequence[CriterionSpec]) -> list[ScoreDraft]:
        spans = [s for s in answer_spans(pairs) if quotable(s) and not not_the_candidates_own(s.turn.text)]
        if not spans or not criteria:
            return [ScoreDraft(c.key, None, INSUFFICIENT_EVIDENCE, ()) for c in criteria]
        question_of = {turn.index: pair.question for pair in pairs for turn in pair.answer_turns}
        questions = [question_of.get(s.turn.index) for s in spans]
        english = looks_english([s.text for s in spans] + [criterion_text(c) for c in criteria])
        relevance = np.zeros((len(criteria), len(spans)))  # relevance[c, s]: step 2 of the rule
        anchor_sims = [[{} for _ in spans] for _ in criteria]
        strength = np.zeros((len(criteria), len(spans)))
        content = np.zeros((len(criteria), len(spans)))  # the sentence's own part of the relevance (no link)
        for ci, criterion in enumerate(criteria):
            weights = lexical_weights(criterion)
            content[ci] = LEXICAL_WEIGHT * np.array([lexical_overlap(s.text, weights) for s in spans])
            relevance[ci] = content[ci]
            if not english:  # without the model, a question is linked to a criterion by the criterion's words
                links = [lexical_overlap(q.text, weights) if q is not None else 0.0 for q in questions]
                relevance[ci] += LINK_WEIGHT * np.array(links)
        if english:
            self._add_meaning(spans, questions, criteria, relevance, content, anchor_sims, strength)
        floor, content_floor = (EVIDENCE_FLOOR, CONTENT_FLOOR) if english else (LEXICAL_FLOOR, 1e-9)
        best = relevance.max(axis=0)
        drafts = []
        for ci, criterion in enumerate(criteria):
            chosen = [
                _Candidate(spans[si], float(relevance[ci, si]), anchor_sims[ci][si], float(strength[ci, si]))
                for si in np.argsort(-relevance[ci], kind="stable")
                if relevance[ci, si] >= floor
                and content[ci, si] >= content_floor
                and relevance[ci, si] >= best[si] - BEST_MARGIN
            ][:MAX_EVIDENCE]
            drafts.append(self._draft(criterion, chosen, english))
        return drafts

    def _add_meaning(self, spans, questions, criteria, relevance, content, anchor_sims, strength) -> None:
        """Meaning (English): each sentence against the criterion's text and anchors, and the question it answers
        against the criterion and the criterion's kit questions (the answer to a question asked for a criterion is
        the first place to look)."""
        asked = list(dict.fromkeys(q.text for q in questions if q is not None))
        anchors = [(ci, level, text) for ci, c in enumerate(criteria) for level, text in sorted(c.anchors.items())]
        kits = [(ci, text) for ci, c in enumerate(criteria) for text in c.questions]
        vectors = iter(
            np.split(
                self.encode(
                    [s.text for s in spans]
                    + asked
                    + [criterion_text(c) for c in criteria]
                    + [c.evidence_guidance or criterion_text(c) for c in criteria]
                    + [text for _, _, text in anchors]
                    + [text for _, text in kits]
                ),
                np.cumsum([len(spans), len(asked), len(criteria), len(criteria), len(anchors)]),
            )
        )
        span_v, asked_v, criterion_v, guidance_v, anchor_v, kit_v = (next(vectors) for _ in range(6))
        # What a question asks about one criterion more than about the others (with one criterion: nothing), and
        # whether it is one of the criterion's kit questions (asked as written or nearly so).
        links = asked_v @ criterion_v.T  # (questions, criteria)
        links = links - links.mean(axis=1, keepdims=True)
        kit_asked = np.zeros_like(links)
        for k, (ci, _) in enumerate(kits):
            kit_asked[:, ci] = np.maximum(kit_asked[:, ci], asked_v @ kit_v[k] >= KIT_MATCH)
        links += KIT_BONUS * kit_asked
        asked_at = {text: i for i, text in enumerate(asked)}
        for ci in range(len(criteria)):
            own = np.maximum(span_v @ criterion_v[ci], span_v @ guidance_v[ci])
            per_level = {level: span_v @ anchor_v[k] for k, (c, level, _) in enumerate(anchors) if c == ci}
            to_anchors = np.max(np.stack(list(per_level.values())), axis=0) if per_level else own
            link = np.array([links[asked_at[q.text], ci] if q is not None else 0.0 for q in questions])
            meaning = SEMANTIC_WEIGHT * np.maximum(own, to_anchors)
            content[ci] += meaning
            relevance[ci] += meaning + LINK_WEIGHT * link
            strength[ci] = own
            for si in range(len(spans)):
                anchor_sims[ci][si] = {level: float(sims[si]) for level, sims in per_level.items()}

    def _draft(self, criterion: CriterionSpec, chosen: list[_Candidate], english: bool) -> ScoreDraft:
        if not chosen:
            return ScoreDraft(criterion.key, None, INSUFFICIENT_EVIDENCE, ())
        score, closest, match = self._level(criterion, chosen, english)
        chosen = sorted(chosen, key=lambda c: c.span.order)
        evidence = tuple(
            EvidenceDraft(c.span.turn.index, c.span.text, c.span.turn.start_s, c.span.turn.end_s) for c in chosen
        )
        return ScoreDraft(criterion.key, score, self._rationale(criterion, chosen, closest, match), evidence)

    @staticmethod
    def _level(criterion: CriterionSpec, chosen: list[_Candidate], english: bool) -> tuple[int, int | None, float]:
        """The score (module docstring, step 4), the anchor level the evidence is closest to, and how well it
        matches the criterion's own text (0..1)."""
        levels = sorted(level for level in criterion.anchors if 1 <= level <= 5)
        if english:
            best = max(c.strength for c in chosen)
            match = min(1.0, max(0.0, (best - STRENGTH_LOW) / (STRENGTH_HIGH - STRENGTH_LOW)))
            from_text = 1 + 4 * match
            if not levels:
                return int(from_text + 0.5), None, match
            sims = np.array([np.mean([c.anchor_sims[level] for c in chosen]) for level in levels])
            pull = np.exp((sims - sims.max()) / ANCHOR_TEMPERATURE)
            from_anchors = float((pull / pull.sum()) @ np.array(levels, dtype=float))
            value = STRENGTH_SHARE * from_text + (1 - STRENGTH_SHARE) * from_anchors
            return max(1, min(5, int(value + 0.5))), levels[int(np.argmax(sims))], match
        if not levels:
            return 3, None, -1.0
        said = set().union(*(lexical_terms(c.span.text) for c in chosen))
        shares = [
            len(lexical_terms(criterion.anchors[lv]) & said) / max(1, len(lexical_terms(criterion.anchors[lv])))
            for lv in levels
        ]
        if not any(shares):
            return 3, None, -1.0
        closest = levels[int(np.argmax(shares))]
        return closest, closest, -1.0

    @staticmethod
    def _rationale(criterion: CriterionSpec, chosen: list[_Candidate], closest, match: float) -> str:
        """Plain language for the recruiter and the candidate: the words the score rests on, the score description
        they come closest to, and how well they match what the criterion asks for. No number (a reviewer may change
        the score), no weights, word lists or ids; a sentence that would trip the AI-6 check is left out."""
        quotes = "; ".join(f"\u201c{_shorten(c.span.text)}\u201d" for c in chosen)
        parts = [f"The score rests on these words from the answers: {quotes}."]
        if closest is not None:
            parts.append(f"{CLOSEST} {closest}: \u201c{criterion.anchors[closest].strip().rstrip('.')}\u201d.")
        elif match < 0 or criterion.anchors:
            parts.append("The score descriptions did not point to a level, so the middle one is used.")
        else:
            parts.append("The criterion has no score descriptions, so the score follows how well they match it.")
        if match >= 0 and criterion.description.strip():
            how = "closely" if match >= 0.75 else "in part" if match >= 0.4 else "only loosely"
            asks = criterion.description.strip().rstrip(".")
            described = f"They match {how} what the criterion asks for: \u201c{asks}\u201d."
            if not check_scope(described):
                parts.append(described)
                if closest is not None:
                    parts.append("The draft score weighs both.")
        elif match < 0:
            parts.append(
                "The scorer's language model reads English only, so this answer was matched by the question it "
                "answers and the words it shares with the criterion."
            )
        return " ".join(part for part in parts if not check_scope(part))
