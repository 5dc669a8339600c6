"""Everything a candidate reads of the voluntary self-identification is in Swedish as well as English (FAIR-1):
the portal section, its own page and the withdrawal page, the form's labels and errors, and the names the
candidate's export and erasure page give these kinds of data. Taken from the templates, so a new sentence without
a Swedish translation fails here."""

from pathlib import Path

import pytest
from django.utils import translation

from fairness import forms, models, portal_views, services
from tests.consent.test_translations import msgids

ROOT = Path(__file__).resolve().parents[2] / "fairness" / "templates" / "fairness"
CANDIDATE_TEMPLATES = [
    ROOT / name
    for name in (
        "_portal_section.html",
        "_portal_explainer.html",
        "_portal_form.html",
        "portal_page.html",
        "portal_withdraw.html",
    )
]


@pytest.mark.parametrize("path", CANDIDATE_TEMPLATES, ids=lambda p: p.name)
def test_every_sentence_the_candidate_reads_has_a_swedish_translation(path):
    ids = [msgid for msgid in msgids(path.read_text()) if "{% plural %}" not in msgid]
    with translation.override("sv"):
        missing = [msgid for msgid in ids if translation.gettext(msgid) == msgid]
    assert missing == []


def test_labels_errors_plurals_and_kind_names_are_translated():
    labels = [
        forms.CONSENT_LABEL,
        portal_views.WITHDRAW_LABEL,
        models.SelfIdentification._meta.verbose_name_plural,
        models.SelfIdentificationConsent._meta.verbose_name_plural,
        *(name for name, _options in services.SUGGESTED_CATEGORIES),
    ]
    with translation.override("en"):
        english = [str(label) for label in labels]
    with translation.override("sv"):
        swedish = [str(label) for label in labels]
        plural = translation.ngettext(
            "You agreed on %(date)s. %(answered)s answer is stored.",
            "You agreed on %(date)s. %(answered)s answers are stored.",
            2,
        )
    assert all(sv != en for sv, en in zip(swedish, english, strict=True)), swedish
    assert plural.startswith("Du godkände den")
