"""What integrations hears from the floors below it (ARCHITECTURE "Dependency direction": a lower app cannot call a
higher one). Connected in ``IntegrationsConfig.ready()``; each receiver runs inside the transaction of the change
and only writes delivery rows there (``services.record_event``); sending starts after commit.

- A consent answer: the consent trail's ``accepted`` or ``declined`` event row (every answer writes exactly one,
  ``consent.services``) → ``consent.answered``.
- A decision saved in ``hiring`` (decisions are only ever created, by a person: AI-3) → ``decision.recorded``.
- A score reviewed in ``ai_analysis``: once its analysis has no draft score left and at least one approved
  (``events.scores_approved`` checks it again) → ``scores.approved`` with the approved scores only (AI-3).
"""

from django.db.models.signals import post_save

from integrations import events, services

DISPATCH = "integrations.{}"


def consent_event_saved(sender, instance, created, raw=False, **kwargs):
    from consent.models import ConsentEventKind

    if raw or not created or instance.kind not in (ConsentEventKind.ACCEPTED, ConsentEventKind.DECLINED):
        return
    _record(instance.organization_id, *events.consent_answered(instance.request))


def decision_saved(sender, instance, created, raw=False, **kwargs):
    if raw or not created:
        return
    _record(instance.organization_id, *events.decision_recorded(instance))


def score_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    from ai_analysis.models import Review, Score

    if raw or instance.status == Review.DRAFT or (update_fields is not None and "status" not in update_fields):
        return
    siblings = Score.objects.for_operators().filter(analysis_id=instance.analysis_id)
    if siblings.filter(status=Review.DRAFT).exists() or not siblings.filter(status=Review.APPROVED).exists():
        return
    try:
        event = events.scores_approved(instance.analysis)
    except events.NotReviewed:
        return
    _record(instance.organization_id, *event)


def _record(organization_id, event, candidate, data):
    services.record_event(organization_id=organization_id, event=event, candidate=candidate, data=data)


def connect() -> None:
    from ai_analysis.models import Score
    from consent.models import ConsentEvent
    from hiring.models import Decision

    post_save.connect(consent_event_saved, sender=ConsentEvent, dispatch_uid=DISPATCH.format("consent_answered"))
    post_save.connect(decision_saved, sender=Decision, dispatch_uid=DISPATCH.format("decision_recorded"))
    post_save.connect(score_saved, sender=Score, dispatch_uid=DISPATCH.format("scores_approved"))
