"""The scorecard pages and the recorder's meeting audio in Swedish (issue 14, "Polish": recruiter pages translated,
each user's language saved on their profile; AI-3).

1. The pages render in Swedish for a user whose profile says ``sv``: the scorecard page (pre-filled, a form error,
   submitted), the candidate page's scorecards beside the AI scores, the interviewer's home and the interview page,
   and the recorder with its meeting-audio sentences (the ones recorder.js shows come through ``data-msg-*``).
2. No msgid of the scorecard code (``scorecard_views``, ``scorecard_panels``, ``scorecards``), the scorecard
   templates, or the recorder's meeting-audio strings lacks a Swedish msgstr: the msgids are extracted the way
   ``makemessages`` does (templates through Django's ``templatize``, then ``xgettext``) and looked up in the
   catalogue as written (no empty or fuzzy msgstr in the .po) and as compiled (the .mo Django loads), by
   ``tests.translation_checks``.
"""

import re

import pytest
from django.utils import timezone, translation

from ai_analysis.models import Review, Score
from tests.ai_analysis.test_pages import analysed
from tests.ai_analysis.test_scorecards import (  # noqa: F401 (fixtures)
    _submit,
    client_for,
    form_data,
    scorecard_url,
    second,
    world,
)
from tests.translation_checks import ROOT, extracted_msgids, untranslated

pytestmark = pytest.mark.django_db

SCORECARD_FILES = (
    "ai_analysis/scorecard_views.py",
    "ai_analysis/scorecard_panels.py",
    "ai_analysis/scorecards.py",
    "ai_analysis/templates/ai_analysis/scorecard.html",
    "ai_analysis/templates/ai_analysis/_candidate_scorecards.html",
    "ai_analysis/templates/ai_analysis/_interview_scorecard.html",
    "ai_analysis/templates/ai_analysis/_scorecards_to_submit.html",
)
RECORDER = "ai_analysis/templates/ai_analysis/recorder.html"
# The recorder's remote-interview strings (the rest of the recorder page is not translated yet).
RECORDER_MSGIDS = (
    "Add meeting audio",
    "Remove meeting audio",
    "Meeting audio",
    "Meeting audio level",
    "Recording from",
    "Microphone only",
    "Microphone and meeting audio",
    "Microphone (meeting audio ended)",
    "Recording a video call? Add the meeting's audio: share the call's browser tab or window with its sound, and the "
    "candidate is recorded on a channel of their own, so the analysis tells the two speakers apart.",
)


@pytest.fixture(autouse=True)
def _language_reset():
    """A request through Django's test client runs in the test's thread, and the user-language middleware activates
    Swedish there; later tests in this process (demo seeding evaluates role labels) must not inherit it."""
    yield
    translation.deactivate()


def sv(member):
    member.user.language = "sv"
    member.user.save(update_fields=["language"])
    return client_for(member)


# --- Pages in Swedish --------------------------------------------------------------------------------------------


def test_the_scorecard_page_in_swedish_prefilled_with_a_form_error_and_submitted(world):  # noqa: F811
    analysis = analysed(world)
    first = Score.objects.for_operators().filter(analysis=analysis).order_by("pk").first()
    Score.objects.for_operators().filter(pk=first.pk).update(
        value=4, status=Review.APPROVED, reviewed_at=timezone.now()
    )
    client = sv(world.org.interviewer)
    html = client.get(scorecard_url(world.interview)).content.decode()
    for swedish in (
        "<h1>Intervjuns bedömningsformulär</h1>",
        "Dina betyg",
        "Förifyllt från AI-analysen av den här intervjun",
        "Godkänd AI-bedömning:",
        "AI-utkast till bedömning:",
        "Inget underlag",
        "Anteckning",
        "Citat som betyget vilar på",
        "Skicka in mitt bedömningsformulär",
        "Spara utkast",
        "Ingen ser ditt bedömningsformulär innan du skickar in det",
    ):
        assert swedish in html, swedish
    for english in ("Your ratings", "Submit my scorecard", "Save draft", "Pre-filled from", "Quotes it rests on"):
        assert english not in html, english

    response = client.post(scorecard_url(world.interview), form_data(world, ["", "3", "3"]))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Rätta felen nedan." in page and "Välj ett betyg från 1 till 5, eller ”inget underlag”." in page

    assert client.post(scorecard_url(world.interview), form_data(world, ["4", "none", "2"])).status_code == 302
    html = client.get(scorecard_url(world.interview)).content.decode()
    assert "Du skickade in ditt bedömningsformulär" in html and "Det är slutgiltigt." in html
    assert "It is final." not in html


def test_the_candidate_page_home_and_interview_page_scorecards_in_swedish(world, second):  # noqa: F811
    other, other_interview = second
    analysis = analysed(world)
    score = Score.objects.for_operators().filter(analysis=analysis).order_by("pk").first()
    Score.objects.for_operators().filter(pk=score.pk).update(
        value=4, status=Review.APPROVED, reviewed_at=timezone.now()
    )

    interviewer = sv(world.org.interviewer)
    home = interviewer.get("/").content.decode()
    assert "Bedömningsformulär att skicka in" in home and "Scorecards to submit" not in home
    candidate = interviewer.get(f"/candidates/{world.candidate.public_id}/").content.decode()
    assert "Du ser de andra intervjuarnas bedömningsformulär när du har skickat in ditt eget" in candidate
    interview = interviewer.get(f"/interviews/{world.interview.public_id}/").content.decode()
    assert "Fyll i ditt bedömningsformulär" in interview and "Write your scorecard" not in interview

    _submit(world, other, other_interview, (5, None, 1))
    _submit(world, world.org.interviewer, world.interview, (4, None, 2))
    home = interviewer.get("/").content.decode()
    assert "Alla bedömningsformulär för dina tidigare intervjuer är inskickade." in home
    recruiter = sv(world.org.recruiter)
    section = recruiter.get(f"/candidates/{world.candidate.public_id}/").content.decode()
    section = section.split('id="scorecards"')[1].split("</section>")[0]
    for swedish in (
        "Bedömningsformulär",
        "Kriterium",
        "AI (godkänd)",
        "inget underlag",
        "Varje intervjuares egna betyg",
    ):
        assert swedish in section, swedish
    assert f"Bedömningsformulär från {other.user.display_name}" in section
    assert "AI (approved)" not in section and "no evidence" not in section
    interview = recruiter.get(f"/interviews/{world.interview.public_id}/").content.decode()
    assert "1 bedömningsformulär inskickat." in interview and "scorecard submitted" not in interview


def test_the_recorder_says_its_meeting_audio_sentences_in_swedish(world):  # noqa: F811
    html = sv(world.org.interviewer).get(f"/interviews/{world.interview.public_id}/record/").content.decode()
    assert "Spelar du in ett videosamtal? Lägg till mötesljudet" in html
    assert ">Lägg till mötesljud</button>" in html and ">Ta bort mötesljud</button>" in html
    assert "Spelar in från" in html and "Bara mikrofonen" in html
    # The sentences recorder.js shows, handed over translated in data-msg-* attributes.
    messages = dict(re.findall(r'data-msg-([a-z-]+)="([^"]*)"', html))
    assert messages["meeting-cancelled"] == (
        "Mötesljudet lades inte till: delningen avbröts. Inspelningen använder bara din mikrofon."
    )
    assert messages["meeting-ended-recording"] == (
        "Mötesljudet delas inte längre. Inspelningen fortsätter med bara din mikrofon."
    )
    assert messages["meeting-no-audio"].startswith("Den delade fliken eller det delade fönstret har inget ljud")
    assert len(messages) == 13 and all(text and "meeting" not in text.lower() for text in messages.values())


# --- Every msgid has its msgstr ----------------------------------------------------------------------------------


def test_every_msgid_of_the_scorecard_pages_has_a_swedish_msgstr(tmp_path):
    msgids = extracted_msgids(SCORECARD_FILES, tmp_path)
    assert len(msgids) > 60  # the extraction found the files' strings (71 when this was written)
    assert "Submit my scorecard" in msgids and "%(counter)s scorecard submitted." in msgids
    assert untranslated(msgids) == []


def test_every_meeting_audio_string_of_the_recorder_has_a_swedish_msgstr(tmp_path):
    msgids = extracted_msgids((RECORDER,), tmp_path)
    data_messages = re.findall(r"data-msg-[a-z-]+=\"\{% translate (['\"])(.*?)\1 %\}\"", (ROOT / RECORDER).read_text())
    assert len(data_messages) == 13
    wanted = {*RECORDER_MSGIDS, *(text for _, text in data_messages)}
    assert wanted <= set(msgids), wanted - set(msgids)  # the list follows the template
    assert untranslated({key: msgids[key] for key in wanted}) == []
