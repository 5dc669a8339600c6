"""The words the browser scripts show come translated from their templates (issue 14, "Polish": recruiter pages
translated to Swedish too; AI-1 recorder, AI-4 player).

recorder.js builds its status lines, states, errors and button labels in JavaScript; each comes from the template
that loads it: the meeting-audio sentences as ``data-msg-*`` attributes on ``#recorder``, the others in the JSON
block ``#recorder-messages`` (a string, or ``[one, other]`` for a count), with ``%(name)s`` placeholders the script
fills in. analysis.js and player.js build no text at all (the progress fragment, the player's controls and the
timestamps' titles are server-rendered).

1. Static: every ``msg("Key")`` / ``plural("Key", n)`` in recorder.js has its entry in recorder.html (and every
   entry is used), the keys are always literals, and no English word or sentence is left as a string literal in the
   three scripts (comments aside), except a short list of non-UI strings, each with its reason.
2. Rendered: for a user whose profile says ``sv`` the recorder's messages are all Swedish (each differs from the
   English one and keeps its placeholders), the English ones are the sentences the browser tests assert on, and the
   analysis page's player texts are Swedish. Every recorder and player msgid has a Swedish msgstr in the .po and .mo.
"""

import json
import re
from pathlib import Path

import pytest
from django.utils import translation

from tests.ai_analysis.test_pages import analysed
from tests.ai_analysis.test_scorecard_translations import extracted_msgids, untranslated
from tests.ai_analysis.test_scorecards import client_for, world  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ("static/js/recorder.js", "static/js/analysis.js", "static/js/player.js")
RECORDER_JS = ROOT / "static/js/recorder.js"
RECORDER_HTML = ROOT / "ai_analysis/templates/ai_analysis/recorder.html"
ANALYSIS_HTML = "ai_analysis/templates/ai_analysis/analysis.html"

# String literals that look like words but are never shown to anyone.
NOT_UI = {
    "use strict": "the strict-mode directive",
    "badge rec-state": "CSS classes of the state badge",
    "Accept": "an HTTP request header's name",
    "Content-Type": "an HTTP request header's name",
    "Retry-After": "an HTTP response header's name",
    "no IndexedDB": "an Error the local store's callers catch (they fall back to no local copy); never displayed",
    "NotAllowedError": "a DOMException name the script compares with",
    "NotFoundError": "a DOMException name the script compares with",
}
# A word of two letters or more followed by another (a phrase), or a capitalised word (a label such as "Paused").
LOOKS_LIKE_WORDS = re.compile(r"[A-Za-z]{2,}\s+[A-Za-z]{2,}|^[A-Z][a-z]")
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def literals(source: str) -> list[tuple[int, str]]:
    """(offset, text) of every string literal in a script, comments skipped. The three scripts' regular-expression
    literals hold no quote or comment marker, so a small scanner is enough (checked: it ends where the file ends)."""
    found, i, n = [], 0, len(source)
    while i < n:
        if source.startswith("/*", i):
            i = source.index("*/", i) + 2
        elif source.startswith("//", i):
            end = source.find("\n", i)
            i = n if end < 0 else end
        elif source[i] in "\"'`":
            quote, j = source[i], i + 1
            while source[j] != quote:
                assert source[j] != "\n" or quote == "`", f"unterminated string at {i}"
                j += 2 if source[j] == "\\" else 1
            found.append((i, source[i + 1 : j]))
            i = j + 1
        else:
            i += 1
    return found


def message_calls(source: str) -> dict[str, set[str]]:
    """{"msg": keys, "plural": keys} used in recorder.js."""
    calls = {"msg": set(), "plural": set()}
    for kind, key in re.findall(r"\b(msg|plural)\(\"([A-Za-z]+)\"", source):
        calls[kind].add(key)
    return calls


def kebab(key: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"-\1", key).lower()


def template_messages() -> tuple[set[str], dict[str, str]]:
    """The data-msg-* attribute names and the JSON block's keys with their kind ("text" or "plural"), as written."""
    html = RECORDER_HTML.read_text(encoding="utf-8")
    attributes = set(re.findall(r"\bdata-msg-([a-z-]+)=", html))
    block = re.search(r'<script type="application/json" id="recorder-messages">\{(.*?)\}</script>', html, re.S)
    assert block, "recorder.html has no #recorder-messages block"
    keys = {
        key: ("plural" if opener == "[" else "text")
        for key, opener in re.findall(r'^\s*"(\w+)": ([\["])', block[1], re.M)
    }
    return attributes, keys


# --- 1. Static ---------------------------------------------------------------------------------------------------


def test_the_scanner_reads_the_scripts_whole():
    for script in SCRIPTS:
        source = (ROOT / script).read_text(encoding="utf-8")
        assert literals(source), script  # "use strict" at least
    recorder = [text for _, text in literals(RECORDER_JS.read_text(encoding="utf-8"))]
    assert "audio/webm;codecs=opus" in recorder and "X-Chunk-SHA256" in recorder


def test_every_message_recorder_js_shows_has_its_translated_entry_in_the_template():
    source = RECORDER_JS.read_text(encoding="utf-8")
    calls = message_calls(source)
    attributes, keys = template_messages()
    assert len(calls["msg"]) > 40 and len(calls["plural"]) >= 8  # 45 and 8 when this was written
    for key in sorted(calls["msg"]):
        assert kebab(key) in attributes or keys.get(key) == "text", f'msg("{key}") has no data-msg-{kebab(key)} or text'
    for key in sorted(calls["plural"]):
        assert keys.get(key) == "plural", f'plural("{key}") has no [one, other] entry in #recorder-messages'
    # Nothing in the template is left over, and no key is both an attribute and a JSON entry.
    used = calls["msg"] | calls["plural"]
    assert {key for key in keys if key not in used} == set()
    assert {name for name in attributes if name not in {kebab(key) for key in used}} == set()
    assert not {kebab(key) for key in keys} & attributes
    # The keys are literals: msg(variable) would hide a key from this check.
    assert re.findall(r"(?<!function )\b(?:msg|plural)\((?!\")", source) == []


def test_no_english_words_are_left_in_the_scripts():
    for script in SCRIPTS:
        source = (ROOT / script).read_text(encoding="utf-8")
        left = []
        for offset, text in literals(source):
            if re.search(r"\b(?:msg|plural)\($", source[:offset]):
                continue  # a message key
            if LOOKS_LIKE_WORDS.search(text) and text not in NOT_UI:
                left.append(text)
        assert left == [], f"{script} shows words that are not translated: {left}"
    # The allow-list stays short and every entry is still in a script (a stale entry would hide nothing, but lies).
    everything = {text for script in SCRIPTS for _, text in literals((ROOT / script).read_text(encoding="utf-8"))}
    assert set(NOT_UI) <= everything, set(NOT_UI) - everything


def test_the_scanner_would_catch_an_english_sentence():
    sample = 'setStatus("Waiting for the microphone…"); msg("Pause"); x = "Paused"; // "Not this"\n/* "Nor this" */'
    flagged = [text for offset, text in literals(sample) if LOOKS_LIKE_WORDS.search(text)
               and not re.search(r"\b(?:msg|plural)\($", sample[:offset])]  # fmt: skip
    assert flagged == ["Waiting for the microphone…", "Paused"]


# --- 2. Rendered -------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _language_reset():
    """The user-language middleware activates the profile's language in the test's thread: reset it after."""
    yield
    translation.deactivate()


def recorder_messages(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="recorder-messages">(.*?)</script>', html, re.S)
    messages = json.loads(block[1])
    messages.update({f"data-{name}": text for name, text in re.findall(r'data-msg-([a-z-]+)="([^"]*)"', html)})
    return messages


def as_user(member, language: str):
    member.user.language = language
    member.user.save(update_fields=["language"])
    return client_for(member)


@pytest.mark.django_db
def test_the_recorder_messages_are_swedish_for_a_swedish_user_and_unchanged_in_english(world):  # noqa: F811
    url = f"/interviews/{world.interview.public_id}/record/"
    english = recorder_messages(as_user(world.org.interviewer, "en").get(url).content.decode())
    translation.deactivate()
    swedish = recorder_messages(as_user(world.org.interviewer, "sv").get(url).content.decode())
    assert english.keys() == swedish.keys() and len(english) > 50  # 42 + 13 when this was written

    # English: the sentences the browser tests and the pre-translation script used, byte for byte.
    assert english["RecordingMicrophone"] == "Recording. Audio is sent every 5 seconds."
    assert english["StateRecording"] == "Recording" and english["ContinueRecording"] == "Continue recording"
    assert english["RetryLater"][1].startswith("Connection problem: %(n)s parts waiting on this device.")
    assert "All %(n)s parts are on the server." in english["AllHeld"][1]
    assert english["Refused"] == "The server refused the recording (%(status)s)."

    # Swedish: every message differs from the English one and keeps its placeholders.
    for key, text in english.items():
        forms_en = text if isinstance(text, list) else [text]
        forms_sv = swedish[key] if isinstance(swedish[key], list) else [swedish[key]]
        assert len(forms_en) == len(forms_sv) and all(forms_sv), key
        for one_en, one_sv in zip(forms_en, forms_sv, strict=True):
            assert one_sv != one_en, f"{key} is not translated: {one_sv!r}"
            assert set(PLACEHOLDER.findall(one_sv)) <= set(PLACEHOLDER.findall(one_en)), key
        assert set(PLACEHOLDER.findall(forms_sv[-1])) == set(PLACEHOLDER.findall(forms_en[-1])), key
    assert swedish["StateRecording"] == "Spelar in"
    assert swedish["RecordingMicrophone"] == "Spelar in. Ljudet skickas var 5:e sekund."
    assert swedish["MicrophoneRefused"].startswith("Webbläsaren fick inte använda mikrofonen.")
    assert swedish["FileProgress"] == [
        "Filen laddas upp: %(done)s av %(n)s del skickad.",
        "Filen laddas upp: %(done)s av %(n)s delar skickade.",
    ]
    assert swedish["Online"] == "Ansluten"  # was "Avböj" ("Decline") in the catalogue
    assert swedish["data-meeting-removed"].startswith("Mötesljudet är borttaget.")

    page = as_user(world.org.interviewer, "sv").get(url).content.decode()
    for text in (">Starta inspelningen</button>", ">Pausa</button>", ">Stoppa och analysera</button>",
                 ">Försök igen nu</button>", ">Redo</span>", 'aria-label="Inspelad tid"', ">Ansluten</dd>",
                 "<h2 id=\"file-heading\">Ladda upp en inspelningsfil</h2>"):  # fmt: skip
        assert text in page, text
    assert "Start recording" not in page and "Upload and analyse" not in page


@pytest.mark.django_db
def test_the_analysis_page_player_texts_are_swedish(world):  # noqa: F811
    analysis = analysed(world)
    html = as_user(world.org.recruiter, "sv").get(f"/analyses/{analysis.public_id}/").content.decode()
    assert 'title="Spela upp det här ögonblicket"' in html and "Play this moment" not in html


def test_every_recorder_and_player_msgid_has_a_swedish_msgstr(tmp_path):
    msgids = extracted_msgids((str(RECORDER_HTML.relative_to(ROOT)),), tmp_path)
    assert len(msgids) > 90  # the page's own strings and the script's (98 when this was written)
    assert untranslated(msgids) == []
    player = extracted_msgids((ANALYSIS_HTML,), tmp_path)
    wanted = {"Play this moment", "Your browser cannot play this recording."}
    assert wanted <= set(player)
    assert untranslated({key: player[key] for key in wanted}) == []
