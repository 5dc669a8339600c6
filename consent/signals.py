"""What the consent app tells the floors above it (ARCHITECTURE "Dependency direction": consent cannot import
them). Sent inside the transaction of the change; a receiver that acts on it defers its work with
``transaction.on_commit``, so a rolled-back change sets nothing off.

- ``answered(sender=ConsentRequest, consent=…)``: the candidate accepted or declined (CON-3); ``consent.status``
  says which. Integrations sends its ``consent.answered`` webhook.
- ``withdrawn(sender=ConsentRequest, consent=…)``: the candidate withdrew consent (CON-5). Processing has stopped
  (``require_consent`` fails from the commit on); retention erases the candidate (RET-6).
"""

from django.dispatch import Signal

answered = Signal()
withdrawn = Signal()
