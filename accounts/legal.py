"""The data processing agreement and its sub-processor register (ORG-8).

The text lives in ``accounts/templates/accounts/legal/dpa_<version>.html``. Publishing a new version means adding
its template and setting ``CURRENT_DPA_VERSION``: every organization's admins are then asked to accept it again.
"""

CURRENT_DPA_VERSION = "2026-11"

# Who processes personal data on the controller's behalf, where, and why. Shown on a public page.
SUBPROCESSORS = [
    {
        "name": "Microsoft Ireland Operations Ltd (Azure)",
        "purpose": "Hosting: application servers, PostgreSQL database, blob storage for recordings and documents, "
        "Key Vault, Azure OpenAI for transcription and scoring",
        "location": "EU (Sweden Central, West Europe)",
        "data": "All customer and candidate data the service holds",
    },
    {
        "name": "Stripe Payments Europe Ltd",
        "purpose": "Subscription payments",
        "location": "EU (Ireland); transfers under the EU Standard Contractual Clauses",
        "data": "Billing contact and payment details of the customer organization; no candidate data",
    },
    {
        "name": "Fakturownia sp. z o.o.",
        "purpose": "Invoicing",
        "location": "EU (Poland)",
        "data": "Billing name, address and VAT number of the customer organization; no candidate data",
    },
    {
        "name": "The customer's configured email provider",
        "purpose": "Transactional email: consent links, verification, invitations, retention warnings",
        "location": "As configured by the customer (EMAIL_URL)",
        "data": "Recipient email addresses and the email's content",
    },
]


def dpa_template(version: str = CURRENT_DPA_VERSION) -> str:
    return f"accounts/legal/dpa_{version}.html"
