"""Random secrets that are shown once and stored only as a hash (KEY-2, KEY-3, KEY-8, ID-2, CON-1).

API keys, refresh tokens, invitation links and consent links all use these helpers: at least 128 random bits in
base62, stored as SHA-256 (a plain hash is enough for values with 128 random bits: there is nothing to guess, and
it survives secret-key rotation), compared in constant time.
"""

import hashlib
import hmac
import secrets

from interview_analyzer.public_ids import ALPHABET


def random_base62(length: int) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def new_secret(prefix: str = "", length: int = 32) -> str:
    """``prefix`` followed by ``length`` base62 characters (32 → 190 bits; never fewer than 22 → 131 bits)."""
    if length < 22:
        raise ValueError("A secret needs at least 22 base62 characters (128 bits).")
    return f"{prefix}{random_base62(length)}"


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def secret_matches(raw: str, stored_hash: str) -> bool:
    """Constant-time comparison of a presented secret with a stored hash (KEY-8)."""
    return hmac.compare_digest(hash_secret(raw), stored_hash or "")
