"""Recordings, transcripts, scores, feedback and the AI call audit (SPEC section 7). Built by the AI issue."""
