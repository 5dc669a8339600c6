"""Everything the candidate reads in their rights portal is shipped in Swedish as well as English: the pages, the
emails, the ZIP's README, consent's post-consent paragraph and ai_analysis's explanation panel. Taken from the
templates, so a new sentence without a Swedish translation fails here."""

from pathlib import Path

import pytest
from django.utils import translation

from retention.portal import forms, views
from tests.consent.test_translations import msgids

ROOT = Path(__file__).resolve().parents[3]
PORTAL = ROOT / "retention" / "templates" / "retention" / "portal"
TEMPLATES = [
    *sorted(PORTAL.glob("*.html")),
    *sorted(PORTAL.glob("*.txt")),
    *sorted((PORTAL / "email").glob("*.txt")),
    ROOT / "ai_analysis" / "templates" / "ai_analysis" / "_portal_explanation.html",
]


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_every_sentence_of_the_portal_has_a_swedish_translation(path):
    ids = [msgid for msgid in msgids(path.read_text()) if "{% plural %}" not in msgid]
    assert ids, path
    with translation.override("sv"):
        missing = [msgid for msgid in ids if translation.gettext(msgid) == msgid]
    assert missing == []


def test_plural_sentences_and_python_strings_are_translated():
    labels = [
        views.OBJECT_LABEL,
        views.ERASE_LABEL,
        forms.RequestLinkForm.base_fields["email"].label,
        forms.ConfirmForm.base_fields["confirm"].error_messages["required"],
    ]
    with translation.override("en"):
        english = [str(label) for label in labels]
    with translation.override("sv"):
        swedish = [str(label) for label in labels]
        plural = translation.ngettext(
            "The %(n)s stored file (recording or document) is deleted.",
            "All %(n)s stored files (recordings and documents) are deleted.",
            3,
        )
    assert all(sv != en for sv, en in zip(swedish, english, strict=True)), swedish
    assert plural.startswith("Alla %(n)s lagrade filer")


def test_every_kind_of_data_has_a_swedish_name():
    from retention.portal.kinds import KIND_TITLES

    with translation.override("en"):
        english = {label: str(title) for label, title in KIND_TITLES.items()}
    with translation.override("sv"):
        untranslated = [label for label, title in KIND_TITLES.items() if str(title) == english[label]]
    assert untranslated == []
