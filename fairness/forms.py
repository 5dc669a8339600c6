"""Forms of the fairness pages (FAIR-1): an admin's category, and the candidate's voluntary section."""

from django import forms
from django.utils.translation import gettext_lazy as _

from fairness.services import PREFER_NOT_TO_SAY

CONSENT_LABEL = _(
    "I agree that my answers below are stored for this organization's anonymous fairness statistics, as explained "
    "above. I can withdraw this at any time, which deletes my answers."
)


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    enabled = forms.BooleanField(label=_("Ask candidates this on their portal"), required=False)
    options = forms.CharField(
        label=_("Answers, one a line"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("“Prefer not to say” is always offered. A removed answer is retired: answers given stay counted."),
    )

    def option_lines(self) -> list[str]:
        return self.cleaned_data["options"].splitlines()


class SelfIdentificationForm(forms.Form):
    """One choice field per asked category, named by the category's public id, and the separate consent box."""

    consent = forms.BooleanField(label=CONSENT_LABEL, required=False)

    def __init__(self, *args, categories, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        for category in categories:
            current = answers.get(category.pk)
            initial = ""
            if current is not None:
                initial = PREFER_NOT_TO_SAY if current.option_id is None else current.option.public_id
            self.fields[category.public_id] = forms.ChoiceField(
                label=category.name,
                required=False,
                initial=initial,
                widget=forms.RadioSelect,
                choices=[
                    *((option.public_id, option.label) for option in category.choices),
                    (PREFER_NOT_TO_SAY, _("Prefer not to say")),
                    ("", _("No answer")),
                ],
            )

    def answers(self) -> dict[str, str]:
        return {category.public_id: self.cleaned_data.get(category.public_id) or "" for category in self.categories}
