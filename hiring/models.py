"""Hirings, criteria, candidates, interviews, documents and decisions (SPEC section 0, ORG-4).

Built by the hiring issue on the tenant base in ``interview_analyzer.tenancy``.
"""
