"""What an uploaded document really is, decided from its bytes, never from its name (SEC-UP).

Decompression is bounded: a zip container is judged from its directory, and the only member ever inflated (an
OpenDocument ``mimetype``) is read only when its declared size is tiny and only up to that size. Found from outside:
a 1 MB upload whose ``mimetype`` entry inflated to 1 GiB took the server to 2.2 GB. A container with more members
than any office document has is refused before its directory is parsed.
"""

import io
import struct
import zipfile

# (label, extension, content type)
PDF = ("PDF", "pdf", "application/pdf")
DOCX = ("Word document", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ODT = ("OpenDocument text", "odt", "application/vnd.oasis.opendocument.text")
DOC = ("Word 97-2003 document", "doc", "application/msword")
RTF = ("Rich text", "rtf", "application/rtf")
TXT = ("Plain text", "txt", "text/plain")
ACCEPTED = [PDF, DOCX, ODT, DOC, RTF, TXT]

# An OpenDocument mimetype is 39 bytes; office documents have tens of members, rarely a few hundred.
MIMETYPE_MAX_BYTES = 100
ZIP_MAX_MEMBERS = 5_000
_END_OF_CENTRAL_DIRECTORY = b"PK\x05\x06"


def sniff(head: bytes, stream) -> tuple[str, str, str] | None:
    """The document type of an upload from its first bytes (and, for zip containers, its directory), or None."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"{\\rtf"):
        return RTF
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return DOC
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(stream)
    if _is_plain_text(head):
        return TXT
    return None


def _declared_members(stream) -> int | None:
    """The member count the zip's end-of-central-directory record declares (read from the last 64 KiB), or None.
    Zip64 archives declare 0xFFFF here; they are counted as too many."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(max(0, size - 65_557))
    tail = stream.read()
    at = tail.rfind(_END_OF_CENTRAL_DIRECTORY)
    if at < 0 or len(tail) < at + 22:
        return None
    (total,) = struct.unpack("<H", tail[at + 10 : at + 12])
    return total


def _sniff_zip(stream):
    try:
        members = _declared_members(stream)
        if members is None or members > ZIP_MAX_MEMBERS:
            return None
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX
            if "mimetype" in names:
                info = archive.getinfo("mimetype")
                if info.file_size > MIMETYPE_MAX_BYTES:
                    return None
                with archive.open(info) as member:
                    mimetype = member.read(MIMETYPE_MAX_BYTES + 1)
                if mimetype.strip() == b"application/vnd.oasis.opendocument.text":
                    return ODT
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, RuntimeError, ValueError, struct.error):
        return None
    finally:
        stream.seek(0)
    return None


def _is_plain_text(head: bytes) -> bool:
    if not head or b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    # Markup is not a CV format we accept: HTML or SVG disguised as .txt could be served back as a page. A byte-order
    # mark in front of the markup does not make it text (found from outside).
    lowered = text.lstrip("\ufeff \t\r\n\f\v").lower()
    return not lowered.startswith(("<", "<!doctype", "<?xml"))


def read_head(uploaded, size: int = 8192) -> bytes:
    uploaded.seek(0)
    head = uploaded.read(size)
    uploaded.seek(0)
    return head if isinstance(head, bytes) else head.encode()


def as_stream(uploaded):
    """A seekable binary stream over an uploaded file (in memory or on disk)."""
    if hasattr(uploaded, "file") and hasattr(uploaded.file, "seek"):
        return uploaded.file
    return io.BytesIO(uploaded.read())


def display_name(name: str, extension: str) -> str:
    """The uploader's file name for display and download: no directories, no control characters, bounded length,
    and the extension of the type the bytes were found to be — never the uploader's (found from outside: a PDF/HTML
    polyglot named ``cv.html`` downloaded as ``cv.html``)."""
    base = (name or "document").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    stem = base.rsplit(".", 1)[0].strip(" .") if "." in base else base
    stem = stem or "document"
    return f"{stem[: 200 - len(extension) - 1]}.{extension}"
