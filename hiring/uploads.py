"""What an uploaded document really is, decided from its bytes, never from its name (SEC-UP)."""

import io
import zipfile

# (label, extension, content type)
PDF = ("PDF", "pdf", "application/pdf")
DOCX = ("Word document", "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
ODT = ("OpenDocument text", "odt", "application/vnd.oasis.opendocument.text")
DOC = ("Word 97-2003 document", "doc", "application/msword")
RTF = ("Rich text", "rtf", "application/rtf")
TXT = ("Plain text", "txt", "text/plain")
ACCEPTED = [PDF, DOCX, ODT, DOC, RTF, TXT]


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


def _sniff_zip(stream):
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "word/document.xml" in names and "[Content_Types].xml" in names:
                return DOCX
            if "mimetype" in names and archive.read("mimetype").strip() == b"application/vnd.oasis.opendocument.text":
                return ODT
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
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
    # Markup is not a CV format we accept: HTML or SVG disguised as .txt could be served back as a page.
    lowered = text.lstrip().lower()
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
