"""Everything the candidate reads is shipped in Swedish as well as English (CON-2): the consent page, the portal,
the answers, the dead-link page and both emails. Taken from the templates, so a new sentence without a Swedish
translation fails here."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from consent import presentation

TEMPLATES = Path(__file__).resolve().parents[2] / "consent" / "templates" / "consent"
CANDIDATE_TEMPLATES = [
    "candidate_base.html",
    "request.html",
    "portal.html",
    "answered.html",
    "link_refused.html",
    "email/request.txt",
    "email/portal.txt",
]
SAME_IN_SWEDISH = {"Status"}


def msgids(text: str) -> list[str]:
    found = re.findall(r"""{%\s*translate\s+(?:"([^"]+)"|'([^']+)')""", text)
    found = [double or single for double, single in found]
    for body in re.findall(r"{%\s*blocktranslate[^%]*%}(.*?){%\s*endblocktranslate\s*%}", text, re.S):
        found.append(re.sub(r"{{\s*(\w+)\s*}}", r"%(\1)s", body))
    return found


@pytest.mark.parametrize("name", CANDIDATE_TEMPLATES)
def test_every_sentence_of_the_candidates_pages_has_a_swedish_translation(name):
    ids = msgids((TEMPLATES / name).read_text())
    assert ids, name
    with translation.override("sv"):
        missing = [msgid for msgid in ids if msgid not in SAME_IN_SWEDISH and translation.gettext(msgid) == msgid]
    assert missing == []


def test_what_the_ai_never_assesses_is_translated():
    with translation.override("en"):
        english = [str(item) for item in presentation.NEVER_ASSESSED]
    with translation.override("sv"):
        assert all(str(item) != en for item, en in zip(presentation.NEVER_ASSESSED, english, strict=True))
        assert presentation.retention_period_text(365) == "1 år"
        assert presentation.retention_period_text(180) == "6 månader"
