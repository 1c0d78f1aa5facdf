"""Uploaded files: images (avatars, shop pictures, posts, products) and proof documents, judged by their
content (``integrations.uploads``) and stored under a fresh name, and the public image route. Every area
that takes an image calls :func:`store_image`."""
import secrets
import time

from handlers.files import send_stored
from integrations.uploads import MiB, FileRejected, accept_file, accept_files
from models.errors import InvalidInput
from server.products.diora import PRODUCT, public_url

MAX_FILE_BYTES = 10 * MiB  # the reference's 10 MB per file
MAX_DOCUMENTS = 5
DOCUMENT_KINDS = ("image", "pdf", "doc", "docx")
DOCUMENT_IMAGES = ("jpg", "png")
IMAGE_FOLDER = "images"
DOCUMENT_FOLDER = "promotion-documents"


def store_image(upload, *, field, required=True):
    """Keep an uploaded image (PNG, JPEG, GIF or WebP by its content, at most 10 MB, re-encoded
    without metadata) under ``images/<ms>-<hex>.<ext>``. Returns ``(public URL, storage id)``, or None
    for an absent optional image. 400 ``No <field> file provided`` / naming what is wrong."""
    if upload is None and not required:
        return None
    try:
        image = accept_file(upload, field=field, allow=("image",), max_bytes=MAX_FILE_BYTES)
    except FileRejected as exc:
        raise _refusal(exc, field, "Only JPG, PNG, GIF and WebP images are allowed") from None
    key = PRODUCT.runtime.storage.save(f"{IMAGE_FOLDER}/{_fresh_name()}.{image.ext}", image.data)
    return public_url(f"/api/uploads/{key}"), key


def store_documents(uploads, *, field):
    """Keep 1 to 5 proof documents (JPEG, PNG, PDF, DOC, DOCX by their content, at most 10 MB each)
    under ``promotion-documents/``; returns their records (``filename``, ``originalName``, ``path``,
    ``mimetype``, ``size``). Nothing is stored when any of them is refused."""
    wrong_kind = "Proof documents must be JPG, PNG, PDF, DOC or DOCX files"
    try:
        accepted = accept_files(uploads, field=field, allow=DOCUMENT_KINDS, max_bytes=MAX_FILE_BYTES,
                                max_count=MAX_DOCUMENTS)
    except FileRejected as exc:
        raise _refusal(exc, field, wrong_kind) from None
    for index, document in enumerate(accepted):
        if document.kind == "image" and document.ext not in DOCUMENT_IMAGES:
            raise InvalidInput(f"{wrong_kind} ({field}.{index})", field=field)
    records = []
    for document in accepted:
        key = PRODUCT.runtime.storage.save(f"{DOCUMENT_FOLDER}/{_fresh_name()}.{document.ext}", document.data)
        records.append({"filename": key.rsplit("/", 1)[1], "originalName": document.name, "path": key,
                        "mimetype": document.content_type, "size": document.size})
    return records


def discard(records):
    """Remove stored documents whose request was refused after they were stored."""
    for record in records:
        PRODUCT.runtime.storage.delete(record["path"])


def get_image(file):
    return send_stored(PRODUCT.runtime.storage, f"{IMAGE_FOLDER}/{file}", "Image not found")


def _refusal(exc, field, wrong_kind):
    """Diora's wording for a refused file (the error names the field; no platform code in the body)."""
    where = f" ({exc.field})" if exc.field != field else ""
    message = {"missing": f"No {field} file provided", "too_many": f"At most {MAX_DOCUMENTS} {field} files are allowed",
               "too_large": f"{field} must be 10 MB or smaller", "type": wrong_kind}[exc.reason]
    return InvalidInput(message + (where if exc.reason in ("too_large", "type") else ""), field=field)


def _fresh_name():
    return f"{int(time.time() * 1000)}-{secrets.token_hex(16)}"
