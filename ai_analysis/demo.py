"""Demo analysis for ``seed_demo``: one analysed interview with draft and approved scores, so a newcomer sees the
review page filled.

The audio in ``ai_analysis/demo/interview.webm`` is real speech (Debian's ``flite``, two voices on two channels,
from ``demo/script.txt``; see ``demo/README.md``). ``demo/transcript.json`` is what the local pipeline's offline
speech step made of it (pocketsphinx): seeding stores that result for the merge and transcribe steps instead of
spending ten seconds of speech recognition on every ``seed_demo``, then runs the structuring, scoring and feedback
steps for real, and approves one score as the demo recruiter would. Idempotent.
"""

import hashlib
import json
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership
from ai_analysis import pipeline, recordings, review
from ai_analysis.models import AnalysisStep, Recording, RecordingChunk, Step, TranscriptTurn
from consent.services import has_consent
from hiring.models import Interview
from interview_analyzer.roles import Role

DEMO_DIR = Path(__file__).resolve().parent / "demo"
CANDIDATE = "Amira Haddad"


def seed_analysis() -> None:
    for interview in (
        Interview.objects.for_operators()
        .filter(candidate__name=CANDIDATE, organization__name__in=["Acme Recruiting", "Globex Talent"])
        .select_related("candidate", "organization")
    ):
        if Recording.objects.for_operators().filter(interview=interview).exists() or not has_consent(
            interview.candidate
        ):
            continue
        _seed_one(interview)


def _seed_one(interview) -> None:
    members = {m.role: m for m in Membership.objects.active().filter(organization=interview.organization)}
    recruiter = members[Role.RECRUITER]
    audio = (DEMO_DIR / "interview.webm").read_bytes()
    stored = json.loads((DEMO_DIR / "transcript.json").read_text())
    with transaction.atomic():
        recording, _created = recordings.start_recording(actor=recruiter, interview=interview)
        recordings.put_chunk(
            actor=recruiter, recording=recording, index=0, data=audio, sha256=hashlib.sha256(audio).hexdigest()
        )
        analysis = recordings.complete(actor=recruiter, recording=recording, chunk_count=1)
        chunk = RecordingChunk.objects.for_operators().get(recording=recording, index=0)
        recording.merged_format = "webm"
        recording.merged.save("merged.webm", ContentFile(audio), save=False)
        recording.merged_bytes, recording.codec = len(audio), "opus"
        recording.duration_seconds = stored["duration_s"]
        recording.save(update_fields=["merged", "merged_format", "merged_bytes", "codec", "duration_seconds"])
        TranscriptTurn.objects.bulk_create(
            TranscriptTurn(
                organization_id=analysis.organization_id,
                analysis=analysis,
                index=index,
                speaker=turn["speaker"],
                machine_speaker=turn["speaker"],
                speaker_confidence=stored["speaker_confidence"],
                start_s=turn["start_s"],
                end_s=turn["end_s"],
                text=turn["text"],
            )
            for index, turn in enumerate(stored["turns"])
        )
        analysis.speech_engine = stored["engine"][:100]
        analysis.speaker_confidence = stored["speaker_confidence"]
        analysis.save(update_fields=["speech_engine", "speaker_confidence"])
        AnalysisStep.objects.for_operators().filter(analysis=analysis, name__in=[Step.MERGE, Step.TRANSCRIBE]).update(
            status=AnalysisStep.Status.DONE, attempts=1, started_at=timezone.now(), finished_at=timezone.now()
        )
        del chunk
    for step in (Step.STRUCTURE, Step.SCORE, Step.FEEDBACK):
        pipeline.run_step(analysis.public_id, step)
    scored = [score for score in analysis.scores.order_by("pk") if score.value is not None]
    for score in scored[:1]:  # one approved; the rest stay drafts for the newcomer to review
        review.approve_score(actor=recruiter, score=score)
