"""Every write of self-identification (FAIR-1): the admins' categories, and the candidate's consent and answers.

Admins (``actor``: a verified admin membership) set which categories are asked and their answer options. The
candidate is not a member: their signed portal link is the credential (``retention.portal.tokens``), so the
candidate-side functions take the candidate that link opened. Answers are given only under a current consent to the
current text version, and withdrawing the consent deletes the answers at once, in the same transaction.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Membership
from fairness.models import (
    CONSENT_TEXT_VERSION,
    SelfIdentification,
    SelfIdentificationCategory,
    SelfIdentificationConsent,
    SelfIdentificationOption,
)
from hiring.models import Candidate
from interview_analyzer.permissions import check_member
from interview_analyzer.roles import Role

MAX_OPTIONS = 20
# Offered to every organization the first time its admin opens the settings, off until an admin turns them on.
SUGGESTED_CATEGORIES = [
    (gettext_lazy("Gender"), [gettext_lazy("Woman"), gettext_lazy("Man"), gettext_lazy("Non-binary")]),
    (
        gettext_lazy("Age band"),
        [gettext_lazy("Under 30"), gettext_lazy("30–39"), gettext_lazy("40–49"), gettext_lazy("50 or over")],
    ),
    (gettext_lazy("Disability"), [gettext_lazy("Yes"), gettext_lazy("No")]),
]


def _admin(actor: Membership) -> None:
    check_member(actor, Role.ADMIN)


@transaction.atomic
def suggest_categories(*, actor: Membership) -> list[SelfIdentificationCategory]:
    """The suggested categories (off), worded in the admin's language, once per organization."""
    _admin(actor)
    existing = SelfIdentificationCategory.objects.visible_to(actor)
    if existing.exists():
        return list(existing)
    created = []
    for position, (name, options) in enumerate(SUGGESTED_CATEGORIES):
        category = SelfIdentificationCategory.objects.create(
            organization=actor.organization, name=str(name), position=position
        )
        _set_options(category, [str(option) for option in options])
        created.append(category)
    return created


def _clean_options(labels: list[str]) -> list[str]:
    cleaned, seen = [], set()
    for label in labels:
        label = " ".join(label.split())
        if not label or label.casefold() in seen:
            continue
        if len(label) > 80:
            raise ValidationError({"options": _("An answer can be at most 80 characters.")}, code="long")
        seen.add(label.casefold())
        cleaned.append(label)
    if len(cleaned) < 2:
        raise ValidationError({"options": _("Give at least two answers, one a line.")}, code="few")
    if len(cleaned) > MAX_OPTIONS:
        raise ValidationError({"options": _("At most %(n)d answers.") % {"n": MAX_OPTIONS}}, code="many")
    return cleaned


def _set_options(category: SelfIdentificationCategory, labels: list[str]) -> None:
    """Keep options whose label stays (their answers keep counting), retire the rest, add the new ones in order."""
    labels = _clean_options(labels)
    current = {option.label.casefold(): option for option in category.options.all()}
    for position, label in enumerate(labels):
        option = current.pop(label.casefold(), None)
        if option is None:
            SelfIdentificationOption.objects.create(
                organization=category.organization, category=category, label=label, position=position
            )
        else:
            option.label, option.position, option.active = label, position, True
            option.save(update_fields=["label", "position", "active"])
    for option in current.values():
        if option.active:
            option.active = False
            option.save(update_fields=["active"])


@transaction.atomic
def save_category(
    *, actor: Membership, category: SelfIdentificationCategory | None, name: str, enabled: bool, options: list[str]
) -> SelfIdentificationCategory:
    """Create (``category=None``) or change a category: its name, whether it is asked, its answers (FAIR-1)."""
    _admin(actor)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Name the category.")}, code="name")
    if category is None:
        position = SelfIdentificationCategory.objects.visible_to(actor).count()
        category = SelfIdentificationCategory.objects.create(
            organization=actor.organization, name=name, enabled=enabled, position=position
        )
    else:
        if category.organization_id != actor.organization_id:
            raise ValidationError(_("Unknown category."), code="unknown")
        category.name, category.enabled = name, enabled
        category.save(update_fields=["name", "enabled"])
    _set_options(category, options)
    return category


# --- The candidate's side (their signed portal link is the credential) ----------------------------------------------


def asked_categories(candidate: Candidate) -> list[SelfIdentificationCategory]:
    """The enabled categories of the candidate's organization, each with its active options in ``.choices``."""
    categories = list(
        SelfIdentificationCategory.objects.for_operators().filter(organization=candidate.organization, enabled=True)
    )
    options = SelfIdentificationOption.objects.for_operators().filter(category__in=categories, active=True)
    by_category: dict[int, list] = {}
    for option in options:
        by_category.setdefault(option.category_id, []).append(option)
    for category in categories:
        category.choices = by_category.get(category.pk, [])
    return [category for category in categories if category.choices]


def current_consent(candidate: Candidate) -> SelfIdentificationConsent | None:
    return (
        SelfIdentificationConsent.objects.for_operators().filter(candidate=candidate, withdrawn_at__isnull=True).first()
    )


def answers_of(candidate: Candidate) -> dict[int, SelfIdentification]:
    """The candidate's answers by category primary key (for their own portal only)."""
    rows = SelfIdentification.objects.for_operators().filter(candidate=candidate).select_related("option", "category")
    return {row.category_id: row for row in rows}


PREFER_NOT_TO_SAY = "prefer_not_to_say"


@transaction.atomic
def answer(*, candidate: Candidate, consent_given: bool, answers: dict[str, str]) -> SelfIdentificationConsent:
    """The candidate's consent and answers: ``answers`` maps a category's public id to an option's public id,
    ``PREFER_NOT_TO_SAY``, or "" (no answer: an earlier one is removed). Without the explicit consent nothing is
    stored. Categories and options must be the candidate's organization's enabled ones (FAIR-1)."""
    if not consent_given:
        raise ValidationError(
            {"consent": _("Tick the box to agree, or leave this section unanswered.")}, code="consent"
        )
    asked = {category.public_id: category for category in asked_categories(candidate)}
    unknown = set(answers) - set(asked)
    if unknown:
        raise ValidationError(_("These questions are not asked: %s") % ", ".join(sorted(unknown)), code="unknown")
    chosen: dict[int, tuple[SelfIdentificationCategory, SelfIdentificationOption | None]] = {}
    for public_id, value in answers.items():
        category = asked[public_id]
        if value == PREFER_NOT_TO_SAY:
            chosen[category.pk] = (category, None)
        elif value:
            option = next((o for o in category.choices if o.public_id == value), None)
            if option is None:
                raise ValidationError({public_id: _("Choose one of the answers.")}, code="option")
            chosen[category.pk] = (category, option)
    consent = current_consent(candidate)
    if consent is not None and consent.text_version != CONSENT_TEXT_VERSION:
        _withdraw(candidate, consent)  # the text changed: what they agreed to is not what they read now
        consent = None
    if consent is None:
        consent = SelfIdentificationConsent.objects.create(
            organization=candidate.organization, candidate=candidate, text_version=CONSENT_TEXT_VERSION
        )
    existing = answers_of(candidate)
    now = timezone.now()
    for category_pk, row in existing.items():
        if category_pk not in chosen and row.category.public_id in answers:
            row.delete()  # answered "" now: no answer
    for category_pk, (category, option) in chosen.items():
        row = existing.get(category_pk)
        words = {"question": category.name, "answer": option.label if option else _("Prefer not to say")}
        if row is None:
            SelfIdentification.objects.create(
                organization=candidate.organization, candidate=candidate, category=category, option=option, **words
            )
        elif row.option_id != (option.pk if option else None):
            row.option, row.answered_at, row.question, row.answer = option, now, words["question"], words["answer"]
            row.save(update_fields=["option", "answered_at", "question", "answer"])
    return consent


def _withdraw(candidate: Candidate, consent: SelfIdentificationConsent) -> int:
    deleted, _counts = SelfIdentification.objects.for_operators().filter(candidate=candidate).delete()
    consent.withdrawn_at = timezone.now()
    consent.save(update_fields=["withdrawn_at"])
    return deleted


@transaction.atomic
def withdraw(*, candidate: Candidate) -> int:
    """The candidate withdraws their self-identification consent: every answer is deleted now (FAIR-1). Returns
    how many answers were deleted; 0 and no change when there was no consent to withdraw."""
    consent = current_consent(candidate)
    if consent is None:
        return 0
    return _withdraw(candidate, consent)
