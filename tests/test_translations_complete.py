"""The Swedish catalogue is complete and ships compiled (issue 14, "Polish": recruiter pages translated to Swedish too;
CON-2 for the candidate's pages).

Every entry of locale/sv/LC_MESSAGES/django.po has a Swedish text (no empty msgstr, no fuzzy flag: gettext would show
the English, or skip the entry), every text keeps the placeholders and HTML tags of its English msgid (a lost
%(name)s shows a blank, an extra one raises KeyError on the page), and the committed django.mo holds exactly the
messages of the .po, so the pages show what the catalogue says. Three staff pages rendered for a member whose profile
says Swedish (API keys, audit trail, the hiring dashboard with its review queue) show no English msgid of the catalogue.
"""

import gettext
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from accounts import services as accounts_services
from tests.ai_analysis import pipeline_world
from tests.ai_analysis.test_pages import analysed
from tests.hiring.factories import CandidateFactory, InterviewFactory

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MO = ROOT / "locale" / "sv" / "LC_MESSAGES" / "django.mo"

# printf-style conversions as Python's % operator reads them: %(name)s, %s, %5.2f, %d …; %% is a literal percent.
PRINTF = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])"
)
BRACES = re.compile(r"\{[^{}]*\}")
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    context: str | None = None
    msgid: str = ""
    plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    obsolete: bool = False

    def __str__(self):
        where = f" (msgctxt {self.context!r})" if self.context is not None else ""
        return f"line {self.line}: {self.msgid!r}{where}"


def unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES[m.group(1)], text[1:-1])


def parse(text: str) -> list[Entry]:
    """The .po's entries, blank-line separated blocks of comments, msgctxt, msgid[_plural] and msgstr[n] lines."""
    entries = []
    for match in re.finditer(r"(?:^(?!\n).*\n?)+", text, re.M):
        block = match.group(0)
        entry, current = Entry(line=text.count("\n", 0, match.start()) + 1), None
        for raw in block.splitlines():
            if raw.startswith("#~"):
                entry.obsolete = True
                continue
            if raw.startswith("#,"):
                entry.flags |= {flag.strip() for flag in raw[2:].split(",")}
                continue
            if raw.startswith("#") or not raw.strip():
                continue
            keyword, _, rest = raw.partition(" ")
            if raw.startswith('"'):
                value = unquote(raw)
            else:
                current, value = keyword, unquote(rest)
            if current == "msgctxt":
                entry.context = (entry.context or "") + value
            elif current == "msgid":
                entry.msgid += value
            elif current == "msgid_plural":
                entry.plural = (entry.plural or "") + value
            elif current == "msgstr":
                entry.msgstr[0] = entry.msgstr.get(0, "") + value
            elif current and current.startswith("msgstr["):
                index = int(current[7:-1])
                entry.msgstr[index] = entry.msgstr.get(index, "") + value
            else:
                raise AssertionError(f"line {entry.line}: cannot read {raw!r}")
        if entry.obsolete or (entry.msgstr or entry.msgid):
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return [entry for entry in parse(PO.read_text(encoding="utf-8")) if not entry.obsolete]


def messages(entries: list[Entry]) -> list[Entry]:
    return [entry for entry in entries if entry.msgid]


def printf(text: str) -> tuple[Counter, list[str]]:
    """Named placeholders (as a multiset) and the positional conversions in order."""
    named, positional = Counter(), []
    for match in PRINTF.finditer(text):
        if match.group("conv") == "%":
            continue
        if match.group("name") is not None:
            named[match.group(0)] += 1
        else:
            positional.append(match.group("conv"))
    return named, positional


def sources(entry: Entry) -> dict[int, str]:
    """The English text each msgstr translates: msgstr[0] the singular, msgstr[1] the plural (Swedish, nplurals=2)."""
    if entry.plural is None:
        return {0: entry.msgid}
    return {0: entry.msgid, 1: entry.plural}


def test_the_parser_reads_every_entry(entries):
    # A parser that skipped blocks would pass the checks below on a part of the catalogue only.
    text = PO.read_text(encoding="utf-8")
    assert len(entries) == len(re.findall(r"^msgid ", text, re.M)) > 1000
    assert entries[0].msgid == "" and "nplurals=2; plural=(n != 1);" in entries[0].msgstr[0]


def test_every_entry_has_a_swedish_text(entries):
    empty = [str(entry) for entry in messages(entries) if not entry.msgstr or not all(entry.msgstr.values())]
    assert empty == [], f"{len(empty)} entries without Swedish: " + "; ".join(empty[:20])


def test_no_entry_is_fuzzy(entries):
    fuzzy = [str(entry) for entry in entries if "fuzzy" in entry.flags]
    assert fuzzy == []


def test_plural_entries_have_both_swedish_forms(entries):
    wrong = [str(entry) for entry in messages(entries) if entry.plural is not None and sorted(entry.msgstr) != [0, 1]]
    singular_with_index = [
        str(entry) for entry in messages(entries) if entry.plural is None and sorted(entry.msgstr) != [0]
    ]
    assert wrong == [] and singular_with_index == []


def test_named_placeholders_are_kept(entries):
    # Whether or not makemessages flagged the entry python-format: Django formats it with a dict either way.
    broken = []
    for entry in messages(entries):
        for index, english in sources(entry).items():
            translated = entry.msgstr.get(index, "")
            if translated and printf(translated)[0] != printf(english)[0]:
                broken.append(f"{entry} [{index}]: {translated!r}")
    assert broken == []


def test_positional_placeholders_are_kept(entries):
    # Only python-format entries: elsewhere a "%" is literal text (“50 %”).
    broken = []
    for entry in messages(entries):
        if "python-format" not in entry.flags:
            continue
        for index, english in sources(entry).items():
            translated = entry.msgstr.get(index, "")
            if translated and printf(translated)[1] != printf(english)[1]:
                broken.append(f"{entry} [{index}]: {translated!r}")
    assert broken == []


def test_brace_placeholders_are_kept(entries):
    # {value}, {input} (python-brace-format) and the {} of format_html() labels.
    broken = []
    for entry in messages(entries):
        for index, english in sources(entry).items():
            translated = entry.msgstr.get(index, "")
            if translated and Counter(BRACES.findall(translated)) != Counter(BRACES.findall(english)):
                broken.append(f"{entry} [{index}]: {translated!r}")
    assert broken == []


def test_html_tags_are_kept(entries):
    broken = []
    for entry in messages(entries):
        for index, english in sources(entry).items():
            translated = entry.msgstr.get(index, "")
            if translated and Counter(TAG.findall(translated)) != Counter(TAG.findall(english)):
                broken.append(f"{entry} [{index}]: {translated!r}")
    assert broken == []


def header(text: str) -> dict[str, str]:
    fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
    fields.pop("POT-Creation-Date", None)
    return {name.strip(): value.strip() for name, value in fields.items()}


def test_the_compiled_catalogue_matches_the_po(entries):
    """django.mo holds the .po's messages: nothing missing, nothing stale, nothing left over from a removed entry."""
    expected = {}
    for entry in entries:
        if "fuzzy" in entry.flags and entry.msgid:
            continue
        key = entry.msgid if entry.context is None else f"{entry.context}\x04{entry.msgid}"
        if entry.plural is None:
            if entry.msgstr.get(0):
                expected[key] = entry.msgstr[0]
        elif all(entry.msgstr.values()):
            for index, text in entry.msgstr.items():
                expected[(key, index)] = text
    with MO.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    # msgfmt leaves the POT-Creation-Date out of the compiled header; the other header fields must match.
    expected[""], catalogue[""] = header(expected.get("", "")), header(catalogue.get("", ""))
    missing = sorted(str(key) for key in expected.keys() - catalogue.keys())
    stale = sorted(str(key) for key in expected.keys() & catalogue.keys() if expected[key] != catalogue[key])
    extra = sorted(str(key) for key in catalogue.keys() - expected.keys())
    assert (missing, stale, extra) == ([], [], []), "run: python manage.py compilemessages -l sv"


def test_msgfmt_checks_the_formats():
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext's msgfmt is not installed (compilemessages needs it too)")
    result = subprocess.run(  # noqa: S603
        ["msgfmt", "--check-format", "--check-header", "-o", "/dev/null", str(PO)],  # noqa: S607
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr


def english_left(html: str, entries: list[Entry]) -> list[str]:
    """Visible texts and labels of the page that are, whole, an English msgid the catalogue translates differently."""
    english = {
        entry.msgid
        for entry in messages(entries)
        if entry.context is None and entry.plural is None and entry.msgstr.get(0) not in ("", entry.msgid)
    }
    html = re.sub(r"(?s)<(script|style)\b.*?</\1>|<!--.*?-->", " ", html)
    labels = re.findall(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"', html)
    texts = [text.strip() for text in re.split(r"<[^>]+>", html)] + labels
    return sorted({text for text in texts if text in english})


def swedish_client(member) -> Client:
    member.user.language = "sv"
    member.user.save(update_fields=["language"])
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the profile's language wins over the browser's
    client.force_login(member.user)
    return client


@pytest.mark.django_db
def test_the_api_keys_and_audit_pages_in_swedish(acme, entries):
    acme.organization.plan = "team"
    acme.organization.save(update_fields=["plan"])
    accounts_services.create_api_key(actor=acme.admin, name="Sync", scopes=["read", "write"], allowed_cidrs=[])
    client = swedish_client(acme.admin)

    keys = client.get("/settings/api-keys/").content.decode()
    assert '<html lang="sv">' in keys and "<h1>API-nycklar</h1>" in keys
    assert (
        '<span class="badge" title="read">Läs</span>' in keys
        and '<span class="badge" title="write">Skriv</span>' in keys
    )
    assert ">aldrig<" in keys and "Skapa en API-nyckel" in keys and "Återkalla nyckeln?" in keys
    assert english_left(keys, entries) == []

    audit = client.get("/settings/audit/").content.decode()
    assert "<h1>Granskningslogg</h1>" in audit and "Filtrera på händelse" in audit and "API-nyckel skapad" in audit
    assert "API key created" not in audit and "Audit trail" not in audit
    # The details column shows the audit record as stored (its field names, e.g. "name", and values): data, not text.
    recorded = re.sub(r'(?s)<td class="details">.*?</td>', "", audit)
    assert english_left(recorded, entries) == []


@pytest.mark.django_db
def test_the_hiring_dashboard_in_swedish(acme, entries):
    world = pipeline_world.build(acme)
    analysed(world)  # a finished analysis with drafts: the review queue has a row
    InterviewFactory(  # held yesterday and not marked completed: the dashboard asks for it
        candidate=CandidateFactory(hiring=world.hiring),
        interviewer=acme.interviewer,
        organization=acme.organization,
        scheduled_at=timezone.now() - timedelta(days=1),
    )
    html = swedish_client(acme.recruiter).get("/hirings/dashboard/").content.decode()
    for swedish in (
        "Utkast som väntar på din granskning",
        "Klar sedan",
        "Utkast kvar",
        "Genomförda, inte markerade som avslutade",
        "Intervjuer att markera som avslutade",
        "Flöde per rekrytering",
        "Väntande samtycken",
    ):
        assert swedish in html, swedish
    for english in ("Drafts awaiting your review", "Held, not marked completed", "Interviews to mark completed"):
        assert english not in html, english
    assert english_left(html, entries) == []
