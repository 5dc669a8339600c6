"""Playing the merged recording on the analysis page: HTTP Range requests over Django storage (AI-4, ORG-4, ORG-5).

A reviewer checks each quote against what was said, so the player must seek: browsers ask for byte ranges
(``Range: bytes=start-end``) and expect ``206 Partial Content`` with exactly those bytes, ``Content-Range`` and
``Accept-Ranges``; a range past the end is ``416`` with ``Content-Range: bytes */size``. Only members who may see the
interview get the audio: the recording is fetched through ``visible_to``, so anyone else, in this organization or
another, gets the same 404 as for a recording that does not exist. The bytes are candidate data, so nothing caches
them (``Cache-Control: private, no-store``).

The file is streamed in blocks from wherever it is stored: a local file is opened and read from the range's start;
on Azure Blob storage (Azurite in CI) the range itself is downloaded (``download_blob(offset, length)``) and streamed
chunk by chunk, so neither a seek nor a whole recording is ever held in memory.
"""

import re
from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse

BLOCK_BYTES = 64 * 1024
RANGE_RE = re.compile(r"^bytes=(\d*)-(\d*)$")
CONTENT_TYPES = {
    "webm": "audio/webm",
    "matroska": "audio/x-matroska",
    "ogg": "audio/ogg",
    "wav": "audio/wav",
    "mp4": "audio/mp4",
    "mp3": "audio/mpeg",
}
NO_STORE = "private, no-store"


class UnsatisfiableRange(Exception):
    """The Range header asks for bytes the file does not have, or cannot be read."""


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """The one byte range asked for, as (first, last) inclusive; None to send the whole file.

    A header that is not a byte range, or names several ranges, is ignored (RFC 9110 allows answering 200 with the
    whole representation). A single range that cannot be satisfied raises ``UnsatisfiableRange``.
    """
    header = (header or "").strip()
    if not header:
        return None
    if "," in header or not header.startswith("bytes="):
        return None
    match = RANGE_RE.match(header.replace(" ", ""))
    if match is None:
        raise UnsatisfiableRange(header)
    first, last = match.groups()
    if not first and not last:
        raise UnsatisfiableRange(header)
    if not first:  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise UnsatisfiableRange(header)
        return max(0, size - length), size - 1
    start = int(first)
    end = int(last) if last else size - 1
    if start >= size or end < start:
        raise UnsatisfiableRange(header)
    return start, min(end, size - 1)


def _azure_blocks(storage, name: str, start: int, length: int) -> Iterator[bytes]:
    blob = storage.client.get_blob_client(storage._get_valid_path(name))  # the name as the storage stores it
    yield from blob.download_blob(offset=start, length=length, timeout=storage.timeout).chunks()


def _file_blocks(storage, name: str, start: int, length: int) -> Iterator[bytes]:
    with storage.open(name, "rb") as stored:
        stored.seek(start)
        remaining = length
        while remaining > 0:
            block = stored.read(min(BLOCK_BYTES, remaining))
            if not block:
                break
            remaining -= len(block)
            yield block


def _is_azure(storage) -> bool:
    try:
        from storages.backends.azure_storage import AzureStorage
    except ImportError:  # pragma: no cover - django-storages is a dependency
        return False
    return isinstance(storage, AzureStorage)


def stream_blocks(field, start: int, length: int) -> Iterator[bytes]:
    """``length`` bytes of a stored file from ``start``, in blocks, from local disk or Azure Blob storage."""
    if length <= 0:
        return iter(())
    reader = _azure_blocks if _is_azure(field.storage) else _file_blocks
    return reader(field.storage, field.name, start, length)


def audio_response(request, field, *, size: int, container: str) -> HttpResponse:
    """200 with the whole file, 206 with the range asked for, or 416; HEAD gets the headers only."""
    content_type = CONTENT_TYPES.get(container, "application/octet-stream")
    try:
        wanted = parse_range(request.headers.get("Range", ""), size)
    except UnsatisfiableRange:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        response["Accept-Ranges"] = "bytes"
        response["Cache-Control"] = NO_STORE
        return response
    start, end = wanted if wanted is not None else (0, size - 1)
    length = end - start + 1 if size else 0
    body = iter(()) if request.method == "HEAD" else stream_blocks(field, start, length)
    response = StreamingHttpResponse(body, status=206 if wanted is not None else 200, content_type=content_type)
    response["Content-Length"] = str(length)
    if wanted is not None:
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = NO_STORE
    response["Content-Disposition"] = "inline"
    return response
