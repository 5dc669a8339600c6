"""Retention's staff pages and emails in Swedish (RET-1…RET-6; issue 13, the staff-facing strings): each member's
language is the one on their profile.

1. The pages render in Swedish for a member whose profile says ``sv``: the organization's retention period
   (settings), the deletion records, the candidate page's retention card, the dashboard's "data expiring soon", the
   erase confirmation, and the extension link of the expiry warning (open, used, spent); the warning email itself
   comes in the recruiter's language.
2. No msgid of retention's staff-facing files (every module and template of ``retention/`` outside the candidate's
   portal, which has its own tests) lacks a Swedish msgstr, in the .po as written and in the compiled .mo.
"""

import gettext
import re
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation.template import templatize

from retention import services
from retention.models import RetentionClock
from tests.retention.world import full_candidate

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "sv" / "LC_MESSAGES"
RETENTION = ROOT / "retention"
# The candidate's own portal (retention/portal and its templates) is translated and tested on its own.
STAFF_FILES = tuple(
    str(path.relative_to(ROOT))
    for path in sorted(RETENTION.rglob("*"))
    if path.suffix in (".py", ".html", ".txt")
    and "migrations" not in path.parts
    and "portal" not in path.relative_to(RETENTION).parts
)


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
    """msgctxt\\x04msgid (or msgid) -> {"plural", "msgstrs", "fuzzy"}, from a .po or .pot text."""
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


def extracted_msgids(paths: tuple[str, ...], tmp_path: Path) -> dict[str, dict]:
    """The msgids makemessages finds in these files: templates (.html, .txt) through Django's ``templatize``, then
    ``xgettext`` with makemessages' keywords."""
    if shutil.which("xgettext") is None:
        pytest.skip("extracting msgids needs xgettext (apt-get install gettext)")
    sources = []
    for relative in paths:
        path = ROOT / relative
        if path.suffix in (".html", ".txt"):
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


def untranslated(msgids: dict[str, dict]) -> list[str]:
    """The msgids without a Swedish msgstr in the .po as written (none empty, not fuzzy) or in the compiled .mo."""
    written = po_entries((CATALOGUE / "django.po").read_text(encoding="utf-8"))
    with (CATALOGUE / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog
    missing = []
    for key, entry in msgids.items():
        po = written.get(key)
        in_po = po is not None and po["msgstrs"] and all(po["msgstrs"]) and not po["fuzzy"]
        in_mo = ((key, 0) in compiled) if entry["plural"] else (key in compiled)
        if not (in_po and in_mo):
            missing.append(key + ("" if in_po else " [.po]") + ("" if in_mo else " [.mo: run compilemessages]"))
    return missing


def swedish(member) -> Client:
    member.user.language = "sv"
    member.user.save(update_fields=["language"])
    client = Client()
    client.force_login(member.user)
    return client


def assert_swedish(html: str, swedish_texts, english_texts=()):
    for text in swedish_texts:
        assert text in html, text
    for text in english_texts:
        assert text not in html, text


def test_the_retention_settings_page_in_swedish(acme):
    client = swedish(acme.admin)
    html = client.get(reverse("retention:policy")).content.decode()
    assert_swedish(
        html,
        ("<h1>Lagringstid</h1>", "Lagringstid (dagar)", "Minst 30 dagar.", "Kandidatuppgifter sparas så här länge"),
        ("Retention period (days)", "Candidate data is kept for this period", "A new period applies"),
    )
    assert "Raderingsprotokoll" in html  # the link to the records and the settings menu entry
    response = client.post(reverse("retention:policy"), {"days": "200"}, follow=True)
    assert "Lagringstiden sparad. Varje kandidats raderingsdatum följer den." in response.content.decode()


def test_the_deletion_records_in_swedish(acme, django_capture_on_commit_callbacks):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    ola = full_candidate(acme.recruiter, name="Ola Berg", email="ola@mail.test")
    with django_capture_on_commit_callbacks(execute=True):
        services.erase_candidate(kim.candidate, reason="Expired", trigger="expiry")
        services.erase_candidate(ola.candidate, reason="Asked by phone", trigger="staff_request", actor=acme.admin)
    html = swedish(acme.admin).get(reverse("retention:deletion_records")).content.decode()
    assert_swedish(
        html,
        (
            "<h1>Raderingsprotokoll</h1>",
            "Exportera CSV",
            "Bevis för varje radering",
            "Varför, och av vem",
            "<th>Protokoll</th>",
            "Lagringstiden löpte ut · automatisk radering",
            f"Raderad av en medlem på begäran · {acme.admin.user.email}",
            "3 av 3 borttagna",
            " rader</summary>",
        ),
        ("Why, and by whom", "retention sweep", "Retention period ended", "of 3 removed", "Export CSV"),
    )


def test_the_candidate_card_dashboard_and_erase_confirmation_in_swedish(acme):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    RetentionClock.objects.for_operators().filter(candidate=kim.candidate).update(
        delete_after=timezone.now() + timedelta(days=5)
    )
    client = swedish(acme.recruiter)
    page = client.get(reverse("hiring:candidate_detail", args=[kim.candidate.public_id])).content.decode()
    card = page.split('id="retention"')[1].split("</section>")[0]
    assert_swedish(
        card,
        (
            ">Lagringstid</h2>",
            "Raderas ",
            "Sparas 400 dagar efter beslutet (satt för den här kandidaten).",
            "Spara den här kandidatens uppgifter under en annan tid",
            "Spara den här kandidatens uppgifter (dagar efter beslutet)",
            "Spara lagringstid",
            "Radera kandidat",
            "På kandidatens begäran",
        ),
        ("Deleted on", "Kept 400 days", "Erase candidate", "Save period"),
    )

    dashboard = client.get(reverse("hiring:dashboard")).content.decode()
    assert "Uppgifter som snart raderas" in dashboard and "Data expiring soon" not in dashboard
    assert "Kim Lindqvist" in dashboard and "Raderas " in dashboard

    confirm = client.get(reverse("retention:erase", args=[kim.candidate.public_id])).content.decode()
    assert_swedish(
        confirm,
        (
            "Radera Kim Lindqvist?",
            "Det här raderas",
            "Det går inte att ångra.",
            "Varför raderas uppgifterna?",
            "Jag förstår att allt som finns om den här kandidaten raderas",
            ">Avbryt</a>",
        ),
        ("What is deleted", "Cancel", "Why is the data erased?"),
    )
    refused = client.post(reverse("retention:erase", args=[kim.candidate.public_id]), {"reason": " "})
    assert refused.status_code == 400
    assert RetentionClock.objects.for_operators().filter(candidate=kim.candidate).exists()


def test_the_expiry_warning_and_its_extension_link_in_swedish(acme):
    client = swedish(acme.recruiter)
    mail.outbox.clear()
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")  # warns once, in Swedish
    (warning,) = [message for message in mail.outbox if message.to == [acme.recruiter.user.email]]
    assert warning.subject.startswith("Kandidatuppgifter raderas ")
    assert "Uppgifterna om Kim Lindqvist" in warning.body and "när lagringstiden löper ut" in warning.body
    assert "Kandidaten:" in warning.body and "will be deleted" not in warning.body
    token = re.search(r"/retention/extend/([^/\s]+)/", warning.body).group(1)
    url = reverse("retention:extend", args=[token])

    offer = client.get(url).content.decode()
    assert_swedish(
        offer,
        ("<h1>Spara kandidatuppgifter längre</h1>", "Uppgifterna om Kim Lindqvist", "Länken fungerar en gång."),
        ("Keep candidate data longer", "This link works once"),
    )
    done = client.post(url).content.decode()
    assert "<h1>Lagringstiden förlängd</h1>" in done and "Kandidatens uppgifter raderas nu" in done
    spent = client.get(url)
    assert spent.status_code == 410
    assert_swedish(
        spent.content.decode(),
        ("Den här länken fungerar inte längre", "Den har redan använts", "En rekryterare kan fortfarande"),
        ("This link no longer works", "It has been used already"),
    )
    assert kim.candidate.pk  # the candidate stays: an extension erases nothing


def test_an_english_recruiter_still_gets_the_warning_in_english(acme):
    mail.outbox.clear()
    full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    (warning,) = [message for message in mail.outbox if message.to == [acme.recruiter.user.email]]
    assert warning.subject.startswith("Candidate data will be deleted on ")
    assert "will be deleted on" in warning.body


def test_every_msgid_of_retentions_staff_files_has_a_swedish_msgstr(tmp_path):
    assert "retention/views.py" in STAFF_FILES and "retention/templates/retention/deletion_records.html" in STAFF_FILES
    assert not any("portal" in name for name in STAFF_FILES)
    msgids = extracted_msgids(STAFF_FILES, tmp_path)
    assert len(msgids) > 80  # the extraction found the files' strings (92 when this was written)
    assert "Erase candidate" in msgids and "deletion record\x04Record" in msgids
    assert "The candidate:" in msgids  # from the warning email's text template
    assert untranslated(msgids) == []
