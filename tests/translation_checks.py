"""Is every translatable string of some files in the Swedish catalogue? The check the "every msgid has its msgstr"
tests share (issue 13 and issue 14, "Polish": the pages of each app translated; the Swedish catalogue complete).

1. ``extracted_msgids(paths, tmp_path)``: the msgids ``makemessages`` would find in these files, extracted the way it
   does: templates (``.html``, ``.txt``) through Django's ``templatize``, then ``xgettext`` with makemessages'
   keywords. Each entry says whether the msgid has a plural.
2. ``untranslated(msgids)``: the ones without a Swedish msgstr, in the .po as written (none empty, not fuzzy) or in
   the compiled .mo Django loads.
3. ``po_entries(text)``: a .po or .pot text read into entries (context, plural, msgstrs, fuzzy), what 1 and 2 use.

Plain functions; tests/test_translation_checks.py proves on a tiny fake catalogue, and on a broken scratch copy of
the real one, that a missing, empty, fuzzy or uncompiled msgstr is reported.
"""

import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "sv" / "LC_MESSAGES"
TEMPLATE_SUFFIXES = (".html", ".txt")
# makemessages' keywords (django.core.management.commands.makemessages)
KEYWORDS = (
    "gettext_noop",
    "gettext_lazy",
    "ngettext_lazy:1,2",
    "pgettext:1c,2",
    "npgettext:1c,2,3",
    "pgettext_lazy:1c,2",
    "npgettext_lazy:1c,2,3",
    "gettext",
    "ngettext:1,2",
    "_",
)


def _unquote(block: str) -> str:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', block)
    return "".join(part.encode("latin-1", "backslashreplace").decode("unicode_escape") for part in parts)


def po_entries(text: str) -> dict[str, dict]:
    """msgctxt\\x04msgid (or msgid) -> {"plural": bool, "msgstrs": [...], "fuzzy": bool}, from a .po or .pot text."""
    entries = {}
    for block in re.split(r"\n\s*\n", text.strip()):
        msgid = re.search(r'^msgid ((?:".*"\s*)+)', block, re.M)
        if not msgid:
            continue
        context = re.search(r'^msgctxt ((?:".*"\s*)+)', block, re.M)
        key = (_unquote(context.group(1)) + "\x04" if context else "") + _unquote(msgid.group(1))
        if not key:
            continue  # the header
        entries[key] = {
            "plural": bool(re.search(r"^msgid_plural ", block, re.M)),
            "msgstrs": [_unquote(found) for found in re.findall(r'^msgstr(?:\[\d+\])? ((?:".*"\s*)+)', block, re.M)],
            "fuzzy": bool(re.search(r"^#,.*\bfuzzy\b", block, re.M)),
        }
    return entries


def extracted_msgids(paths: tuple[str, ...], tmp_path: Path, *, root: Path = ROOT) -> dict[str, dict]:
    """The msgids makemessages finds in these files (relative to ``root``): templates (.html, .txt) through Django's
    ``templatize``, then ``xgettext`` with makemessages' keywords. Skips the test when xgettext is not installed."""
    if shutil.which("xgettext") is None:
        pytest.skip("extracting msgids needs xgettext (apt-get install gettext)")
    sources = []
    for relative in paths:
        path = root / relative
        if path.suffix in TEMPLATE_SUFFIXES:
            converted = tmp_path / (relative.replace("/", "__") + ".py")
            converted.write_text(templatize(path.read_text(encoding="utf-8"), origin=relative), encoding="utf-8")
            sources.append(converted)
        else:
            sources.append(path)
    pot = subprocess.run(  # noqa: S603
        ["xgettext", "--language=Python", "--from-code=UTF-8", "--no-wrap", "--output=-"]  # noqa: S607
        + [f"--keyword={keyword}" for keyword in KEYWORDS]
        + [str(source) for source in sources],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    return po_entries(pot)


def untranslated(msgids: dict[str, dict], *, catalogue: Path = CATALOGUE) -> list[str]:
    """The msgids without a Swedish msgstr in the .po as written (none empty, not fuzzy) or in the compiled .mo,
    each marked with where it is missing (``[.po]``, ``[.mo: run compilemessages]``)."""
    written = po_entries((catalogue / "django.po").read_text(encoding="utf-8"))
    with (catalogue / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    missing = []
    for key, entry in msgids.items():
        po = written.get(key)
        in_po = po is not None and po["msgstrs"] and all(po["msgstrs"]) and not po["fuzzy"]
        in_mo = ((key, 0) in compiled) if entry["plural"] else (key in compiled)
        if not (in_po and in_mo):
            missing.append(key + ("" if in_po else " [.po]") + ("" if in_mo else " [.mo: run compilemessages]"))
    return missing
