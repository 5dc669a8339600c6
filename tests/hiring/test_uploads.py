"""Candidate documents through the upload page (SEC-UP): a size limit per file and per request, the type read from the
bytes (never the name), generated storage names, a per-organization quota; every refusal is a clear 4xx form error
and leaves no row and no file behind. Downloads are always attachments with nosniff."""

import io
import tracemalloc
import zipfile
import zlib

import pytest
from django.conf import settings as django_settings
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hiring import services, uploads
from hiring.models import Document

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
TXT = "Ada Lovelace\nAnalytical engines, 1843–1852.\n".encode()
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
BOUNDARY = "----hiring-upload-test-boundary"


def docx() -> bytes:
    """A real, minimal Word document: a zip with the content types part and the main document part."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main'
            '+xml"/></Types>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Curriculum vitae</w:t></w:r></w:p></w:body>'
            "</w:document>",
        )
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not a word document")
    return buffer.getvalue()


def multipart(filename: str, content: bytes, content_type: str = "application/octet-stream") -> bytes:
    """A multipart body with the file name exactly as given: the test client would strip directories first."""
    head = (
        f"--{BOUNDARY}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: {content_type}\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{BOUNDARY}--\r\n".encode()


@pytest.fixture(autouse=True)
def storage(settings, tmp_path, storage_container):
    """Local runs store into a temporary directory; Azure runs (Azurite) use the configured container."""
    if not settings.AZURE_STORAGE_CONNECTION_STRING:
        settings.STORAGES = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path)},
            },
        }
    return default_storage


def stored_files(prefix: str) -> list[str]:
    """Every file under ``prefix`` in the configured storage, however deep."""
    try:
        directories, files = default_storage.listdir(prefix)
    except FileNotFoundError:
        return []

    # FileSystemStorage lists names relative to the prefix; django-storages' AzureStorage lists full names.
    def full(name: str) -> str:
        return name.rstrip("/") if name.startswith(prefix + "/") else f"{prefix}/{name.rstrip('/')}"

    found = [full(name) for name in files]
    for directory in directories:
        found += stored_files(full(directory))
    return found


def documents_of(candidate) -> str:
    """Where a candidate's documents are stored: under the candidate's own prefix (RET-4, SEC-UP)."""
    return f"{candidate.organization.public_id}/{candidate.public_id}/documents"


@pytest.fixture
def candidate(acme_world):
    yield acme_world.own_candidate
    for name in stored_files(documents_of(acme_world.own_candidate)):
        default_storage.delete(name)


@pytest.fixture
def recruiter(acme_world):
    client = Client()
    client.force_login(acme_world.org.recruiter.user)
    return client


def upload(client, candidate, filename: str, content: bytes, content_type: str = "application/octet-stream"):
    return client.generic(
        "POST",
        reverse("hiring:document_upload", args=[candidate.public_id]),
        multipart(filename, content, content_type),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )


def nothing_stored(candidate) -> bool:
    prefix = documents_of(candidate)
    return not Document.objects.for_operators().filter(candidate=candidate).exists() and stored_files(prefix) == []


def assert_refused(response, candidate, message: str, status: int = 400):
    assert response.status_code == status
    if status == 400:
        page = response.content.decode()
        assert message in page
        assert 'aria-invalid="true"' in page  # the error is tied to the file input
    assert nothing_stored(candidate)


# --- Accepted ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content", "extension", "content_type"),
    [
        ("cv.pdf", PDF, "pdf", "application/pdf"),
        ("cv.docx", docx(), "docx", DOCX_TYPE),
        ("cv.txt", TXT, "txt", "text/plain"),
        ("cv.txt", PDF, "pdf", "application/pdf"),  # the bytes decide, not the name
    ],
    ids=["pdf", "docx", "txt", "pdf-named-txt"],
)
def test_documents_are_accepted_and_stored_under_generated_names(
    recruiter, candidate, filename, content, extension, content_type
):
    response = upload(recruiter, candidate, filename, content, "text/html")  # the claimed type is ignored too
    assert response.status_code == 302
    document = Document.objects.for_operators().get(candidate=candidate)
    assert document.file.name == f"{documents_of(candidate)}/{document.public_id}.{extension}"
    assert (document.content_type, document.extension, document.size) == (content_type, extension, len(content))
    assert document.original_name == f"cv.{extension}"  # the name takes the extension of the detected type
    assert stored_files(documents_of(candidate)) == [document.file.name]
    with default_storage.open(document.file.name) as handle:
        assert handle.read() == content


def test_the_upload_view_takes_more_than_the_general_request_limit(recruiter, candidate):
    content = PDF + b"%" + b"x" * (django_settings.REQUEST_MAX_BYTES + 10)
    assert upload(recruiter, candidate, "big.pdf", content).status_code == 302
    assert Document.objects.for_operators().get(candidate=candidate).size == len(content)


def test_download_is_an_attachment_with_the_sniffed_type_and_nosniff(recruiter, candidate):
    upload(recruiter, candidate, "cv.txt", PDF)
    document = Document.objects.for_operators().get(candidate=candidate)
    response = recruiter.get(reverse("hiring:document_download", args=[document.public_id]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="cv.pdf"' in response["Content-Disposition"]  # never the uploader's extension
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


def test_download_is_for_managers_of_the_hiring_only(acme_world, globex, recruiter, candidate):
    upload(recruiter, candidate, "cv.pdf", PDF)
    path = reverse("hiring:document_download", args=[Document.objects.for_operators().get().public_id])
    expected = [(acme_world.org.interviewer, 403), (globex.admin, 404), (acme_world.org.hiring_manager, 200)]
    for member, status in expected:
        client = Client()
        client.force_login(member.user)
        assert client.get(path).status_code == status, member


def test_deleting_a_document_removes_the_row_and_the_file(recruiter, candidate, django_capture_on_commit_callbacks):
    upload(recruiter, candidate, "cv.pdf", PDF)
    document = Document.objects.for_operators().get(candidate=candidate)
    page = recruiter.get(reverse("hiring:candidate_detail", args=[candidate.public_id])).content.decode()
    assert '<details class="confirm">' in page and "Yes, delete" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = recruiter.post(reverse("hiring:document_delete", args=[document.public_id]))
    assert response.status_code == 302
    assert nothing_stored(candidate)


# --- Refused: nothing stored ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("cv.pdf", b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"),
        ("cv.pdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"),
        ("cv.docx", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64),
        ("cv.docx", plain_zip()),
        ("cv.txt", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("cv.txt", b"\xff\xfe\x00\x00 not utf-8"),
    ],
    ids=["html-as-pdf", "png-as-pdf", "exe-as-docx", "zip-as-docx", "svg-as-txt", "binary-as-txt"],
)
def test_a_disguised_type_is_refused(recruiter, candidate, filename, content):
    assert_refused(upload(recruiter, candidate, filename, content, "application/pdf"), candidate, "Upload a PDF, Word")


def test_an_empty_file_is_refused(recruiter, candidate):
    assert_refused(upload(recruiter, candidate, "cv.pdf", b""), candidate, "The file is empty.")


def test_a_request_without_a_file_is_refused(recruiter, candidate):
    response = recruiter.post(reverse("hiring:document_upload", args=[candidate.public_id]), {"other": "x"})
    assert_refused(response, candidate, "Choose a file to upload.")


def test_a_file_over_the_size_limit_is_refused(settings, recruiter, candidate):
    settings.DOCUMENT_MAX_BYTES = 1024
    assert_refused(upload(recruiter, candidate, "cv.pdf", PDF + b"x" * 1024), candidate, "Files can be at most")


def test_a_request_over_the_upload_limit_is_refused_before_it_is_read(recruiter, candidate):
    content = PDF + b"x" * django_settings.UPLOAD_REQUEST_MAX_BYTES
    assert_refused(upload(recruiter, candidate, "cv.pdf", content), candidate, "", status=413)


def test_the_storage_quota_is_enforced(settings, recruiter, candidate):
    settings.ORGANIZATION_STORAGE_QUOTA_BYTES = len(PDF) + 10
    assert upload(recruiter, candidate, "first.pdf", PDF).status_code == 302
    before = stored_files(documents_of(candidate))
    response = upload(recruiter, candidate, "second.pdf", PDF)
    assert response.status_code == 400
    assert "storage quota is used up" in response.content.decode()
    assert Document.objects.for_operators().filter(candidate=candidate).count() == 1
    assert stored_files(documents_of(candidate)) == before


def test_interviewers_cannot_upload(acme_world, candidate):
    client = Client()
    client.force_login(acme_world.org.interviewer.user)
    assert_refused(upload(client, candidate, "cv.pdf", PDF), candidate, "", status=403)


# --- Names never become paths -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "filename",
    [
        "../../etc/passwd.pdf",
        "..\\..\\x.pdf",
        "/etc/passwd.pdf",
        "C:\\Windows\\System32\\cv.pdf",
        "cv\x07\x1b[31m.pdf",
        "cv\x00.pdf",
        "%2e%2e%2fcv.pdf",
        "&#46;&#46;&#47;cv.pdf",
    ],
    ids=["dotdot", "backslashes", "absolute", "windows-absolute", "control-chars", "nul", "url-encoded", "entities"],
)
def test_hostile_names_are_kept_for_display_only(recruiter, candidate, filename):
    response = upload(recruiter, candidate, filename, PDF)
    prefix = documents_of(candidate)
    documents = list(Document.objects.for_operators().filter(candidate=candidate))
    if response.status_code != 302:  # a name that sanitizes to nothing loses the file: a form error, nothing stored
        assert_refused(response, candidate, "Choose a file to upload.")
        return
    (document,) = documents
    assert document.file.name == f"{prefix}/{document.public_id}.pdf"
    assert stored_files(prefix) == [document.file.name]
    shown = document.original_name
    assert "/" not in shown and "\\" not in shown and ".." not in shown.replace("%2e%2e", "")
    assert all(ch.isprintable() for ch in shown)
    assert shown.endswith(".pdf")


@pytest.mark.parametrize(
    ("filename", "shown"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\x.pdf", "x.pdf"),
        ("/abs/path/cv.pdf", "cv.pdf"),
        ("cv\x00\x07.pdf", "cv.pdf"),
        ("", "document.pdf"),
        ("../", "document.pdf"),
    ],
)
def test_the_service_sanitizes_names_it_is_given_directly(acme_world, candidate, filename, shown):
    """The page's multipart parser strips directories already; the service does not rely on that."""
    uploaded = SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")
    uploaded._name = filename  # past UploadedFile's own basename(), which a custom upload handler may not apply
    document = services.upload_document(actor=acme_world.org.recruiter, candidate=candidate, uploaded=uploaded)
    assert document.original_name == shown
    assert document.file.name == f"{documents_of(candidate)}/{document.public_id}.pdf"


# --- Found from outside: decompression bombs, polyglot names, markup behind a byte-order mark -------------------------


def odt(mimetype: bytes = b"application/vnd.oasis.opendocument.text") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def mimetype_bomb(inflated: int = 1024**3) -> bytes:
    """A zip of about 1 MB whose ``mimetype`` member inflates to ``inflated`` bytes of zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = bytes(1024**2)
    deflated = b"".join(compressor.compress(block) for _ in range(inflated // len(block))) + compressor.flush()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        info = zipfile.ZipInfo("mimetype")
        info.compress_type = zipfile.ZIP_DEFLATED
        # Write the deflated bytes as they are: zipfile would otherwise compress them again.
        with archive.open(info, "w", force_zip64=True) as member:
            member._compressor = None
            member.write(deflated)
        archive.writestr("content.xml", "<office:document-content/>")
    raw = buffer.getvalue()
    return raw


def many_members(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for index in range(count):
            archive.writestr(f"p{index}", b"")
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    return buffer.getvalue()


def test_an_opendocument_text_is_accepted(recruiter, candidate):
    assert upload(recruiter, candidate, "cv.odt", odt()).status_code == 302
    document = Document.objects.for_operators().get(candidate=candidate)
    assert document.extension == "odt" and document.original_name == "cv.odt"


def test_a_zip_bomb_is_refused_without_inflating_it(recruiter, candidate):
    bomb = mimetype_bomb()
    assert len(bomb) < 2 * 1024**2
    tracemalloc.start()
    try:
        response = upload(recruiter, candidate, "cv.odt", bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert_refused(response, candidate, "Upload a PDF, Word, OpenDocument, RTF or plain-text document.")
    assert peak < 64 * 1024**2, f"peak {peak / 1024**2:.0f} MiB while judging a 1 GiB bomb"


def test_a_container_with_more_members_than_any_document_is_refused(recruiter, candidate):
    response = upload(recruiter, candidate, "cv.docx", many_members(uploads.ZIP_MAX_MEMBERS + 1))
    assert_refused(response, candidate, "Upload a PDF, Word, OpenDocument, RTF or plain-text document.")


def test_a_small_docx_shaped_container_is_still_judged_by_its_directory(recruiter, candidate):
    assert upload(recruiter, candidate, "cv.docx", many_members(10)).status_code == 302


def test_a_pdf_html_polyglot_named_html_is_stored_and_downloaded_as_pdf(recruiter, candidate):
    polyglot = PDF + b"<html><script>alert(document.domain)</script></html>"
    assert upload(recruiter, candidate, "cv.html", polyglot).status_code == 302
    document = Document.objects.for_operators().get(candidate=candidate)
    assert document.original_name == "cv.pdf"
    response = recruiter.get(reverse("hiring:document_download", args=[document.public_id]))
    assert 'filename="cv.pdf"' in response["Content-Disposition"]
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("markup", [b"<html><script>alert(1)</script>", b"<svg onload=alert(1)>", b"<!DOCTYPE html>"])
def test_markup_behind_a_byte_order_mark_is_not_plain_text(recruiter, candidate, markup):
    response = upload(recruiter, candidate, "cv.txt", b"\xef\xbb\xbf" + markup)
    assert_refused(response, candidate, "Upload a PDF, Word, OpenDocument, RTF or plain-text document.")
