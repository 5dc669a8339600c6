"""Uploading yesterday's recording in whatever container the recruiter has (SEC-UP, AI-1): WebM, Ogg, MP3 (with and
without its ID3 tag), M4A, MP4 and WAV, each real speech from espeak-ng encoded by ffmpeg, sent through the API the
way the page sends a file (cut into byte pieces, each checksummed) and as one piece, then merged by the pipeline's
merge step: the container is recognised from the bytes, the merged file has the speech's length and decodes to
16 kHz PCM of that length."""

import pytest

from ai_analysis import audio, pipeline
from ai_analysis.models import Analysis, Recording, Step
from tests.ai_analysis import pipeline_world as pw
from tests.ai_analysis.containers import CONTAINERS, MERGED_FORMAT, containers  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PIECE_BYTES = 16 * 1024  # small pieces, so every file travels as several (the page uses FILE_CHUNK_BYTES)


@pytest.fixture(scope="module")
def spoken_seconds(containers):  # noqa: F811
    return sum(block.samples for block in audio.pcm16k_frames(containers["wav"])) / audio.PCM_RATE


@pytest.mark.parametrize("sliced", [True, False], ids=["in pieces", "one piece"])
@pytest.mark.parametrize("kind", list(CONTAINERS))
def test_every_common_container_uploads_and_merges(acme, containers, spoken_seconds, kind, sliced):  # noqa: F811
    world = pw.build(acme)
    data = containers[kind].read_bytes()
    pieces = [data[i : i + PIECE_BYTES] for i in range(0, len(data), PIECE_BYTES)] if sliced else [data]
    recording_id = pw.start(world)
    for index, piece in enumerate(pieces):
        assert pw.put_chunk(world.client, recording_id, index, piece).status_code == 201
    response = pw.complete(world, recording_id, len(pieces))
    assert response.status_code == 202, response.content
    analysis_id = response.json()["id"]

    assert pipeline.run_step(analysis_id, Step.MERGE), (
        Analysis.objects.for_operators().get(public_id=analysis_id).failure_reason
    )
    recording = Recording.objects.for_operators().get(public_id=recording_id)
    assert recording.merged_format == MERGED_FORMAT[kind]
    assert abs(recording.duration_seconds - spoken_seconds) < 0.5, (recording.duration_seconds, spoken_seconds)
    with recording.merged.open("rb") as merged:
        decoded = sum(block.samples for block in audio.pcm16k_frames(merged)) / audio.PCM_RATE
    assert abs(decoded - spoken_seconds) < 0.5
