"""What the hiring app tells the floors above it (ARCHITECTURE "Dependency direction": hiring cannot import them).
Sent inside the transaction of the change; a receiver that acts on it defers its work with
``transaction.on_commit``, so a rolled-back change sets nothing off.

- ``decision_recorded(sender=Decision, decision=…)``: a person recorded hired, rejected or withdrawn (AI-3).
  Integrations sends its ``decision.recorded`` webhook.
"""

from django.dispatch import Signal

decision_recorded = Signal()
