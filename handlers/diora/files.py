"""Uploaded files: images (avatars, shop pictures, posts, products) and proof documents, taken in by
their content and stored under a fresh name, and the public image route. Every area that takes an image
calls :func:`store_image`."""
import secrets
import time

from handlers.files import send_stored
from integrations.documents import MAX_DOCUMENT_BYTES, DocumentRejected, identify_document
from integrations.storage import NOT_AN_IMAGE, ImageRejected, clean_image
from models.errors import InvalidInput
from server.products.diora import PRODUCT, public_url

MAX_IMAGE_BYTES = 10 * 1024 * 1024  # the reference's 10 MB per file (the request body limit may be lower)
IMAGE_FOLDER = "images"
DOCUMENT_FOLDER = "promotion-documents"


def read_upload(upload, *, field, max_bytes, required=True):
    """The bytes of one uploaded file, read at most ``max_bytes + 1`` (a bigger file is refused
    without being read further); None for an absent optional file."""
    data = upload.read(max_bytes + 1) if upload is not None else b""
    if not data:
        if required:
            raise InvalidInput(f"No {field} file provided", field=field)
        return None
    if len(data) > max_bytes:
        raise InvalidInput(f"{field} must be {max_bytes // (1024 * 1024)} MB or smaller", field=field)
    return data


def store_image(upload, *, field, required=True):
    """Keep an uploaded image (PNG, JPEG, GIF or WebP by its content, re-encoded without metadata)
    under ``images/<ms>-<hex>.<ext>``. Returns ``(public URL, storage id)``, or None for an absent
    optional image."""
    data = read_upload(upload, field=field, max_bytes=MAX_IMAGE_BYTES, required=required)
    if data is None:
        return None
    try:
        image = clean_image(data, max_bytes=MAX_IMAGE_BYTES)
    except ImageRejected as exc:
        message = ("Only JPG, PNG, GIF and WebP images are allowed" if exc.problem == NOT_AN_IMAGE
                   else f"{field} {exc.problem}")
        raise InvalidInput(message, field=field) from None
    key = PRODUCT.runtime.storage.save(f"{IMAGE_FOLDER}/{_fresh_name()}.{image.ext}", image.data)
    return public_url(f"/api/uploads/{key}"), key


def store_documents(uploads, *, field):
    """Keep proof documents (JPEG, PNG, PDF, DOC, DOCX by content, at most 10 MB each) under
    ``promotion-documents/``; returns their records (``filename``, ``originalName``, ``path``,
    ``mimetype``, ``size``). Nothing is stored when any of them is refused."""
    accepted = []
    for index, upload in enumerate(uploads or []):
        data = read_upload(upload, field=field, max_bytes=MAX_DOCUMENT_BYTES)
        try:
            document = identify_document(data)
        except DocumentRejected as exc:
            name = getattr(upload, "filename", None) or f"file {index + 1}"
            raise InvalidInput(f"{field}: {name} {exc.problem}", field=field) from None
        accepted.append((upload, document))
    records = []
    for upload, document in accepted:
        key = PRODUCT.runtime.storage.save(f"{DOCUMENT_FOLDER}/{_fresh_name()}.{document.ext}", document.data)
        records.append({"filename": key.rsplit("/", 1)[1], "originalName": (getattr(upload, "filename", "") or "")[:255],
                        "path": key, "mimetype": document.mimetype, "size": len(document.data)})
    return records


def discard(records):
    """Remove stored documents whose request was refused after they were stored."""
    for record in records:
        PRODUCT.runtime.storage.delete(record["path"])


def get_image(file):
    return send_stored(PRODUCT.runtime.storage, f"{IMAGE_FOLDER}/{file}", "Image not found")


def _fresh_name():
    return f"{int(time.time() * 1000)}-{secrets.token_hex(16)}"
