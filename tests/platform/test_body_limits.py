"""Request-body limits declared per operation (``x-body-limit``), enforced before a body is buffered,
and the content-sniffing file intake (``integrations.uploads``).

The app under test is Ionora's, with its product-image upload marked in a test-only way: the live
limit table (``PRODUCT.runtime.body_limits``, what the gate reads) is rebuilt from Ionora's spec with
``x-body-limit`` added to that operation and a small global default, so the sizes stay small. Requests
go straight to the ASGI app with a ``receive`` that counts what the app pulled."""
import asyncio
import io
import json
import zipfile

import pytest
from PIL import Image

import openapi
from integrations.uploads import DOCUMENTS, FileRejected, accept_file, accept_files, sniff
from models.errors import InvalidInput
from server import errors
from server.app import PRODUCTS
from server.bodylimits import BodyLimits
from server.products.ionora import PRODUCT
from server.validation import MultipartValidator
from tests.ionora.conftest import Factory, bearer

DEFAULT = 64 * 1024        # the global limit in these tests (MAX_BODY_BYTES)
UPLOAD_LIMIT = 512 * 1024  # declared on POST /admin/products/upload-image
UPLOAD = "/api/admin/products/upload-image"
LOGIN = "/api/auth/login"
CHUNK = 10_000
TOO_LARGE = {"message": "Request body too large."}  # Ionora's error format


@pytest.fixture
def ionora(product_under_test, monkeypatch):
    put = product_under_test("ionora")
    spec = openapi.load("ionora")
    spec["paths"]["/admin/products/upload-image"]["post"]["x-body-limit"] = UPLOAD_LIMIT
    monkeypatch.setattr(PRODUCT.runtime, "body_limits", BodyLimits.from_spec(spec, PRODUCT.base_path, DEFAULT))
    put.begin()
    yield put
    put.end()


@pytest.fixture
def admin(ionora):
    return bearer(Factory().admin())


class Sent:
    """What one ASGI request produced, and how many body bytes the app pulled from the client."""

    def __init__(self, status, body, pulled):
        self.status, self.body, self.pulled = status, body, pulled

    def json(self):
        return json.loads(self.body)


def call(app, method, path, chunks, headers=None):
    """Send ``chunks`` (an iterable of bytes, pulled one per ``receive``) to ``app`` without a
    Content-Length unless ``headers`` has one."""
    chunks = iter(chunks)
    pulled = 0
    status, body = None, []

    async def receive():
        nonlocal pulled
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "", "query_string": b"",
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
             "client": ("127.0.0.1", 50000), "server": ("testserver", 80)}
    asyncio.run(app(scope, receive, send))
    return Sent(status, b"".join(body), pulled)


def endless(size=CHUNK, first=b""):
    """A body that never ends on its own: the app must stop pulling it."""
    yield first
    while True:
        yield b"x" * size


def pieces(data, size=CHUNK):
    return [data[i:i + size] for i in range(0, len(data), size)]


def noisy_png(side):
    """A real PNG that does not compress (random pixels): about 3 × side² bytes."""
    import os
    out = io.BytesIO()
    Image.frombytes("RGB", (side, side), os.urandom(3 * side * side)).save(out, "PNG", compress_level=0)
    return out.getvalue()


def multipart(field, filename, data, content_type="image/png", boundary="limitsboundary"):
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


class TestDeclaredLimit:
    def test_a_multipart_upload_above_the_default_within_the_declared_limit_is_accepted(self, ionora, admin):
        image = noisy_png(300)
        assert DEFAULT < len(image) < UPLOAD_LIMIT
        response = ionora.client().post(UPLOAD, headers=admin, files={"image": ("p.png", image, "image/png")})
        assert response.status_code == 201

    def test_a_chunked_multipart_upload_within_the_limit_reaches_the_handler(self, ionora, admin, monkeypatch):
        monkeypatch.setattr(MultipartValidator, "SPOOL_BYTES", 16 * 1024)  # the raw body spools to disk
        body, content_type = multipart("image", "p.png", noisy_png(300))
        sent = call(ionora.app, "POST", UPLOAD, pieces(body), {**admin, "Content-Type": content_type})
        assert sent.status == 201 and sent.pulled == len(body)
        stored = PRODUCT.runtime.storage.path(sent.json()["key"])
        assert stored is not None and Image.open(stored).size == (300, 300)

    def test_a_content_length_over_the_declared_limit_is_413_before_a_byte_is_read(self, ionora, admin):
        sent = call(ionora.app, "POST", UPLOAD, endless(),
                    {**admin, "Content-Type": "multipart/form-data; boundary=x", "Content-Length": str(UPLOAD_LIMIT + 1)})
        assert (sent.status, sent.json(), sent.pulled) == (413, TOO_LARGE, 0)

    def test_a_chunked_body_is_refused_the_moment_it_passes_the_declared_limit(self, ionora, admin):
        body, content_type = multipart("image", "p.png", b"")
        sent = call(ionora.app, "POST", UPLOAD, endless(first=body[:-20]), {**admin, "Content-Type": content_type})
        assert (sent.status, sent.json()) == (413, TOO_LARGE)
        assert UPLOAD_LIMIT < sent.pulled <= UPLOAD_LIMIT + CHUNK

    def test_the_limit_is_checked_before_authentication(self, ionora):
        sent = call(ionora.app, "POST", UPLOAD, endless(), {"Content-Type": "multipart/form-data; boundary=x",
                                                             "Content-Length": str(UPLOAD_LIMIT + 1)})
        assert (sent.status, sent.pulled) == (413, 0)


class TestDefaultLimitElsewhere:
    def test_a_content_length_over_the_default_is_413_at_once(self, ionora):
        sent = call(ionora.app, "POST", LOGIN, endless(),
                    {"Content-Type": "application/json", "Content-Length": str(DEFAULT + 1)})
        assert (sent.status, sent.json(), sent.pulled) == (413, TOO_LARGE, 0)

    def test_a_body_the_upload_may_send_is_too_large_for_other_operations(self, ionora):
        sent = call(ionora.app, "POST", LOGIN, endless(first=b'{"email": "'), {"Content-Type": "application/json"})
        assert (sent.status, sent.json()) == (413, TOO_LARGE)
        assert DEFAULT < sent.pulled <= DEFAULT + CHUNK

    def test_a_chunked_body_within_the_default_reaches_the_handler(self, ionora):
        body = json.dumps({"email": "nobody@example.com", "password": "x" * 30_000}).encode()
        sent = call(ionora.app, "POST", LOGIN, pieces(body), {"Content-Type": "application/json"})
        assert sent.status in (400, 401) and sent.pulled == len(body)


class TestLimitTable:
    SPEC = {"paths": {
        "/files/{id}": {"post": {"x-body-limit": 100}, "get": {}},
        "/files/avatar": {"post": {}},
        "/files/{id}/parts/{part}": {"put": {"x-body-limit": 5}},
        "/notes": {"post": {}},
    }}

    @pytest.mark.parametrize("method, path, limit", [
        ("POST", "/api/files/1", 100),
        ("POST", "/api/files/1/", 100),
        ("POST", "/api/files/avatar", 10),     # the parameter-free path wins over /files/{id}
        ("GET", "/api/files/1", 10),
        ("PUT", "/api/files/1/parts/2", 5),
        ("PUT", "/api/files/1/parts", 10),
        ("POST", "/api/notes", 10),
        ("POST", "/files/1", 10),              # outside the base path
        ("POST", "/api/files/1/x", 10),
    ])
    def test_each_request_gets_its_operations_limit(self, method, path, limit):
        assert BodyLimits.from_spec(self.SPEC, "/api", 10).limit_for(method, path) == limit

    def test_the_declared_limits_are_listed(self):
        assert BodyLimits.from_spec(self.SPEC, "/api", 10).declared == {
            ("POST", "/files/{id}"): 100, ("PUT", "/files/{id}/parts/{part}"): 5}

    @pytest.mark.parametrize("value", [0, -1, "10MB", 1.5, True])
    def test_a_limit_that_is_not_a_positive_number_of_bytes_stops_the_app(self, value):
        with pytest.raises(ValueError, match=r"POST /x: x-body-limit must be a positive whole number of bytes"):
            BodyLimits.from_spec({"paths": {"/x": {"post": {"x-body-limit": value}}}}, "", 10)

    def test_the_app_reads_its_spec(self, product_under_test):
        put = product_under_test("looking")
        from server.products.looking import PRODUCT as LOOKING
        limits = LOOKING.runtime.body_limits
        assert (limits.default, limits.declared) == (put.settings.max_body_bytes, {})


@pytest.mark.parametrize("name", [p for p in PRODUCTS if openapi.spec_path(p).exists()])
def test_every_declared_limit_is_documented(name):
    """An operation with its own limit documents its 413 and says what the limit is."""
    for path, item in openapi.load(name)["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and "x-body-limit" in operation:
                assert "413" in operation["responses"], f"{method.upper()} {path} declares no 413"
                assert "413" in operation.get("description", ""), f"{method.upper()} {path}: describe the limit"


# --- the content-sniffing intake ---

def image_bytes(fmt):
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def pdf_bytes():
    out = io.BytesIO()
    Image.new("RGB", (4, 3)).save(out, "PDF")
    return out.getvalue()


def zip_bytes(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return out.getvalue()


CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
                 'content-types"><Default Extension="xml" ContentType="application/xml"/></Types>')


def docx_bytes():
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": "<Relationships/>",
                      "word/document.xml": "<w:document/>"})


def xlsx_bytes():
    return zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": "<workbook/>"})


def odt_bytes():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text", compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def ole_bytes(stream):
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 64


class Upload(io.BytesIO):
    """What a handler receives for a multipart file (Werkzeug's FileStorage reads like this)."""

    def __init__(self, data, filename="upload.bin"):
        super().__init__(data)
        self.filename = filename


class TestSniffing:
    @pytest.mark.parametrize("data, kind", [
        (image_bytes("JPEG"), "image"), (image_bytes("PNG"), "image"), (image_bytes("GIF"), "image"),
        (image_bytes("WEBP"), "image"), (pdf_bytes(), "pdf"), (docx_bytes(), "docx"), (xlsx_bytes(), "xlsx"),
        (odt_bytes(), "odt"), (zip_bytes({"a.txt": "a"}), "zip"), (ole_bytes("WordDocument"), "doc"),
        (ole_bytes("Workbook"), "xls"), (ole_bytes("PowerPoint Document"), "ppt"), (ole_bytes("Other"), None),
        (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 16, "mp4"), (b"\x00\x00\x00\x14ftypqt  " + b"\x00" * 8, "mov"),
        (b"\x00\x00\x00\x18ftypM4A " + b"\x00" * 8, "m4a"), (b"ID3\x04" + b"\x00" * 20, "mp3"),
        (b"\xff\xfb\x90\x00" + b"\x00" * 20, "mp3"), (b"\xff\xf1\x50\x80" + b"\x00" * 20, "aac"),
        (b"OggS\x00\x02" + b"\x00" * 20, "ogg"), (b"RIFF\x24\x00\x00\x00WAVEfmt " + b"\x00" * 8, "wav"),
        (b"#!AMR\n" + b"\x00" * 8, "amr"), (b"\x1a\x45\xdf\xa3\x9f\x42\x82\x84webm" + b"\x00" * 8, "webm"),
        (b"PK\x03\x04 not really a zip", None), (b"hello, world\n", None), (b"%PD", None),
    ])
    def test_the_kind_comes_from_the_content(self, data, kind):
        assert sniff(data) == kind


class TestAcceptFile:
    ALLOW = ("image", *DOCUMENTS)

    @pytest.mark.parametrize("data, name, kind, ext, content_type", [
        (image_bytes("JPEG"), "photo.jpeg", "image", "jpg", "image/jpeg"),
        (image_bytes("PNG"), "scan.bin", "image", "png", "image/png"),
        (pdf_bytes(), "proof.pdf", "pdf", "pdf", "application/pdf"),
        (docx_bytes(), "letter.docx", "docx", "docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        (ole_bytes("WordDocument"), "old.doc", "doc", "doc", "application/msword"),
    ])
    def test_allowed_content_is_accepted(self, data, name, kind, ext, content_type):
        accepted = accept_file(Upload(data, name), field="proof", allow=self.ALLOW, max_bytes=1024 * 1024)
        assert (accepted.kind, accepted.ext, accepted.content_type, accepted.name) == (kind, ext, content_type, name)
        assert accepted.size == len(accepted.data)
        if kind != "image":
            assert accepted.data == data

    def test_an_image_is_stored_re_encoded_without_metadata(self):
        out = io.BytesIO()
        exif = Image.Exif()
        exif[0x010F] = "SecretCam"
        Image.new("RGB", (4, 3)).save(out, "JPEG", exif=exif)
        accepted = accept_file(Upload(out.getvalue()), field="photo", allow=("image",), max_bytes=1024 * 1024)
        assert b"SecretCam" in out.getvalue() and b"SecretCam" not in accepted.data

    @pytest.mark.parametrize("data, name, allow, message", [
        (b"just some text", "photo.jpg", ("image",),
         "proof must be a PNG, JPEG, GIF or WebP image (judged by its content, not its name)"),
        (b"just some text", "proof.pdf", ("image", "pdf", "docx"),
         "proof must be a PNG, JPEG, GIF or WebP image, PDF or DOCX (judged by its content, not its name)"),
        (b"%PDF-1.7 but a text file", "x.txt", ("image",),
         "proof must be a PNG, JPEG, GIF or WebP image (judged by its content, not its name)"),
        (zip_bytes({"a.txt": "a"}), "x.docx", ("docx",), "proof must be a DOCX (judged by its content, not its name)"),
        (b"\x89PNG\r\n\x1a\n broken", "x.png", ("image",), "proof is not a PNG, JPEG, GIF or WebP image"),
    ])
    def test_content_outside_the_allow_list_is_refused_naming_the_field(self, data, name, allow, message):
        with pytest.raises(FileRejected) as raised:
            accept_file(Upload(data, name), field="proof", allow=allow, max_bytes=1024 * 1024)
        assert (raised.value.field, raised.value.message, raised.value.reason, raised.value.code) == (
            "proof", message, "type", "FILE_TYPE")

    def test_a_refusal_is_a_400_in_the_products_format(self):
        with pytest.raises(FileRejected) as raised:
            accept_file(Upload(b"text"), field="file", allow=("pdf",), max_bytes=100)
        assert isinstance(raised.value, InvalidInput)
        error = errors.normalize(raised.value)
        assert (error.status, error.field, error.code) == (400, "file", "FILE_TYPE")

    @pytest.mark.parametrize("upload, reason, message", [
        (None, "missing", "file is required"),
        (Upload(b""), "missing", "file is required"),
        (Upload(b"%PDF-" + b"x" * 2 * 1024 * 1024), "too_large", "file is larger than 2 MB"),
        (Upload(b"%PDF-" + b"x" * 1000), "too_large", "file is larger than 1,000 bytes"),
    ])
    def test_missing_and_oversized_files_are_refused(self, upload, reason, message):
        max_bytes = 1000 if message.endswith("1,000 bytes") else 2 * 1024 * 1024
        with pytest.raises(FileRejected) as raised:
            accept_file(upload, field="file", allow=("pdf",), max_bytes=max_bytes)
        assert (raised.value.reason, raised.value.message) == (reason, message)

    def test_the_display_name_keeps_only_the_last_component(self):
        accepted = accept_file(Upload(pdf_bytes(), "C:\\Users\\me/../secret\x00\n.pdf"), field="f", allow=("pdf",),
                               max_bytes=1024 * 1024)
        assert accepted.name == "secret.pdf"

    def test_an_unknown_kind_is_a_programming_error(self):
        with pytest.raises(ValueError, match="unknown file kinds: exe"):
            accept_file(Upload(b"x"), field="f", allow=("pdf", "exe"), max_bytes=10)


class TestAcceptFiles:
    def test_each_file_is_judged_and_named_by_its_index(self):
        with pytest.raises(FileRejected) as raised:
            accept_files([Upload(pdf_bytes()), Upload(b"text")], field="proofDocuments", allow=DOCUMENTS,
                         max_bytes=1024 * 1024, max_count=5)
        assert (raised.value.field, raised.value.message) == (
            "proofDocuments.1", "proofDocuments.1 must be a PDF, DOCX, XLSX, PPTX, ODT, ODS, ODP, DOC, XLS or PPT "
                                "(judged by its content, not its name)")

    def test_at_most_max_count(self):
        with pytest.raises(FileRejected) as raised:
            accept_files([Upload(pdf_bytes())] * 6, field="proofDocuments", allow=DOCUMENTS, max_bytes=10**6,
                         max_count=5)
        assert (raised.value.reason, raised.value.message) == ("too_many", "proofDocuments holds at most 5 files")

    def test_none_is_missing(self):
        with pytest.raises(FileRejected) as raised:
            accept_files([], field="proofDocuments", allow=DOCUMENTS, max_bytes=10, max_count=5)
        assert raised.value.reason == "missing"

    def test_all_accepted(self):
        accepted = accept_files([Upload(pdf_bytes()), Upload(docx_bytes())], field="d", allow=DOCUMENTS,
                                max_bytes=10**6, max_count=5)
        assert [a.kind for a in accepted] == ["pdf", "docx"]
