"""Forms of the review pages (AI-3). They only validate and shape input; ``ai_analysis.review`` decides and records.

Each form lists its fields explicitly (SEC-MASS). A score is 1 to 5 or empty ("insufficient evidence"); anything
else is a form error before the service is called, and the service checks again.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ai_analysis.models import SPEAKERS
from ai_analysis.review import MAX_QUOTES, MAX_TEXT
from ai_analysis.types import CANDIDATE


def clock(seconds) -> str:
    """A position in the recording as people read it: 0:07, 12:34, 1:02:03."""
    if seconds is None:
        return ""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


SCORE_CHOICES = [("", _("Insufficient evidence")), *[(str(n), str(n)) for n in range(1, 6)]]


class ScoreEditForm(forms.Form):
    """A person's own score: it replaces the draft and is approved under their name."""

    value = forms.TypedChoiceField(
        label=_("Score"),
        choices=SCORE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={"invalid_choice": _("A score is 1 to 5, or empty for insufficient evidence.")},
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why: the rationale is what a reviewer and the candidate read.")},
        help_text=_("Refer to what the candidate said, not to how they said it."),
    )
    quotes = forms.MultipleChoiceField(
        label=_("Quotes your score rests on"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Pick what the candidate said that supports your score; each is quoted word for word with its time. "
            "With none, the score is shown as your judgement, not as resting on quotes."
        ),
        error_messages={"invalid_choice": _("Quotes can only come from what the candidate said in this interview.")},
    )

    def __init__(self, *args, score=None, turns=(), quoted=(), **kwargs):
        """``turns``: the analysis's transcript turns (the candidate's become the choices); ``quoted``: the turn
        public ids of the score's current evidence, ticked to start with."""
        if score is not None:
            kwargs.setdefault("auto_id", f"id_{score.public_id}_%s")
            kwargs.setdefault(
                "initial",
                {
                    "value": "" if score.value is None else str(score.value),
                    "rationale": score.rationale,
                    "quotes": list(quoted),
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["quotes"].choices = [
            (turn.public_id, f"{clock(turn.start_s)} — “{turn.text}”") for turn in turns if turn.speaker == CANDIDATE
        ]

    def clean_quotes(self):
        chosen = self.cleaned_data["quotes"]
        if len(chosen) > MAX_QUOTES:
            raise forms.ValidationError(_("Choose at most %(max)d quotes.") % {"max": MAX_QUOTES})
        return chosen


class SpeakerForm(forms.Form):
    speaker = forms.ChoiceField(
        label=_("Speaker"),
        choices=SPEAKERS,
        error_messages={
            "required": _("Choose who spoke: the interviewer or the candidate."),
            "invalid_choice": _("The speaker is the interviewer or the candidate."),
        },
    )


class FeedbackApproveForm(forms.Form):
    """Approve a feedback draft as it is, or as edited here (candidate feedback is checked again, AI-7)."""

    text = forms.CharField(
        label=_("Text"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Feedback cannot be empty.")},
    )

    def __init__(self, *args, feedback=None, **kwargs):
        if feedback is not None:
            kwargs.setdefault("auto_id", f"id_{feedback.public_id}_%s")
            kwargs.setdefault("initial", {"text": feedback.text})
        super().__init__(*args, **kwargs)
