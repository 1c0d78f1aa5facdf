"""Proof documents (Diora's promotion requests) judged by their content, never by their name or the
type the client claims: JPEG and PNG images (decoded and re-encoded without metadata by
:func:`integrations.storage.clean_image`), PDF, Word 97-2003 (``.doc``) and Word 2007+ (``.docx``)."""
import io
import zipfile
from dataclasses import dataclass

from integrations.storage import ImageRejected, clean_image

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
ACCEPTED = "JPEG, PNG, PDF, DOC or DOCX"
_OLE = bytes.fromhex("D0CF11E0A1B11AE1")
_WORD_STREAM = "WordDocument".encode("utf-16-le")


class DocumentRejected(ValueError):
    def __init__(self, problem):
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class Document:
    data: bytes
    ext: str
    mimetype: str


def identify_document(data):
    """The document ``data`` holds (images re-encoded), or :class:`DocumentRejected`."""
    if len(data) > MAX_DOCUMENT_BYTES:
        raise DocumentRejected(f"is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
    if data.startswith(b"%PDF-"):
        if b"%%EOF" not in data[-2048:]:
            raise DocumentRejected("is not a complete PDF file")
        return Document(data, "pdf", "application/pdf")
    if data.startswith(_OLE):
        if _WORD_STREAM not in data:
            raise DocumentRejected(f"is not a {ACCEPTED} file")
        return Document(data, "doc", "application/msword")
    if data.startswith(b"PK\x03\x04"):
        return _docx(data)
    try:
        image = clean_image(data, max_bytes=MAX_DOCUMENT_BYTES)
    except ImageRejected:
        raise DocumentRejected(f"is not a {ACCEPTED} file") from None
    if image.ext not in ("jpg", "png"):
        raise DocumentRejected(f"is not a {ACCEPTED} file")
    return Document(image.data, image.ext, image.content_type)


def _docx(data):
    """A Word 2007+ package: a ZIP whose directory names the main document part. Only the directory is
    read (nothing is decompressed, so a ZIP bomb costs nothing)."""
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise DocumentRejected(f"is not a {ACCEPTED} file") from None
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise DocumentRejected(f"is not a {ACCEPTED} file")
    return Document(data, "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
