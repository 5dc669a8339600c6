"""Retention's staff pages and emails in Swedish (RET-1…RET-6; issue 13, the staff-facing strings): each member's
language is the one on their profile.

1. The pages render in Swedish for a member whose profile says ``sv``: the organization's retention period
   (settings), the deletion records, the candidate page's retention card, the dashboard's "data expiring soon", the
   erase confirmation, and the extension link of the expiry warning (open, used, spent); the warning email itself
   comes in the recruiter's language.
2. No msgid of retention's staff-facing files (every module and template of ``retention/`` outside the candidate's
   portal, which has its own tests) lacks a Swedish msgstr, in the .po as written and in the compiled .mo
   (``tests.translation_checks``).
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from retention import services
from retention.models import RetentionClock
from tests.retention.world import full_candidate
from tests.translation_checks import ROOT, extracted_msgids, untranslated

pytestmark = pytest.mark.django_db

RETENTION = ROOT / "retention"
# The candidate's own portal (retention/portal and its templates) is translated and tested on its own.
STAFF_FILES = tuple(
    str(path.relative_to(ROOT))
    for path in sorted(RETENTION.rglob("*"))
    if path.suffix in (".py", ".html", ".txt")
    and "migrations" not in path.parts
    and "portal" not in path.relative_to(RETENTION).parts
)


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
