"""The local scorer's offline sentence-embedding model (``model.py``): pinned files, checked by SHA-256, loaded once
per process."""
