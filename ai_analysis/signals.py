"""What the analysis app tells the floor above it (ARCHITECTURE "Dependency direction": ai_analysis cannot import
integrations). Sent inside the transaction of the change; a receiver defers its work with ``transaction.on_commit``.

- ``scores_approved(sender=Score, analysis=…)``: a person finished reviewing the analysis's scores (AI-3): none is a
  draft any more and at least one is approved. Sent on each review that leaves it so (a later edit sends it again).
  Integrations sends its ``scores.approved`` webhook, with the approved scores only.
"""

from django.dispatch import Signal

scores_approved = Signal()
scorecard_submitted = Signal()  # (sender=Scorecard, scorecard=…): an interviewer submitted their scorecard
