"""Bias controls, scope limits and the candidate-feedback guardrail (AI-5, AI-6, AI-7).

* ``redact_identifiers`` strips the candidate's name, email addresses and phone numbers from evaluation input (AI-5).
* ``check_scope`` finds text that rates or describes what AI-6 puts out of scope: personality, culture fit, emotional
  state, tone of voice, accent, protected traits, appearance and body language. Provider outputs that trip it are
  rejected. It is a word-and-phrase check (English and Swedish), tuned so that ordinary competence rationales pass
  ("race condition", "stress test", "happy path", "user-friendly", "senior engineer" are not violations).
* ``candidate_feedback`` validates candidate-facing feedback and falls back to a neutral template that names only
  the criteria (AI-7); ``draft_candidate_feedback_from_notes`` is the local provider's generator, which never copies
  recruiter notes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ai_analysis.types import CriterionSpec, ScoreDraft

# --- Shared patterns ----------------------------------------------------------------------------------------------

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
_STRAIGHT = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def _is_phone(text: str) -> bool:
    digits = sum(ch.isdigit() for ch in text)
    return 7 <= digits <= 15 and not any(p.match(text) for p in _NOT_A_PHONE)


def find_phone_numbers(text: str) -> list[str]:
    """Phone-number-like sequences in ``text`` (7–15 digits; dates, years, IPs and grouped amounts excluded)."""
    return [m.group(0) for m in _PHONE_CANDIDATE.finditer(text) if _is_phone(m.group(0))]


def _boundary(alternatives: Iterable[str]) -> re.Pattern[str]:
    """One case-insensitive regex matching any alternative as whole words (a hyphen before it counts as joined)."""
    body = "|".join(sorted(alternatives, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{body})(?!\w)", re.IGNORECASE)


# --- AI-5: redaction ----------------------------------------------------------------------------------------------

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


# --- AI-6: scope --------------------------------------------------------------------------------------------------

# Technical phrases that contain an out-of-scope word but are about the work; masked before matching.
TECHNICAL_PHRASES = _boundary(
    [
        r"race[- ]conditions?",
        r"data[- ]races?",
        r"race[- ]free",
        r"stress[- ]?test\w*",
        r"load and stress",
        r"happy[- ]path",
        r"confidence (?:intervals?|levels?|scores?|thresholds?)",
        r"kernel panics?",
        r"accent colou?rs?",
        r"black[- ]box",
        r"(?:users|customers|people|visitors|players|employees|citizens|patients) with disabilit(?:y|ies)",
        r"voice (?:calls?|assistants?|over ip|interfaces?|recognition|channels?|notes?|of the customer|search)",
        r"(?:tls|ssl|tcp|three-way) handshakes?",
        r"handshake protocols?",
        r"(?:swipe|touch|mobile) gestures?",
        r"dress rehearsals?",
        r"(?:old|older|legacy) (?:system|systems|code|codebase|monolith|version|versions|api|apis)",
        r"gammal kod",
        r"code smells?",
        r"lazy[- ](?:load\w*|evaluat\w*|initiali[sz]\w*|iterators?|sequences?|queries)",
        r"fail(?:s|ed|ing)? loudly",
    ]
)

SCOPE_TERMS: dict[str, list[str]] = {
    "personality": [
        r"personalit(?:y|ies)",
        r"(?:character|personality) traits?",
        r"temperament\w*",
        r"introvert\w*",
        r"extr[ao]vert\w*",
        r"charism\w*",
        r"charming",
        r"lik(?:e)?able",
        r"unlik(?:e)?able",
        r"likeability",
        r"(?:un)?pleasant (?:person|guy|man|woman|manner)",
        r"(?:very |quite |really )?(?:un)?friendly (?:person|guy|man|woman|manner|demeanou?r)",
        r"demeanou?r",
        r"outgoing (?:person|personality|guy|man|woman|type)",
        r"shy(?:ness)?",
        r"timid\w*",
        r"arrogan\w*",
        r"humble",
        r"humility",
        r"modesty",
        r"cocky",
        r"confident(?:ly)?",
        r"confidence",
        r"self-confiden\w*",
        r"self-assured",
        r"self-esteem",
        r"assertive\w*",
        r"enthusias\w*",
        r"passionate\w*",
        r"energetic",
        r"cheerful",
        r"grumpy",
        r"attitude",
        r"emotional intelligence",
        r"conscientious\w*",
        r"agreeableness",
        r"neurotic\w*",
        r"narcissis\w*",
        r"rude(?:ness)?",
        r"polite(?:ness)?",
        r"(?:dis)?honest(?:y)?",
        r"(?:un)?trustworthy",
        r"personable",
        r"sociable",
        r"socially awkward",
        r"awkward (?:person|guy|man|woman|manner|silences?)",
        r"mbti",
        r"myers-briggs",
        r"people person",
        r"(?:nice|good|great|lovely|bad|decent) (?:guy|person|bloke|girl|lady|fellow)",
        # Swedish
        r"personlighet\w*",
        r"utåtriktad\w*",
        r"inåtvänd\w*",
        r"blyg\w*",
        r"(?:o)?sympatisk\w*",
        r"(?:o)?trevlig\w*",
        r"karismatisk\w*",
        r"attityd\w*",
        r"självsäker\w*",
        r"självförtroende\w*",
        r"ödmjuk\w*",
        r"social kompetens",
        r"kaxig\w*",
        r"stöddig\w*",
        r"charmig\w*",
        r"ärlig\w*",
    ],
    "culture fit": [
        r"cultur(?:e|al) (?:fit|add|match)",
        r"(?:good|bad|poor|great|right|wrong|natural) fit (?:for|with|in) (?:the|our|this) "
        r"(?:team|culture|company|people|group|office)",
        r"fits? (?:in |right in )?(?:well )?(?:with|into|in) (?:the|our|this) (?:team|culture|company|group|office)",
        r"fit in well",
        r"team (?:fit|player)",
        r"one of us",
        r"vibes?",
        r"(?:good|great|personal|bad|no) chemistry",
        r"kulturell (?:passform|match)",
        r"kulturmatch\w*",
        r"pass(?:ar|a|ade) (?:bra |inte )?in (?:i|hos) (?:teamet|gruppen|kulturen|företaget|oss)",
        r"(?:god |bra |dålig )?personkemi",
        r"(?:god|bra|dålig) kemi",
        r"lagspelare",
    ],
    "emotion": [
        r"emotion(?:s|al|ally)?",
        r"nervous\w*",
        r"nerves",
        r"anxious\w*",
        r"anxiety",
        r"stressed",
        r"upset",
        r"angry",
        r"anger",
        r"irritable",
        r"sad(?:ness)?",
        r"(?:un)?happy",
        r"excite(?:d|ment)",
        r"bored",
        r"calm(?:ly|ness)?",
        r"composure",
        r"flustered",
        r"rattled",
        r"panick(?:ed|y)",
        r"moody",
        r"mood",
        r"tearful",
        r"uncomfortable",
        r"uneasy",
        r"at ease",
        r"feelings",
        r"(?:mental|emotional) state",
        r"state of mind",
        r"afraid",
        r"scared",
        r"worried",
        # Swedish
        r"känslo\w*",
        r"känslor",
        r"nervös\w*",
        r"stressad\w*",
        r"ängslig\w*",
        r"orolig\w*",
        r"(?:blev|verkade|var) arg(?:a)?",
        r"arg(?:a)? (?:på|över)",
        r"argt",
        r"ilsk\w*",
        r"ledsen",
        r"glad(?:a)?",
        r"upprörd\w*",
        r"irriterad\w*",
        r"rädd",
        r"sinnesstämning",
        r"humör\w*",
    ],
    "tone of voice": [
        r"tones? of (?:voice|speech)",
        r"tone",
        r"(?:his|her|their|candidate'?s?) (?:voice|intonation)",
        r"voice (?:was|is|sounded|sounds|seemed|cracked)",
        r"(?:well|soft|fast|quiet|loud)[- ]spoken",
        r"(?:loud|quiet|soft|shaky) voice",
        r"spoke (?:too )?(?:quietly|softly|loudly|fast|quickly|slowly|clearly|well|confidently|hesitantly|nervously)",
        r"monoton\w*",
        r"intonation",
        r"(?:high|low)-pitched",
        r"mumbl\w*",
        r"stutter\w*",
        r"stammer\w*",
        r"filler words",
        r"ums and ahs",
        r"(?:very|quite|not|is|was|seems|seemed|highly|extremely|really|so) articulate",
        r"eloquen\w*",
        r"sound(?:ed|s) (?:nervous|confident|unsure|bored|tired|hesitant|arrogant|uncertain|insecure)",
        r"hesitan\w*",
        r"hesitat\w*",
        r"speaking (?:pace|speed|style|manner|voice)",
        r"(?:pace|manner|way) of (?:speaking|speech)",
        # Swedish
        r"rösten",
        r"röstläge",
        r"tonfall\w*",
        r"tonläge\w*",
        r"talade (?:tyst|högt|snabbt|långsamt|otydligt)",
        r"mumla\w*",
        r"stamma\w*",
        r"tvekande",
        r"tvekade",
    ],
    "accent": [
        r"accent(?:s|ed)?",
        r"native speaker\w*",
        r"non-native",
        r"(?:regional|strong|thick|heavy|local|his|her|their) dialects?",
        r"pronunciation",
        r"brytning",
        r"bryter på",
        r"dialekt\w*",
        r"uttal\w*",
    ],
    "age": [
        r"(?:his|her|their|your|candidate'?s?) age",
        r"(?:of|at) (?:his|her|their) age",
        r"aged \d+",
        r"(?:he|she|they)(?:'s| is| are|'re| was| were) (?:about |around |almost |over |under |nearly )?\d+"
        r"(?:[- ]years?[- ]old)?",
        r"\d+[- ]years?[- ]old (?:candidate|person|man|woman|guy|lady|applicant|engineer|developer)",
        r"years of age",
        r"too (?:old|young)",
        r"(?:old|older|young|younger|elderly|middle-aged|youthful) "
        r"(?:candidate|person|man|woman|guy|lady|applicant|engineer|developer|people|hire|gentleman|girl|boy)",
        r"(?:young|younger|youthful|older) (?:team|teams|workforce|crowd|environment|colleagues)",
        r"elderly",
        r"middle-aged",
        r"youthful",
        r"millennials?",
        r"boomers?",
        r"gen[- ]?z",
        r"generation z",
        r"zoomers?",
        r"(?:close to |near )?retirement age",
        r"ålder\w*",
        r"för (?:gammal|ung)",
        r"(?:gammal|ung|äldre|yngre) (?:kandidat|person|man|kvinna|kille|tjej)",
    ],
    "gender": [
        r"gender\w*",
        r"sex",
        r"female\w*",
        r"male",
        r"wom[ae]n(?:ly)?",
        r"manly",
        r"masculin\w*",
        r"feminin\w*",
        r"girls?",
        r"lad(?:y|ies)",
        r"boys?",
        r"transgender",
        r"trans (?:woman|man|person)",
        r"non-?binary",
        r"pronouns",
        r"kvinn\w*",
        r"manlig\w*",
        r"kill(?:e|ar)",
        r"tjej\w*",
        r"flick(?:a|or|an|orna)",
        r"pojk\w*",
        r"könsidentitet\w*",
        r"könsöverskridande\w*",
        r"könet",
    ],
    "ethnicity or race": [
        r"race",
        r"races",
        r"racial\w*",
        r"racis\w*",
        r"ethnic\w*",
        r"skin (?:colou?r|tone)",
        r"complexion",
        r"(?:ethnic|racial|religious|sexual|visible) minorit(?:y|ies)",
        r"minority (?:background|group)",
        r"immigra\w*",
        r"foreign[- ](?:born|background)",
        r"foreigners?",
        r"non-white",
        r"(?:person|people) of colou?r",
        r"caucasian",
        r"hispanic",
        r"latin[oa]s?",
        r"etni\w*",
        r"hudfärg\w*",
        r"invandr\w*",
        r"utländsk bakgrund",
        r"utlandsfödd\w*",
        r"utlänning\w*",
        r"svenskfödd\w*",
        r"rasifierad\w*",
    ],
    "religion": [
        r"religio\w*",
        r"christianity",
        r"christian (?:faith|beliefs?)",
        r"muslim\w*",
        r"islam\w*",
        r"jewish",
        r"judaism",
        r"hindu\w*",
        r"buddhis\w*",
        r"sikh\w*",
        r"atheis\w*",
        r"catholic\w*",
        r"protestant\w*",
        r"church\w*",
        r"mosques?",
        r"synagogues?",
        r"hijab\w*",
        r"head ?scarf",
        r"kippah",
        r"yarmulke",
        r"turban\w*",
        r"ramadan",
        r"kristen",
        r"kristna",
        r"judisk\w*",
        r"slöja\w*",
        r"kyrk\w*",
        r"moské\w*",
        r"troende",
    ],
    "disability or health": [
        r"disabilit(?:y|ies)",
        r"disabled (?:person|people|candidate|applicant|man|woman)",
        r"handicap\w*",
        r"wheelchairs?",
        r"autis\w*",
        r"asperger\w*",
        r"adhd",
        r"dyslexi\w*",
        r"dyslexic",
        r"hearing (?:impaired|impairment|loss|aid)",
        r"deaf",
        r"visually impaired",
        r"mental (?:health|illness|disorder|condition)",
        r"depressed",
        r"bipolar",
        r"schizophren\w*",
        r"chronic (?:illness|pain|condition)",
        r"medical condition\w*",
        r"health (?:issues?|problems?|condition)",
        r"sick leave",
        r"neurodiver\w*",
        r"tourette\w*",
        r"sjukskriv\w*",
        r"funktionsnedsätt\w*",
        r"funktionshind\w*",
        r"handikapp\w*",
        r"rullstol\w*",
        r"psykisk ohälsa",
        r"utbränd\w*",
    ],
    "pregnancy or family status": [
        r"pregnan\w*",
        r"maternity",
        r"paternity",
        r"parental leave",
        r"expecting a (?:baby|child)",
        r"family plans",
        r"plans? to have (?:children|kids|a family|a baby)",
        r"has (?:young |small )?(?:children|kids)",
        r"(?:single )?(?:mother|father|mom|mum|dad) of",
        r"married",
        r"marital",
        r"marriage",
        r"divorced",
        r"husband",
        r"wife",
        r"spouse",
        r"(?:girl|boy)friend",
        r"gravid\w*",
        r"graviditet\w*",
        r"föräldraledig\w*",
        r"mammaledig\w*",
        r"pappaledig\w*",
        r"småbarn\w*",
        r"barnledig\w*",
    ],
    "sexual orientation": [
        r"sexual (?:orientation|preference)",
        r"sexuality",
        r"gay",
        r"lesbian\w*",
        r"bisexual\w*",
        r"homosexual\w*",
        r"heterosexual\w*",
        r"queer",
        r"lgbt\w*",
        r"sexuell läggning",
        r"homosexuell\w*",
        r"heterosexuell\w*",
        r"bisexuell\w*",
        r"bög\w*",
        r"flata",
        r"hbtq\w*",
    ],
    "nationality": [
        r"nationalit(?:y|ies)",
        r"national origin",
        r"citizenship",
        r"country of origin",
        r"where (?:he|she|they) (?:is|are|comes?|come) from",
        r"nationalitet\w*",
        r"medborgarskap\w*",
        r"ursprungsland\w*",
        r"härkomst",
    ],
    "political opinion or union membership": [
        r"political (?:views?|opinions?|affiliation|beliefs?|leanings?)",
        r"union member\w*",
        r"trade union\w*",
        r"fackförening\w*",
        r"fackligt",
        r"politisk\w* (?:åsikt\w*|tillhörighet)",
    ],
    "appearance": [
        r"appearance",
        r"(?:good|nice|great|bad) looks",
        r"good-looking",
        r"looked (?:tired|sloppy|young|old|professional|nice|good|great|messy|smart|unkempt|scruffy)",
        r"(?:physically )?unattractive",
        r"physically attractive",
        r"attractive (?:man|woman|person|candidate|guy|lady)",
        r"pretty (?:face|girl|woman|lady)",
        r"handsome",
        r"(?:beautiful|ugly) (?:woman|man|person|girl|lady|face|guy)",
        r"overweight",
        r"obes\w*",
        r"skinny",
        r"(?:tall|short) (?:man|woman|person|guy|girl|lady)",
        r"(?:well-|badly |poorly |nicely )?dressed",
        r"outfit\w*",
        r"attire",
        r"cloth(?:es|ing)",
        r"hair(?:cut|style)?",
        r"beard\w*",
        r"tattoo\w*",
        r"piercings?",
        r"make-?up",
        r"well-groomed",
        r"unkempt",
        r"scruffy",
        r"physique",
        r"body (?:type|shape|weight|odou?r)",
        r"smell\w*",
        r"(?:personal|poor|bad) hygiene",
        r"utseende\w*",
        r"snygg(?:a)? (?:kille|tjej|person|man|kvinna)",
        r"ful(?:a)? (?:kille|tjej|person|man|kvinna)",
        r"klädd",
        r"klädsel\w*",
        r"kläder\w*",
        r"frisyr\w*",
        r"tatuer\w*",
        r"skägg\w*",
        r"smink\w*",
        r"överviktig\w*",
        r"tjock(?:a)? (?:kille|tjej|person|man|kvinna)",
    ],
    "body language": [
        r"body language",
        r"eye contact",
        r"(?:his|her|their|poor|bad|good|slouched|upright) posture",
        r"facial expressions?",
        r"smil(?:e|ed|es|ing)",
        r"fidget\w*",
        r"(?:firm|weak|limp) handshake",
        r"(?:his|her|their) handshake",
        r"hand gestures?",
        r"gesturing",
        r"nodd(?:ed|ing)",
        r"slouch\w*",
        r"crossed arms",
        r"kroppsspråk\w*",
        r"ögonkontakt\w*",
        r"hållning\w*",
        r"leende",
    ],
}

_SCOPE_PATTERNS: dict[str, re.Pattern[str]] = {category: _boundary(terms) for category, terms in SCOPE_TERMS.items()}


def check_scope(text: str) -> list[str]:
    """Violations of the AI-6 scope limits in ``text``, as ``"<category>: <matched words>"`` (empty when clean)."""
    masked = TECHNICAL_PHRASES.sub(" ", text.translate(_STRAIGHT))
    found: list[str] = []
    for category, pattern in _SCOPE_PATTERNS.items():
        for match in pattern.finditer(masked):
            violation = f"{category}: {' '.join(match.group(0).lower().split())}"
            if violation not in found:
                found.append(violation)
    return found


def draft_violates_scope(draft: ScoreDraft) -> list[str]:
    """AI-6 check of a provider's score draft: its rationale must stay within scope (the quotes are the candidate's)."""
    return check_scope(draft.rationale)


# --- AI-7: candidate feedback -------------------------------------------------------------------------------------

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

# A trailing "*" means "and any word it starts"; other entries match whole words plus common English endings.
VULGAR_TERMS: tuple[str, ...] = (
    "fuck*",
    "motherf*",
    "fck",
    "fckn",
    "fcking",
    "fuk",
    "fukin",
    "fking",
    "wtf",
    "stfu",
    "shit",
    "shite",
    "shitty",
    "shithead",
    "shitshow",
    "bullshit",
    "sht",
    "crap",
    "crappy",
    "damn",
    "dammit",
    "goddamn",
    "piss",
    "pissed",
    "bitch",
    "bitchy",
    "btch",
    "bastard",
    "asshole",
    "arsehole",
    "ass",
    "arse",
    "dumbass",
    "jackass",
    "dick",
    "dickhead",
    "cock",
    "prick",
    "twat",
    "wank*",
    "cunt*",
    "bollocks",
    "bloody",
    "bugger",
    "douche*",
    "scumbag",
    "jerk",
    "slut",
    "whore",
    "retard*",
    "spaz",
    "spastic",
    "tranny",
    "fag",
    "faggot",
    "dyke",
    "nigg*",
    "chink",
    "paki",
    "kike",
    # Swedish
    "jävl*",
    "jävel",
    "helvete*",
    "skit*",
    "fitta",
    "fittig",
    "kuk",
    "kukhuvud",
    "hora",
    "horunge",
    "rövhål",
    "röv",
    "satan",
    "satans",
    "pucko",
    "efterbliv*",
    "cp-skadad",
    "neger",
    "negrer",
    "blatte*",
    "svartskall*",
    "fjolla",
    "subba",
    "slyna",
    "arsle",
)
VULGAR_PHRASES: tuple[str, ...] = (r"för fan", r"fan också", r"fan ta", r"vad fan", r"fan i helvete", r"fy fan")

JUDGMENTAL_LABELS: tuple[str, ...] = (
    "lazy",
    "lazily",
    "laziness",
    "arrogant",
    "arrogance",
    "weird",
    "weirdo",
    "boring",
    "bored",
    "nervous",
    "nervy",
    "rude",
    "annoying",
    "irritating",
    "cocky",
    "smug",
    "sloppy",
    "stupid",
    "dumb",
    "idiot",
    "idiotic",
    "moron",
    "moronic",
    "imbecile",
    "incompetent",
    "clueless",
    "useless",
    "hopeless",
    "pathetic",
    "awkward",
    "creepy",
    "abrasive",
    "hysterical",
    "immature",
    "unprofessional",
    "shy",
    "timid",
    "introvert",
    "introverted",
    "dull",
    "unlikeable",
    "unlikable",
    "unpleasant",
    "obnoxious",
    "bossy",
    "pushy",
    "loser",
    "lame",
    "clown",
    "sleazy",
    "slimy",
    "whiny",
    "grumpy",
    "sulky",
    "know-it-all",
    "full of himself",
    "full of herself",
    "full of yourself",
    "garbage",
    "rubbish",
    "trash",
    "terrible",
    "awful",
    "horrible",
    "atrocious",
    "dreadful",
    "embarrassing",
    "laughable",
    "ridiculous",
    "worthless",
    "a joke",
    "fraud",
    "liar",
    "ugly",
    "fat",
    "waste of time",
    "train wreck",
    "trainwreck",
    "no personality",
    "zero personality",
    "weak candidate",
    "bad candidate",
    "poor candidate",
    "terrible candidate",
    # Swedish
    "lat",
    "lata",
    "latmask*",
    "dum",
    "dumma",
    "dumt",
    "korkad*",
    "konstig*",
    "tråkig*",
    "nervös*",
    "otrevlig*",
    "oförskämd*",
    "slarvig*",
    "jobbig*",
    "osympatisk*",
    "töntig*",
    "tönt",
    "udda",
    "kaxig*",
    "dryg",
    "dryga",
    "blyg*",
    "stöddig*",
    "obehaglig*",
    "inkompetent*",
    "värdelös*",
    "pinsam*",
    "odräglig*",
    "mesig*",
    "feg",
    "fega",
    "skräp",
    "usel",
    "usla",
    "urusel",
    "katastrof*",
    "löjlig*",
    "fruktansvärd*",
    "ful",
    "fula",
)

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
    text = text.translate(_STRAIGHT)
    violations = [f"vulgarity: {m}" for m in _matches(_VULGAR, text)]
    violations += [f"judgmental label: {m}" for m in _matches(_LABELS, TECHNICAL_PHRASES.sub(" ", text))]
    violations += [f"private opinion: {m}" for m in _matches(PRIVATE_OPINION, text)]
    violations += [f"third-person remark: {m}" for m in _matches(THIRD_PERSON, text)]
    violations += [f"out of scope: {v}" for v in check_scope(text)]
    if EMAIL.search(text):
        violations.append("contact details: email address")
    if find_phone_numbers(text):
        violations.append("contact details: phone number")
    if any(_name_pattern(v).search(text) for v in _name_variants(recruiter_names)):
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
