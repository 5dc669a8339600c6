"""The shared "every msgid has its Swedish msgstr" check (``tests.translation_checks``) can fail: on a tiny fake app
and catalogue it reports each msgid that is missing, empty, fuzzy or not compiled, and on a scratch copy of the real
Swedish catalogue with one msgstr emptied it reports exactly that msgid for the scorecard and the retention files
(the inputs of tests/ai_analysis/test_scorecard_translations.py and tests/retention/test_staff_translations.py).
The real catalogue under locale/ is only read."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.ai_analysis.test_scorecard_translations import SCORECARD_FILES
from tests.retention.test_staff_translations import STAFF_FILES
from tests.translation_checks import CATALOGUE, extracted_msgids, po_entries, untranslated

NOT_IN_MO = " [.mo: run compilemessages]"

VIEWS = """from django.utils.translation import gettext as _, gettext_lazy, ngettext, pgettext

HELLO = _("Hello")
SAVE = pgettext("button", "Save")
EMPTY = gettext_lazy("Empty one")
FUZZY = _("Fuzzy one")
MISSING = _("Missing one")
LATE = _("Not compiled")


def items(n):
    return ngettext("%(n)s item", "%(n)s items", n) % {"n": n}


def files(n):
    return ngettext("%(n)s file", "%(n)s files", n) % {"n": n}
"""
PAGE = """{% load i18n %}<h1>{% translate "From a template" %}</h1>
{% blocktranslate count counter=rows %}{{ counter }} row{% plural %}{{ counter }} rows{% endblocktranslate %}
"""
MAIL = """{% load i18n %}{% translate "From a text template" %}
"""
HEADER = r"""msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"
"""
TRANSLATED = """
msgid "Hello"
msgstr "Hej"

msgctxt "button"
msgid "Save"
msgstr "Spara"

msgid "Empty one"
msgstr ""

#, fuzzy
msgid "Fuzzy one"
msgstr "Luddig"

msgid "%(n)s item"
msgid_plural "%(n)s items"
msgstr[0] "%(n)s sak"
msgstr[1] "%(n)s saker"

msgid "From a template"
msgstr "Från en mall"

msgid "%(counter)s row"
msgid_plural "%(counter)s rows"
msgstr[0] "%(counter)s rad"
msgstr[1] "%(counter)s rader"

msgid "From a text template"
msgstr "Från en textmall"
"""
LATE_ENTRY = """
msgid "Not compiled"
msgstr "Inte kompilerad"
"""


def _needs_gettext_tools():
    if shutil.which("xgettext") is None or shutil.which("msgfmt") is None:
        pytest.skip("the check needs GNU gettext's xgettext and msgfmt (apt-get install gettext)")


def _compile(po: Path, mo: Path) -> None:
    subprocess.run(["msgfmt", "--output-file", str(mo), str(po)], check=True)  # noqa: S603, S607


@pytest.fixture
def fake_app(tmp_path):
    """A tiny app (a module, an HTML and a text template) and its catalogue: the .po has "Not compiled" translated
    but the .mo was compiled before it was; "Empty one" is empty, "Fuzzy one" fuzzy, the rest missing."""
    _needs_gettext_tools()
    root = tmp_path / "root"
    (root / "app" / "templates").mkdir(parents=True)
    (root / "app" / "views.py").write_text(VIEWS, encoding="utf-8")
    (root / "app" / "templates" / "page.html").write_text(PAGE, encoding="utf-8")
    (root / "app" / "templates" / "mail.txt").write_text(MAIL, encoding="utf-8")
    catalogue = tmp_path / "sv" / "LC_MESSAGES"
    catalogue.mkdir(parents=True)
    (tmp_path / "before.po").write_text(HEADER + TRANSLATED, encoding="utf-8")
    _compile(tmp_path / "before.po", catalogue / "django.mo")
    (catalogue / "django.po").write_text(HEADER + TRANSLATED + LATE_ENTRY, encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    return root, catalogue, work


FAKE_FILES = ("app/views.py", "app/templates/page.html", "app/templates/mail.txt")


def test_the_msgids_of_modules_html_and_text_templates_are_extracted(fake_app):
    root, _catalogue, work = fake_app
    msgids = extracted_msgids(FAKE_FILES, work, root=root)
    assert set(msgids) == {
        "Hello",
        "button\x04Save",
        "Empty one",
        "Fuzzy one",
        "Missing one",
        "Not compiled",
        "%(n)s item",
        "%(n)s file",
        "From a template",
        "%(counter)s row",
        "From a text template",  # a .txt template goes through templatize too
    }
    assert msgids["%(n)s item"]["plural"] and msgids["%(counter)s row"]["plural"] and not msgids["Hello"]["plural"]


def test_missing_empty_fuzzy_and_uncompiled_msgstrs_are_reported(fake_app):
    root, catalogue, work = fake_app
    msgids = extracted_msgids(FAKE_FILES, work, root=root)
    assert sorted(untranslated(msgids, catalogue=catalogue)) == [
        "%(n)s file [.po]" + NOT_IN_MO,
        "Empty one [.po]" + NOT_IN_MO,
        "Fuzzy one [.po]" + NOT_IN_MO,
        "Missing one [.po]" + NOT_IN_MO,
        "Not compiled" + NOT_IN_MO,
    ]
    _compile(catalogue / "django.po", catalogue / "django.mo")  # compilemessages: the late entry is in the .mo now
    assert "Not compiled" not in untranslated(msgids, catalogue=catalogue)
    translated = {key: msgids[key] for key in ("Hello", "button\x04Save", "%(n)s item", "%(counter)s row")}
    assert untranslated(translated, catalogue=catalogue) == []


def test_po_entries_reads_contexts_plurals_continued_lines_escapes_and_flags():
    text = (
        HEADER
        + r"""
#: a.py:1
#, fuzzy, python-format
msgid ""
"A long "
"line with \"quotes\"\n"
msgstr "En lång rad"

msgctxt "verb"
msgid "Record"
msgid_plural "Records"
msgstr[0] "Spela in"
msgstr[1] ""
"""
    )
    entries = po_entries(text)
    assert entries == {
        'A long line with "quotes"\n': {"plural": False, "msgstrs": ["En lång rad"], "fuzzy": True},
        "verb\x04Record": {"plural": True, "msgstrs": ["Spela in", ""], "fuzzy": False},
    }  # the header (empty msgid) is no entry


def _broken_copy(tmp_path: Path, msgid: str) -> Path:
    """A scratch copy of the real Swedish catalogue with ``msgid``'s msgstr emptied in the .po (the .mo as it is)."""
    scratch = tmp_path / "broken" / "LC_MESSAGES"
    scratch.mkdir(parents=True)
    shutil.copy(CATALOGUE / "django.mo", scratch / "django.mo")
    po = (CATALOGUE / "django.po").read_text(encoding="utf-8")
    broken, count = re.subn(rf'^(msgid "{re.escape(msgid)}"\nmsgstr )"[^\n]*"$', r'\1""', po, flags=re.M)
    assert count == 1, f"{msgid!r} is not a one-line entry of the catalogue"
    (scratch / "django.po").write_text(broken, encoding="utf-8")
    return scratch


@pytest.mark.parametrize(
    ("files", "msgid"),
    [(SCORECARD_FILES, "Submit my scorecard"), (STAFF_FILES, "Erase candidate")],
    ids=["scorecard pages", "retention staff files"],
)
def test_a_broken_scratch_copy_of_the_swedish_catalogue_fails_both_checks(tmp_path, files, msgid):
    _needs_gettext_tools()
    work = tmp_path / "work"
    work.mkdir()
    msgids = extracted_msgids(files, work)
    assert msgid in msgids
    already = set(untranslated(msgids))  # the real catalogue: empty while the two tests pass
    scratch = _broken_copy(tmp_path, msgid)
    assert set(untranslated(msgids, catalogue=scratch)) - already == {f"{msgid} [.po]"}
    _compile(scratch / "django.po", scratch / "django.mo")  # and once compiled, it is missing from the .mo too
    assert set(untranslated(msgids, catalogue=scratch)) - already == {f"{msgid} [.po]" + NOT_IN_MO}
