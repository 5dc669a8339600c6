"""The signed token of a one-click extension link (RET-3).

The token is ``<link public id>.<random nonce>.<HMAC signature>`` (Django's ``Signer`` with its own salt over the
secret key): a forged or altered token fails the signature before any database read, and only its SHA-256 hash is
stored, so the database alone cannot rebuild a working link. Single use and expiry live on the ``ExtensionLink``.
"""

from django.core import signing

from interview_analyzer.secret_tokens import new_secret

SALT = "retention.extension-link"
SEP = "."


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT, sep=SEP)


def extension_token(link_public_id: str) -> str:
    return _signer().sign(f"{link_public_id}{SEP}{new_secret(length=22)}")


def unsign_extension(token: str) -> str | None:
    """The link's public id if the token's signature holds, else None."""
    if not token or len(token) > 200:
        return None
    try:
        value = _signer().unsign(token)
    except signing.BadSignature:
        return None
    return value.split(SEP, 1)[0]
