"""Consent requests and one-time links (SPEC section 5). Built by the consent issue."""
