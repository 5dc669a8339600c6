"""Listening to the recording (AI-4, ORG-4, ORG-5): the merged audio with HTTP Range support, for members who may
see the interview only, never cached; from the configured storage (local files here, Azurite in CI).

Range answers are checked byte for byte against the stored file: 206 with exactly the bytes asked for, 416 with
``bytes */size`` for a range past the end, and one and the same 404 for a member who may not see the interview, a
member of another organization and a recording that does not exist.
"""

import re

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from rest_framework.test import APIClient

from ai_analysis import playback
from tests.ai_analysis import pipeline_world as pw
from tests.ai_analysis.containers import containers  # noqa: F401 (fixture)
from tests.ai_analysis.factories import AnalysisFactory, RecordingFactory
from tests.factories import MembershipFactory
from tests.hiring.factories import InterviewFactory

pytestmark = pytest.mark.django_db


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


@pytest.fixture
def recorded(acme, containers):  # noqa: F811
    """The world's interview with a merged recording: real WebM/Opus speech in the configured storage."""
    world = pw.build(acme)
    data = containers["webm"].read_bytes()
    recording = RecordingFactory(interview=world.interview, merged_format="webm", merged_bytes=len(data))
    recording.merged.save("merged.webm", ContentFile(data), save=True)
    AnalysisFactory(recording=recording)
    yield world, recording, data
    recording.merged.delete(save=False)


def audio_url(recording) -> str:
    return f"/recordings/{recording.public_id}/audio"


def without_csrf(html: bytes) -> bytes:
    """A page without its per-request CSRF token (the sign-out form in the header carries one)."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_the_whole_file_plays_with_ranges_offered_and_nothing_cached(recorded):
    world, recording, data = recorded
    response = client_for(world.org.interviewer).get(audio_url(recording))
    assert response.status_code == 200
    assert response.streaming  # streamed in blocks, never read whole into memory
    assert response["Content-Type"] == "audio/webm"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(len(data))
    assert response["Cache-Control"] == "private, no-store"
    assert body(response) == data


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [
        ("bytes=100-199", 100, 199),
        ("bytes=0-0", 0, 0),
        ("bytes=1000-", 1000, None),  # to the end
        ("bytes=-500", None, None),  # the last 500 bytes
        ("bytes=50-99999999", 50, None),  # an end past the file is the file's end
    ],
)
def test_a_range_answers_206_with_exactly_those_bytes(recorded, header, first, last):
    world, recording, data = recorded
    size = len(data)
    if first is None:
        first = size - 500
    last = size - 1 if last is None else last
    response = client_for(world.org.recruiter).get(audio_url(recording), HTTP_RANGE=header)
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes {first}-{last}/{size}"
    assert response["Content-Length"] == str(last - first + 1)
    assert response["Cache-Control"] == "private, no-store"
    assert body(response) == data[first : last + 1]


@pytest.mark.parametrize("header", ["bytes=999999999-", "bytes=500-100", "bytes=abc-", "bytes=-0", "bytes=-"])
def test_a_range_that_cannot_be_satisfied_answers_416(recorded, header):
    world, recording, data = recorded
    response = client_for(world.org.interviewer).get(audio_url(recording), HTTP_RANGE=header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(data)}"
    assert response.content == b""


@pytest.mark.parametrize("header", ["bytes=0-10,20-30", "items=0-10"])
def test_several_ranges_or_another_unit_get_the_whole_file(recorded, header):
    world, recording, data = recorded
    response = client_for(world.org.interviewer).get(audio_url(recording), HTTP_RANGE=header)
    assert response.status_code == 200 and body(response) == data


def test_head_gives_the_headers_without_the_bytes(recorded):
    world, recording, data = recorded
    response = client_for(world.org.interviewer).head(audio_url(recording), HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Length"] == "10"
    assert body(response) == b""


def test_the_api_serves_the_same_ranges(recorded):
    world, recording, data = recorded
    response = world.client.get(f"/api/v1/recordings/{recording.public_id}/audio/", HTTP_RANGE="bytes=10-29")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-29/{len(data)}"
    assert b"".join(response.streaming_content) == data[10:30]


def test_members_who_may_not_see_the_interview_get_the_same_404_as_for_nothing(recorded, acme, globex):
    world, recording, data = recorded
    other_interviewer = MembershipFactory(organization=acme.organization, role="interviewer")
    InterviewFactory(organization=acme.organization, interviewer=other_interviewer)  # an interview of their own
    for member in (other_interviewer, acme.hiring_manager, globex.admin, globex.recruiter):
        # The hiring manager neither owns the hiring nor was granted it (ORG-4).
        missing = client_for(member).get("/recordings/rec_0000000000000000000000/audio")
        assert missing.status_code == 404
        for header in ({}, {"HTTP_RANGE": "bytes=0-99"}):
            response = client_for(member).get(audio_url(recording), **header)
            assert response.status_code == 404, member.role
            assert without_csrf(response.content) == without_csrf(missing.content)
        api = APIClient()
        api.force_login(member.user)
        assert api.get(f"/api/v1/recordings/{recording.public_id}/audio/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(recorded):
    _world, recording, _data = recorded
    response = Client().get(audio_url(recording))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_recording_not_merged_yet_has_no_audio(acme):
    world = pw.build(acme)
    recording = RecordingFactory(interview=world.interview, status="receiving")
    assert client_for(acme.recruiter).get(audio_url(recording)).status_code == 404


def test_the_analysis_page_plays_the_recording_and_every_time_seeks(recorded):
    world, recording, _data = recorded
    analysis = recording.analyses.get()
    from tests.ai_analysis.factories import EvidenceFactory, ScoreFactory, TurnFactory

    turn = TurnFactory(analysis=analysis, index=1, start_s=12.5, end_s=20.0, text="We compared the costs.")
    score = ScoreFactory(analysis=analysis, criterion=world.hiring.criteria.first())
    EvidenceFactory(score=score, turn=turn, quote="compared the costs", start_s=13.25, end_s=15.0)
    html = client_for(world.org.recruiter).get(f"/analyses/{analysis.public_id}/").content.decode()
    assert f'<audio controls preload="metadata" src="{audio_url(recording)}" data-player>' in html
    assert "js/player.js" in html and "<script>" not in html  # CSP: script-src 'self', no inline script
    assert 'data-start="12.50" data-end="20.00"' in html  # the turn the player highlights
    assert html.count('data-seek="13.25"') == 2  # the quote and its time both seek
    assert 'data-seek="12.50"' in html  # the turn's time


@pytest.mark.parametrize(("header", "expected"), [("", None), ("bytes=0-", (0, 9)), ("bytes=-3", (7, 9))])
def test_parse_range(header, expected):
    assert playback.parse_range(header, 10) == expected
