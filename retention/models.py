"""Retention policy, the candidate clock and deletion records (SPEC section 6). Built by the retention issue."""
