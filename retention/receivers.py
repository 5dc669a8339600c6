"""What retention hears from the floors below it, connected in ``RetentionConfig.ready()`` (ARCHITECTURE
"Dependency direction": a lower app cannot call a higher one, so these are the two places retention listens).

- A decision saved in ``hiring`` (re)starts the candidate's clock (RET-2), in the decision's own transaction, so the
  stored deletion date is there the moment the decision is.
- Consent withdrawn in ``consent`` (CON-5, ``consent.signals.withdrawn`` when consent sends it): processing has
  already stopped (``require_consent`` fails from that commit on); the erasure runs right after the withdrawal
  commits. Should it fail or the process die first, the sweep finds ``erasure_requested_at`` and erases.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def decision_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return  # loading fixtures
    from retention import services

    services.start_clock(instance.candidate)


def consent_withdrawn(sender, consent, **kwargs):
    candidate_pk = consent.candidate_id

    def erase():
        from hiring.models import Candidate
        from retention import services, sweep

        candidate = Candidate._base_manager.filter(pk=candidate_pk).first()
        if candidate is None:
            return
        try:
            services.erase_candidate(candidate, reason=sweep.WITHDRAWAL_REASON, trigger="consent_withdrawn")
        except services.CandidateGone:
            pass
        except Exception:  # noqa: BLE001 - the withdrawal stands; the next sweep erases
            logger.exception("erasure after withdrawal failed; the sweep will retry", extra={"candidate": candidate_pk})

    transaction.on_commit(erase)
