"""Remote interviews in Chromium: the recorder adds the meeting's audio as a second channel (issue 14; AI-1, CON-4).

The microphone is Chromium's fake capture device playing a WAV (``--use-fake-device-for-media-stream
--use-file-for-fake-audio-capture``): the interviewer, flite's ``slt`` voice. The meeting tab cannot be real here:
headless Chromium cannot capture a tab or a screen. With the fake-device flags ``getDisplayMedia`` hands out the
*same* fake audio device as the microphone (one voice on both channels, speakers not told apart), and without them
``--auto-select-tab-capture-source-by-title`` / ``--auto-select-desktop-capture-source`` fail with "NotReadableError:
Could not start video/audio source" (tried with Chromium 156). So the test page's ``getDisplayMedia`` is replaced
through ``page.add_init_script``: it returns what a shared tab returns, a MediaStream with one audio and one video
track, the audio being a second WAV (the candidate, flite's ``rms`` voice) played by an ``<audio>`` element through
Web Audio (``MediaStreamAudioDestinationNode``), the video a canvas. The same replacement plays a cancelled picker
(``NotAllowedError``), a share without sound (video only) and a share that ends (the track stops and fires
``ended``). Everything after that is the product's own: its Web Audio merge (microphone channel 0, meeting channel
1), MediaRecorder, the chunk uploads, and a real Dramatiq worker running the pipeline with the offline Whisper model.

1. Microphone plus meeting audio, ~11 s: the merged recording has 2 channels (ffprobe), and the transcript's
   candidate turns hold the candidate's sentence, the interviewer turns the interviewer's (by channel, high
   confidence).
2. The picker cancelled, then a share without sound: each says so and the recorder stays on the microphone; then a
   share that ends mid-recording: the recording goes on with the microphone, and says so.
3. Microphone alone, as before: the recording stays one channel (speakers then come from pauses).
"""

import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ai_analysis import audio as audio_files
from ai_analysis.models import Analysis, Recording
from ai_analysis.speech import normalized_words
from tests.ai_analysis import conftest as audio
from tests.e2e.test_analysis_journey import (  # noqa: F401 (fixtures)
    PIPELINE_SECONDS,
    demo_world,
    pipeline_worker,
)
from tests.e2e.test_hiring_journey import sign_in
from tests.e2e.test_login_journey import SCREENSHOTS, demo_login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INTERVIEWER_SENTENCE = "Please describe the database migration you planned last spring."
CANDIDATE_SENTENCE = "I moved our orders to a new server and tested every backup twice."
# Words each voice says and the other does not: where they land tells whether the speakers came out right.
INTERVIEWER_WORDS = {"describe", "database", "migration", "planned", "spring"}
CANDIDATE_WORDS = {"moved", "orders", "server", "tested", "backup", "twice"}
CANDIDATE_DELAY_S = 5.0  # the candidate speaks after the interviewer's question, not over it
MEETING_PATH = "/__test-meeting-tab.wav"

FAKE_DISPLAY_MEDIA = """
(() => {
  const meeting = { mode: "share", audio: null, track: null, requests: [] };
  window.__meeting = meeting;
  meeting.end = () => { meeting.track.stop(); meeting.track.dispatchEvent(new Event("ended")); };
  navigator.mediaDevices.getDisplayMedia = async (constraints) => {
    meeting.requests.push(constraints);
    if (meeting.mode === "cancel") throw new DOMException("Permission denied by user", "NotAllowedError");
    const canvas = document.createElement("canvas");
    canvas.width = 320;
    canvas.height = 180;
    canvas.getContext("2d").fillRect(0, 0, 320, 180);
    const video = canvas.captureStream(5).getVideoTracks()[0];
    meeting.video = video;
    if (meeting.mode === "video-only") return new MediaStream([video]);
    const element = new Audio("MEETING_PATH");
    const context = new AudioContext();
    const destination = context.createMediaStreamDestination();
    context.createMediaElementSource(element).connect(destination);
    await new Promise((resolve) => element.addEventListener("canplaythrough", resolve, { once: true }));
    meeting.audio = element;
    meeting.track = destination.stream.getAudioTracks()[0];
    return new MediaStream([meeting.track, video]);
  };
})();
""".replace("MEETING_PATH", MEETING_PATH)


@pytest.fixture(scope="session")
def voices(tmp_path_factory):
    """The interviewer's microphone (16 kHz mono, 14 s: the question, then silence, so the fake device's loop does
    not repeat it while recording) and the meeting tab's sound (48 kHz mono: silence, then the answer)."""
    missing = [f"{tool} ({install})" for tool, install in audio.TOOLS.items() if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"the remote recorder test needs {', '.join(missing)}")
    directory = tmp_path_factory.mktemp("remote")
    audio.run("flite", "-voice", "slt", "-t", INTERVIEWER_SENTENCE, "-o", directory / "interviewer-raw.wav")
    audio.run("flite", "-voice", "rms", "-t", CANDIDATE_SENTENCE, "-o", directory / "candidate-raw.wav")
    question = audio.seconds(directory / "interviewer-raw.wav")
    answer = audio.seconds(directory / "candidate-raw.wav")
    assert question + 0.3 < CANDIDATE_DELAY_S, "the question must end before the answer starts"
    mic, tab = directory / "microphone.wav", directory / "meeting.wav"
    audio.run("sox", directory / "interviewer-raw.wav", "-r", "16000", "-c", "1", "-b", "16", mic,
              "pad", "0.3", str(14 - question - 0.3))  # fmt: skip
    audio.run("sox", directory / "candidate-raw.wav", "-r", "48000", "-c", "1", "-b", "16", tab,
              "pad", str(CANDIDATE_DELAY_S), "3")  # fmt: skip
    return {"microphone": mic, "meeting": tab, "answer_s": answer}


@pytest.fixture
def remote_browser(browser_type, browser_type_launch_args, voices):
    args = [
        *browser_type_launch_args.get("args", []),
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-audio-capture={voices['microphone']}",
        "--autoplay-policy=no-user-gesture-required",
    ]
    launched = browser_type.launch(**{**browser_type_launch_args, "args": args})
    yield launched
    launched.close()


def recorder_page(remote_browser, live_server, voices, login):
    context = remote_browser.new_context(viewport={"width": 1280, "height": 900})
    context.grant_permissions(["microphone"], origin=live_server.url)
    meeting_wav = voices["meeting"].read_bytes()
    context.route(f"**{MEETING_PATH}", lambda route: route.fulfill(body=meeting_wav, content_type="audio/wav"))
    context.add_init_script(FAKE_DISPLAY_MEDIA)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server.url, login)
    return context, page, errors


def status(page):
    return page.locator('[data-role="status"]')


def channels_of(path: Path) -> int:
    """The audio stream's channel count, as ffprobe reads the file."""
    out = subprocess.run(  # noqa: S603
        ["ffprobe", "-v", "error", "-select_streams", "a:0", "-show_entries", "stream=channels,codec_name",  # noqa: S607
         "-of", "json", str(path)],
        capture_output=True, check=True, text=True,
    ).stdout  # fmt: skip
    stream = json.loads(out)["streams"][0]
    assert stream["codec_name"] == "opus"
    return int(stream["channels"])


def merged_channels(recording: Recording) -> int:
    """Join the uploaded chunks as the pipeline's merge step does, and count the channels of the result."""
    chunks = [chunk.file.storage.open(chunk.file.name, "rb") for chunk in recording.chunks.order_by("index")]
    with tempfile.NamedTemporaryFile(suffix=".webm") as merged:
        try:
            result = audio_files.merge_chunks(chunks, merged)
        finally:
            for chunk in chunks:
                chunk.close()
        merged.flush()
        assert channels_of(Path(merged.name)) == result.channels
        return result.channels


def words_of(turns) -> set[str]:
    return {word for turn in turns for word in normalized_words(turn.text)}


def test_microphone_and_meeting_tab_are_recorded_as_two_channels_and_the_speakers_come_out_right(
    live_server,
    remote_browser,
    voices,
    pipeline_worker,  # noqa: F811
):
    login = demo_login("interviewer")
    world = demo_world(demo_login("recruiter"))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page, errors = recorder_page(remote_browser, live_server, voices, login)
    page.goto(f"{live_server.url}/interviews/{world.interview.public_id}/record/")
    expect(page.get_by_text("Recording a video call? Add the meeting's audio")).to_be_visible()
    expect(page.locator('[data-role="sources"]')).to_have_text("Microphone only")

    # --- Add the meeting's audio: the tab's video is dropped, its sound becomes channel 1 ---
    page.get_by_role("button", name="Add meeting audio").click()
    expect(status(page)).to_contain_text("Meeting audio added")
    expect(page.locator('[data-role="sources"]')).to_have_text("Microphone and meeting audio")
    expect(page.get_by_role("button", name="Remove meeting audio")).to_be_visible()
    expect(page.get_by_role("button", name="Add meeting audio")).to_be_hidden()
    asked = page.evaluate("window.__meeting.requests[0]")
    assert asked["audio"] is True and asked["video"] is True
    page.screenshot(path=str(SCREENSHOTS / "recorder-meeting-added.png"), full_page=True)

    # --- Record: the interviewer asks (microphone), then the candidate answers (meeting tab) ---
    page.get_by_role("button", name="Start recording").click()
    expect(page.locator('[data-role="state"]')).to_have_text("Recording")
    page.evaluate("window.__meeting.audio.play()")
    expect(status(page)).to_contain_text("Recording your microphone and the meeting audio")
    assert page.evaluate("window.__meeting.video.readyState") == "ended"  # the tab's picture is not recorded
    expect(page.locator('[data-role="sent"]')).to_have_text("1", timeout=15_000)
    page.wait_for_function(
        "() => window.__meeting.audio.currentTime > 1.5", timeout=15_000
    )  # the candidate's answer has begun
    meeting_level = page.locator('[data-role="meeting-level"]').evaluate("element => element.style.transform")
    assert meeting_level.startswith("scaleX(")
    page.screenshot(path=str(SCREENSHOTS / "recorder-meeting-live.png"), full_page=True)
    page.wait_for_function("() => window.__meeting.audio.ended", timeout=30_000)
    page.get_by_role("button", name="Stop and analyse").click()
    page.wait_for_url(re.compile(r"/analyses/ana_[0-9A-Za-z]{22}/$"), timeout=60_000)

    # --- The pipeline merges, transcribes by channel, and the speakers come out right ---
    expect(page.locator(".page-head .badge")).to_have_text(
        re.compile("Ready for review|Failed"), timeout=PIPELINE_SECONDS * 1000
    )
    recording = Recording.objects.for_operators().get(interview=world.interview)
    analysis = Analysis.objects.for_operators().get(recording=recording)
    transcribe = analysis.steps.get(name="transcribe")
    assert transcribe.status == "done", transcribe.failure_reason
    with tempfile.NamedTemporaryFile(suffix=".webm") as local:
        with recording.merged.open("rb") as merged:
            shutil.copyfileobj(merged, local)
        local.flush()
        assert channels_of(Path(local.name)) == 2
    turns = list(analysis.turns.all())
    assert turns and all(turn.speaker_confidence == "high" for turn in turns), [(t.speaker, t.text) for t in turns]
    candidate = words_of(turn for turn in turns if turn.speaker == "candidate")
    interviewer = words_of(turn for turn in turns if turn.speaker == "interviewer")
    print("candidate turns:", sorted(candidate), "interviewer turns:", sorted(interviewer))
    assert len(candidate & CANDIDATE_WORDS) >= 4, (candidate, interviewer)
    assert len(interviewer & INTERVIEWER_WORDS) >= 4, (candidate, interviewer)
    assert not candidate & INTERVIEWER_WORDS and not interviewer & CANDIDATE_WORDS, (candidate, interviewer)
    candidate_turn = next(turn for turn in turns if turn.speaker == "candidate")
    expect(page.locator("#transcript .turn-candidate").first).to_contain_text(candidate_turn.text[:20])
    page.screenshot(path=str(SCREENSHOTS / "analysis-remote.png"), full_page=True)
    assert errors == [], errors
    context.close()


def test_a_cancelled_picker_a_share_without_sound_and_a_share_ended_mid_recording(live_server, remote_browser, voices):
    login = demo_login("interviewer")
    world = demo_world(demo_login("recruiter"))
    context, page, errors = recorder_page(remote_browser, live_server, voices, login)
    page.goto(f"{live_server.url}/interviews/{world.interview.public_id}/record/")
    sources = page.locator('[data-role="sources"]')

    page.evaluate("window.__meeting.mode = 'cancel'")
    page.get_by_role("button", name="Add meeting audio").click()
    expect(status(page)).to_have_text(
        "Meeting audio was not added: sharing was cancelled. The recorder uses your microphone only."
    )
    expect(sources).to_have_text("Microphone only")

    page.evaluate("window.__meeting.mode = 'video-only'")
    page.get_by_role("button", name="Add meeting audio").click()
    expect(status(page)).to_contain_text("The shared tab or window has no sound, so nothing was added.")
    expect(sources).to_have_text("Microphone only")
    expect(page.get_by_role("button", name="Add meeting audio")).to_be_enabled()

    page.evaluate("window.__meeting.mode = 'share'")
    page.get_by_role("button", name="Add meeting audio").click()
    expect(sources).to_have_text("Microphone and meeting audio")
    page.get_by_role("button", name="Start recording").click()
    expect(page.locator('[data-role="state"]')).to_have_text("Recording")
    page.evaluate("window.__meeting.audio.play()")
    expect(page.locator('[data-role="sent"]')).to_have_text("1", timeout=15_000)

    page.evaluate("window.__meeting.end()")  # the browser's "Stop sharing", or the meeting tab closed
    expect(status(page)).to_have_text(
        "The meeting audio is no longer shared. The recording goes on with your microphone only."
    )
    expect(sources).to_have_text("Microphone (meeting audio ended)")
    expect(page.locator('[data-role="meeting"]')).to_be_hidden()
    expect(page.locator('[data-role="state"]')).to_have_text("Recording")
    page.screenshot(path=str(SCREENSHOTS / "recorder-meeting-ended.png"), full_page=True)
    expect(page.locator('[data-role="sent"]')).to_have_text("2", timeout=15_000)  # the microphone goes on
    page.get_by_role("button", name="Stop and analyse").click()
    page.wait_for_url(re.compile(r"/analyses/ana_[0-9A-Za-z]{22}/$"), timeout=60_000)
    recording = Recording.objects.for_operators().get(interview=world.interview)
    assert recording.status == Recording.Status.COMPLETE and recording.chunk_count >= 3
    assert merged_channels(recording) == 2  # one stream from start to stop: channel 1 silent after the share
    assert errors == [], errors
    context.close()


def test_the_microphone_alone_is_recorded_as_one_channel_as_before(live_server, remote_browser, voices):
    login = demo_login("interviewer")
    world = demo_world(demo_login("recruiter"))
    context, page, errors = recorder_page(remote_browser, live_server, voices, login)
    page.goto(f"{live_server.url}/interviews/{world.interview.public_id}/record/")
    page.get_by_role("button", name="Start recording").click()
    expect(status(page)).to_have_text("Recording. Audio is sent every 5 seconds.")
    expect(page.locator('[data-role="sources"]')).to_have_text("Microphone only")
    expect(page.get_by_role("button", name="Add meeting audio")).to_be_hidden()
    expect(page.locator('[data-role="sent"]')).to_have_text("1", timeout=15_000)
    page.get_by_role("button", name="Stop and analyse").click()
    page.wait_for_url(re.compile(r"/analyses/ana_[0-9A-Za-z]{22}/$"), timeout=60_000)
    recording = Recording.objects.for_operators().get(interview=world.interview)
    assert merged_channels(recording) == 1
    assert page.evaluate("window.__meeting === undefined || window.__meeting.requests.length === 0")
    assert errors == [], errors
    context.close()
