"""Webhook signing secrets: shown once, stored encrypted, used to sign (SEC-HOOK, outbound side).

A signing secret has to be read back for every delivery, so unlike API keys (KEY-3) it cannot be stored as a
hash. It is encrypted with Fernet (AES-128-CBC + HMAC-SHA256) under a key derived from ``SECRET_KEY`` for this one
purpose (Django's ``SECRET_KEY_FALLBACKS``, where a deployment sets them, still decrypt). The database alone never
yields a secret.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from interview_analyzer.secret_tokens import new_secret

PREFIX = "whsec_"
_PURPOSE = b"interview-analyzer/integrations/webhook-secret/v1"


def _fernet_for(secret_key: str) -> Fernet:
    derived = hmac.new(secret_key.encode("utf-8"), _PURPOSE, hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def _keys() -> MultiFernet:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet_for(key) for key in keys])


def new_signing_secret() -> str:
    return new_secret(PREFIX, length=32)


def encrypt(raw: str) -> str:
    return _keys().encrypt(raw.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _keys().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ValueError("The signing secret cannot be decrypted with SECRET_KEY or its fallbacks.") from exc


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``X-Signature``: hex HMAC-SHA256 of ``<timestamp>.<raw body>`` under the endpoint's secret."""
    return hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256).hexdigest()
