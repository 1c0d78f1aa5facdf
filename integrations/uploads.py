"""Multipart file intake: a file is judged by its content against an allow-list of kinds.

The name a client gives a file and the type it declares are never trusted: the kind comes from the
bytes (magic numbers, the member names of a zip, the stream names of an OLE2 compound file), images go
through :func:`integrations.storage.clean_image` (decoded, bomb-checked, re-encoded without metadata),
and the extension and content type to store and serve come from the kind found. A refusal is a
:class:`FileRejected` (an :class:`~models.errors.InvalidInput`, so a 400 in the product's format) naming
the field; a product that documents its own wording catches it and uses ``reason``.

    stored = accept_file(file, field="file", allow=("image", "pdf", *OFFICE), max_bytes=20 * MiB)
    key = storage.save(f"files/{uuid}.{stored.ext}", stored.data)

``allow`` holds kinds from :data:`KINDS` (``"image"`` stands for PNG, JPEG, GIF and WebP). The body of
the whole request is bounded before this runs by the operation's ``x-body-limit`` (``server.bodylimits``);
``max_bytes`` is this file's own bound, and the most read into memory.
"""
import io
import re
import zipfile
from dataclasses import dataclass

from integrations.storage import ImageRejected, clean_image
from models.errors import InvalidInput

MiB = 1024 * 1024

KINDS = {  # kind: (extension, content type, how an error message names it)
    "image": (None, None, "PNG, JPEG, GIF or WebP image"),
    "pdf": ("pdf", "application/pdf", "PDF"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "pptx": ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX"),
    "odt": ("odt", "application/vnd.oasis.opendocument.text", "ODT"),
    "ods": ("ods", "application/vnd.oasis.opendocument.spreadsheet", "ODS"),
    "odp": ("odp", "application/vnd.oasis.opendocument.presentation", "ODP"),
    "doc": ("doc", "application/msword", "DOC"),
    "xls": ("xls", "application/vnd.ms-excel", "XLS"),
    "ppt": ("ppt", "application/vnd.ms-powerpoint", "PPT"),
    "zip": ("zip", "application/zip", "ZIP"),
    "mp4": ("mp4", "video/mp4", "MP4"),
    "mov": ("mov", "video/quicktime", "MOV"),
    "3gp": ("3gp", "video/3gpp", "3GP"),
    "webm": ("webm", "video/webm", "WebM"),
    "m4a": ("m4a", "audio/mp4", "M4A"),
    "mp3": ("mp3", "audio/mpeg", "MP3"),
    "aac": ("aac", "audio/aac", "AAC"),
    "ogg": ("ogg", "audio/ogg", "Ogg"),
    "wav": ("wav", "audio/wav", "WAV"),
    "amr": ("amr", "audio/amr", "AMR"),
}
OFFICE = ("doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp")
DOCUMENTS = ("pdf", *OFFICE)
VIDEO = ("mp4", "mov", "3gp", "webm")
AUDIO = ("m4a", "mp3", "aac", "ogg", "wav", "amr")


class FileRejected(InvalidInput):
    """A file refused; ``reason`` is ``missing``, ``too_large``, ``too_many`` or ``type``."""

    def __init__(self, field, message, reason):
        super().__init__(message, field=field, code="FILE_" + reason.upper())
        self.reason = reason


@dataclass(frozen=True)
class AcceptedFile:
    data: bytes          # what to store: an image re-encoded without metadata, anything else as sent
    kind: str            # a key of KINDS; "image" for every image format
    ext: str             # from the content: png | jpg | gif | webp | pdf | docx | ...
    content_type: str
    name: str            # the client's file name, reduced to a safe display name ("" when none)
    size: int            # len(data)


def accept_file(upload, *, field, allow, max_bytes):
    """Read one uploaded file (a Werkzeug ``FileStorage`` or anything with ``read(n)``; None when the
    field was not sent) and return it as an :class:`AcceptedFile`, or raise :class:`FileRejected`."""
    unknown = set(allow) - set(KINDS)
    if unknown:
        raise ValueError(f"unknown file kinds: {', '.join(sorted(unknown))}")
    data = upload.read(max_bytes + 1) if upload is not None else b""
    if not data:
        raise FileRejected(field, f"{field} is required", "missing")
    if len(data) > max_bytes:
        raise FileRejected(field, f"{field} is larger than {_size(max_bytes)}", "too_large")
    name = _display_name(getattr(upload, "filename", None))
    kind = sniff(data)
    if kind not in allow:
        raise FileRejected(field, f"{field} must be {_describe(allow)} (judged by its content, not its name)", "type")
    if kind == "image":
        try:
            image = clean_image(data, max_bytes=max_bytes)
        except ImageRejected as exc:
            raise FileRejected(field, f"{field} {exc.problem}", "type") from None
        return AcceptedFile(image.data, kind, image.ext, image.content_type, name, len(image.data))
    ext, content_type, _ = KINDS[kind]
    return AcceptedFile(data, kind, ext, content_type, name, len(data))


def accept_files(uploads, *, field, allow, max_bytes, max_count):
    """Several files of one field (``type: array`` of binary): each judged as by :func:`accept_file`,
    errors naming ``<field>.<index>``; none is refused with ``missing``, more than ``max_count`` with
    ``too_many``."""
    uploads = [u for u in (uploads or []) if u is not None]
    if not uploads:
        raise FileRejected(field, f"{field} is required", "missing")
    if len(uploads) > max_count:
        raise FileRejected(field, f"{field} holds at most {max_count} files", "too_many")
    return [accept_file(u, field=f"{field}.{i}", allow=allow, max_bytes=max_bytes) for i, u in enumerate(uploads)]


_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OLE_STREAMS = (("doc", "WordDocument"), ("xls", "Workbook"), ("ppt", "PowerPoint Document"))
_OOXML_PARTS = (("docx", "word/document.xml"), ("xlsx", "xl/workbook.xml"), ("pptx", "ppt/presentation.xml"))
_ODF_TYPES = {b"application/vnd.oasis.opendocument." + suffix: kind
              for suffix, kind in ((b"text", "odt"), (b"spreadsheet", "ods"), (b"presentation", "odp"))}


def sniff(data):
    """The kind of ``data`` by its content (a key of :data:`KINDS`), or None. Cheap: magic numbers, a
    zip's central directory (nothing is inflated but an OpenDocument's tiny ``mimetype`` member), and
    the directory names of an OLE2 file. An image here only looks like one: :func:`accept_file` decodes it."""
    head = data[:64]
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    if head.startswith(_OLE2):
        return next((kind for kind, stream in _OLE_STREAMS if stream.encode("utf-16-le") in data), None)
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand == b"qt  ":
            return "mov"
        if brand in (b"M4A ", b"M4B "):
            return "m4a"
        return "3gp" if brand[:3] in (b"3gp", b"3g2") else "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head else None
    if head.startswith(b"OggS"):
        return "ogg"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"#!AMR"):
        return "amr"
    if head.startswith(b"ID3"):
        return "mp3"
    if len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:  # an MPEG audio frame header
        return "aac" if head[1] & 0x06 == 0 else "mp3"                 # layer bits 00: ADTS (AAC)
    return None


def _zip_kind(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" in names:
                return next((kind for kind, part in _OOXML_PARTS if part in names), "zip")
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 128:
                with archive.open("mimetype") as member:
                    return _ODF_TYPES.get(member.read(128).strip(), "zip")
            return "zip"
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError):  # broken or encrypted
        return None


def _describe(allow):
    labels = [KINDS[kind][2] for kind in KINDS if kind in allow]
    return "a " + (labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " or " + labels[-1])


def _size(count):
    return f"{count // MiB} MB" if count % MiB == 0 else f"{count:,} bytes"


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]+")


def _display_name(filename):
    """The last component of the client's file name, without control characters, at most 200 characters."""
    if not filename:
        return ""
    name = re.split(r"[/\\]", str(filename))[-1]
    return _UNSAFE_NAME.sub("", name).strip()[:200]
