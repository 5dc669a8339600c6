"""The scorecard page of an interview (issue 14): its interviewer rates every criterion, pre-filled from the AI
analysis, saves a draft or submits; everyone else who may see the interview reads the scorecards visible to them
(``ScorecardQuerySet``: independent judgement). Every write goes through ``ai_analysis.scorecards``; a service's
refusal is a form error on the re-rendered page (400) and nothing is stored."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ai_analysis import scorecards
from ai_analysis.forms import clock
from ai_analysis.models import Scorecard
from ai_analysis.review import MAX_TEXT
from hiring.access_log import AccessKind, reads_candidate_data, record_view
from hiring.models import Interview
from interview_analyzer.errors import Conflict
from interview_analyzer.permissions import member_required
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import get_visible_or_404

NO_EVIDENCE = "none"
RATING_CHOICES = [
    ("", gettext_lazy("Choose…")),
    *[(str(n), str(n)) for n in range(1, 6)],
    (NO_EVIDENCE, gettext_lazy("No evidence")),
]


class ScorecardForm(forms.Form):
    """One rating, note and quote choice per criterion; field names carry the criterion's public id."""

    def __init__(self, *args, criteria=(), turns=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        quote_choices = [(turn.public_id, f"{clock(turn.start_s)} — “{turn.text}”") for turn in turns]
        for criterion in self.criteria:
            pid = criterion.public_id
            self.fields[f"value_{pid}"] = forms.ChoiceField(
                label=_("Rating"),
                choices=RATING_CHOICES,
                error_messages={
                    "required": _("Choose a rating from 1 to 5, or “no evidence”."),
                    "invalid_choice": _("A rating is 1 to 5, or “no evidence”."),
                },
            )
            self.fields[f"note_{pid}"] = forms.CharField(
                label=_("Note"), required=False, max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3})
            )
            self.fields[f"quotes_{pid}"] = forms.MultipleChoiceField(
                label=_("Quotes it rests on"),
                required=False,
                choices=quote_choices,
                widget=forms.CheckboxSelectMultiple,
                error_messages={
                    "invalid_choice": _("Quotes can only come from what the candidate said in this interview.")
                },
            )

    def rows(self):
        return [
            {
                "criterion": criterion,
                "value": self[f"value_{criterion.public_id}"],
                "note": self[f"note_{criterion.public_id}"],
                "quotes": self[f"quotes_{criterion.public_id}"],
            }
            for criterion in self.criteria
        ]

    def ratings(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "criterion": criterion.public_id,
                "value": None
                if data[f"value_{criterion.public_id}"] == NO_EVIDENCE
                else int(data[f"value_{criterion.public_id}"]),
                "note": data[f"note_{criterion.public_id}"],
                "quotes": data[f"quotes_{criterion.public_id}"],
            }
            for criterion in self.criteria
        ]

    def apply(self, error: ValidationError) -> None:
        """Put a service's errors on the fields they name (``ratings.<criterion id>`` → that criterion's rating)."""
        for key, messages_ in (error.message_dict if hasattr(error, "error_dict") else {None: error.messages}).items():
            field = None
            if key and key.startswith("ratings."):
                field = f"value_{key.split('.', 1)[1]}"
            for message in messages_:
                self.add_error(field if field in self.fields else None, message)


def _initial(criteria, existing: Scorecard | None, prefilled: dict) -> dict:
    initial = {}
    if existing is not None:
        for rating in existing.ratings.all():
            pid = rating.criterion.public_id
            initial[f"value_{pid}"] = NO_EVIDENCE if rating.value is None else str(rating.value)
            initial[f"note_{pid}"] = rating.note
            initial[f"quotes_{pid}"] = [quote["turn"] for quote in rating.quotes]
        return initial
    for criterion in criteria:
        ai = prefilled.get(criterion.pk)
        if ai is None:
            continue
        pid = criterion.public_id
        initial[f"value_{pid}"] = NO_EVIDENCE if ai["value"] is None else str(ai["value"])
        initial[f"note_{pid}"] = ai["note"]
        initial[f"quotes_{pid}"] = ai["quotes"]
    return initial


@reads_candidate_data(AccessKind.SCORECARD)
@member_required(Role.INTERVIEWER)
def interview_scorecard(request, public_id):
    member = request.member
    queryset = Interview.objects.select_related("candidate__hiring", "interviewer__user")
    interview = get_visible_or_404(Interview, member, public_id, queryset=queryset)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    record_view(request, interview.candidate, AccessKind.SCORECARD, interview)  # GET only (LOG-1)
    mine = (
        Scorecard.objects.visible_to(member)
        .filter(interview=interview, author=member)
        .prefetch_related("ratings__criterion")
        .first()
    )
    is_author = interview.interviewer_id == member.pk and interview.status != Interview.Status.CANCELLED
    if request.method == "POST" and (not is_author or (mine and mine.status == Scorecard.Status.SUBMITTED)):
        messages.error(
            request,
            _(
                "Nothing was changed: only the interview's interviewer writes its scorecard, "
                "and a submitted scorecard is final."
            ),
        )
        return _render(request, interview, mine, None, status=403 if not is_author else 409)
    form = None
    if is_author and not (mine and mine.status == Scorecard.Status.SUBMITTED):
        analysis = mine.analysis if mine and mine.analysis_id else scorecards.source_analysis(interview)
        criteria = list(interview.candidate.hiring.criteria.order_by("position", "pk"))
        turns = scorecards.candidate_turns(analysis)
        prefilled = scorecards.prefill(analysis)
        if request.method == "POST":
            form = ScorecardForm(request.POST, criteria=criteria, turns=turns)
            if form.is_valid():
                submit = request.POST.get("action") == "submit"
                try:
                    with transaction.atomic():
                        card = scorecards.save_scorecard(actor=member, interview=interview, ratings=form.ratings())
                        if submit:
                            scorecards.submit_scorecard(actor=member, scorecard=card)
                except ValidationError as error:
                    form.apply(error)
                except Conflict as error:
                    messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": error.args[0]})
                    return _render(request, interview, mine, None, status=409)
                else:
                    messages.success(
                        request,
                        _(
                            "Your scorecard is submitted. You can now see the other interviewers' scorecards "
                            "of this candidate."
                        )
                        if submit
                        else _("Your draft is saved. Nobody else sees it until you submit it."),
                    )
                    return redirect(reverse("ai_analysis:interview_scorecard", args=[interview.public_id]))
            return _render(request, interview, mine, form, analysis=analysis, prefilled=prefilled, status=400)
        form = ScorecardForm(criteria=criteria, turns=turns, initial=_initial(criteria, mine, prefilled))
        return _render(request, interview, mine, form, analysis=analysis, prefilled=prefilled)
    return _render(request, interview, mine, None)


def _render(request, interview, mine, form, *, analysis=None, prefilled=None, status=200):
    member = request.member
    visible = list(
        Scorecard.objects.visible_to(member)
        .filter(interview=interview, status=Scorecard.Status.SUBMITTED)
        .select_related("author__user")
        .prefetch_related("ratings")
    )
    for card in visible:
        for rating in card.ratings.all():
            for quote in rating.quotes:
                quote["clock"] = clock(quote["start_s"])
    rows = form.rows() if form is not None else []
    for row in rows:
        ai = (prefilled or {}).get(row["criterion"].pk)
        row["ai"] = ai
    context = {
        "interview": interview,
        "candidate": interview.candidate,
        "hiring": interview.candidate.hiring,
        "manages": member.has_role(Role.HIRING_MANAGER),
        "mine": mine,
        "form": form,
        "rows": rows,
        "analysis": analysis,
        "submitted": visible,
    }
    return render(request, "ai_analysis/scorecard.html", context, status=status)
