"""Plans, subscriptions, credits and invoices (SPEC section 8). Built by the billing issue."""
