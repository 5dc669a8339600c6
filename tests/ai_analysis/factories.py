"""Rows of the analysis domain built directly, for tests that need an analysis without running the pipeline."""

import factory

from ai_analysis import drafts
from ai_analysis.models import (
    STEP_ORDER,
    Analysis,
    AnalysisStep,
    Evidence,
    Feedback,
    Recording,
    Score,
    TranscriptTurn,
)
from tests.hiring.factories import CriterionFactory, InterviewFactory


class RecordingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recording

    interview = factory.SubFactory(InterviewFactory)
    organization = factory.SelfAttribute("interview.organization")
    candidate = factory.SelfAttribute("interview.candidate")
    status = Recording.Status.COMPLETE
    chunk_count = 1


class AnalysisFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Analysis
        skip_postgeneration_save = True

    recording = factory.SubFactory(RecordingFactory)
    interview = factory.SelfAttribute("recording.interview")
    organization = factory.SelfAttribute("recording.organization")
    provider = "local"
    model = "evidence-retrieval/test"
    prompt_version = "test"
    criteria_version = 1

    @factory.post_generation
    def steps(self, create, extracted, **kwargs):
        if create:
            AnalysisStep.objects.bulk_create(
                AnalysisStep(organization=self.organization, analysis=self, name=name, position=position)
                for position, name in enumerate(STEP_ORDER)
            )


class TurnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TranscriptTurn

    analysis = factory.SubFactory(AnalysisFactory)
    organization = factory.SelfAttribute("analysis.organization")
    index = factory.Sequence(int)
    speaker = "candidate"
    machine_speaker = factory.SelfAttribute("speaker")
    start_s = factory.LazyAttribute(lambda o: o.index * 10.0)
    end_s = factory.LazyAttribute(lambda o: o.index * 10.0 + 8)
    text = "We wrote down the options and compared the costs."


class _KeepsOpenDrafts:
    """A score or feedback item built here is counted on its analysis, as the pipeline counts what it stores
    (``ai_analysis.drafts``); a test that changes a status with ``update()`` calls ``drafts.recount`` itself."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        item = super()._create(model_class, *args, **kwargs)
        drafts.recount(item.analysis_id)
        return item


class ScoreFactory(_KeepsOpenDrafts, factory.django.DjangoModelFactory):
    class Meta:
        model = Score

    analysis = factory.SubFactory(AnalysisFactory)
    organization = factory.SelfAttribute("analysis.organization")
    criterion = factory.SubFactory(
        CriterionFactory, hiring=factory.SelfAttribute("..analysis.interview.candidate.hiring")
    )
    criterion_name = factory.SelfAttribute("criterion.name")
    value = 3
    rationale = "Matched the options and costs."
    machine_value = factory.SelfAttribute("value")
    machine_rationale = factory.SelfAttribute("rationale")


class EvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evidence

    score = factory.SubFactory(ScoreFactory)
    organization = factory.SelfAttribute("score.organization")
    turn = factory.SubFactory(TurnFactory, analysis=factory.SelfAttribute("..score.analysis"))
    quote = "compared the costs"
    start_s = factory.SelfAttribute("turn.start_s")
    end_s = factory.SelfAttribute("turn.end_s")


class FeedbackFactory(_KeepsOpenDrafts, factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    analysis = factory.SubFactory(AnalysisFactory)
    organization = factory.SelfAttribute("analysis.organization")
    audience = Feedback.Audience.CANDIDATE
    text = "Thank you for the interview."
    machine_text = factory.SelfAttribute("text")
