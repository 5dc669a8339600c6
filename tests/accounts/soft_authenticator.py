"""A software WebAuthn authenticator for tests without a browser (MFA-1): it answers allauth's real registration
options with a real credential (a fresh P-256 key, "none" attestation, CBOR built by fido2), which allauth's fido2
server then verifies (challenge, origin, RP id hash) as it does a browser's. The browser journey uses Chromium's
virtual authenticator instead (tests/e2e/test_mfa_journey.py).

WebAuthn needs a secure context: the test client speaks as ``http://localhost`` (``HOST``), which fido2 accepts.
"""

import hashlib
import json
import os
import re

from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import AttestationObject, AttestedCredentialData, AuthenticatorData, CollectedClientData

HOST = "localhost"
ORIGIN = f"http://{HOST}"
ADD_URL = "/accounts/2fa/webauthn/add/"
JS_DATA = re.compile(r'<script id="js_data" type="application/json">(.*?)</script>', re.S)


def registration_response(creation_options: dict, *, origin: str = ORIGIN) -> dict:
    """The browser's ``PublicKeyCredential.toJSON()`` for a new credential made for ``creation_options``."""
    public_key = creation_options["publicKey"]
    rp_id = public_key["rp"]["id"]
    credential_id = os.urandom(32)
    key = ec.generate_private_key(ec.SECP256R1())
    credential_data = AttestedCredentialData.create(
        b"\0" * 16, credential_id, ES256.from_cryptography_key(key.public_key())
    )
    flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT
    auth_data = AuthenticatorData.create(hashlib.sha256(rp_id.encode()).digest(), flags, 0, credential_data)
    client_data = CollectedClientData.create(
        type="webauthn.create", challenge=websafe_decode(public_key["challenge"]), origin=origin
    )
    return {
        "id": websafe_encode(credential_id),
        "rawId": websafe_encode(credential_id),
        "type": "public-key",
        "response": {
            "clientDataJSON": websafe_encode(client_data),
            "attestationObject": websafe_encode(AttestationObject.create("none", auth_data, {})),
        },
        "clientExtensionResults": {"credProps": {"rk": True}},
    }


def add_passkey(browser, name: str):
    """Add a passkey on allauth's page as a member does (the browser must have confirmed its password recently):
    open the page, let the authenticator answer its options, post the credential. Returns the response."""
    html = browser.get(ADD_URL).content.decode()
    options = json.loads(JS_DATA.search(html).group(1))["creation_options"]
    return browser.post(ADD_URL, {"name": name, "credential": json.dumps(registration_response(options))})


def stored_passkey(user, name: str):
    """A passkey row as allauth's registration stores it (this authenticator's credential for ``HOST``), written
    without a ceremony, for worlds built outside a request (tests/security/tenant_world.py)."""
    from allauth.mfa.webauthn.internal.auth import WebAuthn

    options = {"publicKey": {"rp": {"id": HOST}, "challenge": websafe_encode(os.urandom(32))}}
    return WebAuthn.add(user, name, registration_response(options)).instance
