"""What integrations hears from the floors below it (ARCHITECTURE "Dependency direction": a lower app cannot call a
higher one, so each tells through its ``signals`` module). Connected in ``IntegrationsConfig.ready()``; each
receiver runs inside the transaction of the change and only writes delivery rows there (``services.record_event``);
sending starts after commit.

- ``consent.signals.answered``: the candidate accepted or declined → ``consent.answered``.
- ``hiring.signals.decision_recorded``: a person recorded a decision (AI-3) → ``decision.recorded``.
- ``ai_analysis.signals.scores_approved``: no score of the analysis is a draft any more and at least one is approved
  → ``scores.approved`` with the approved scores only (``events.scores_approved`` checks it again, AI-3).
- ``ai_analysis.signals.scorecard_submitted``: an interviewer submitted their own scorecard → ``scorecard.submitted``
  (ratings only, no notes or quotes).
"""

from integrations import events, services

DISPATCH = "integrations.{}"


def consent_answered(sender, consent, **kwargs):
    _record(consent.organization_id, *events.consent_answered(consent))


def decision_recorded(sender, decision, **kwargs):
    _record(decision.organization_id, *events.decision_recorded(decision))


def scores_approved(sender, analysis, **kwargs):
    try:
        event = events.scores_approved(analysis)
    except events.NotReviewed:
        return
    _record(analysis.organization_id, *event)


def scorecard_submitted(sender, scorecard, **kwargs):
    _record(scorecard.organization_id, *events.scorecard_submitted(scorecard))


def _record(organization_id, event, candidate, data):
    services.record_event(organization_id=organization_id, event=event, candidate=candidate, data=data)


def connect() -> None:
    from ai_analysis import signals as analysis_signals
    from consent import signals as consent_signals
    from hiring import signals as hiring_signals

    consent_signals.answered.connect(consent_answered, dispatch_uid=DISPATCH.format("consent_answered"))
    hiring_signals.decision_recorded.connect(decision_recorded, dispatch_uid=DISPATCH.format("decision_recorded"))
    analysis_signals.scores_approved.connect(scores_approved, dispatch_uid=DISPATCH.format("scores_approved"))
    analysis_signals.scorecard_submitted.connect(
        scorecard_submitted, dispatch_uid=DISPATCH.format("scorecard_submitted")
    )
