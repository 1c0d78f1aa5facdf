"""Uploads: an image (at most 10 MB, PNG, JPEG, GIF or WebP by its content, re-encoded without metadata)
or a file (at most 20 MB: an image, PDF, office document, ZIP, audio or video, by its content), stored
under a fresh name and served at ``/public/images/<name>`` / ``/public/files/<name>``; chat attachments
(stored by ``handlers.invare.chat``) at ``/public/chat-attachments/<chatId>/<type>s/<name>``."""
import uuid

import flask

from handlers.files import send_stored
from integrations.uploads import MiB, accept_file
from server.products.invare import PRODUCT

IMAGE_BYTES = 10 * MiB
FILE_BYTES = 20 * MiB
FILE_KINDS = ("image", "pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "doc", "xls", "ppt", "zip",
              "mp4", "mov", "3gp", "webm", "m4a", "mp3", "aac", "ogg", "wav", "amr")


def upload_image(token_info, file=None):
    return _store("images", accept_file(file, field="file", allow=("image",), max_bytes=IMAGE_BYTES))


def upload_file(token_info, file=None):
    return _store("files", accept_file(file, field="file", allow=FILE_KINDS, max_bytes=FILE_BYTES))


def get_image(file):
    return send_stored(PRODUCT.runtime.storage, f"images/{file}", "File not found")


def get_file(file):
    return send_stored(PRODUCT.runtime.storage, f"files/{file}", "File not found")


def get_chat_attachment(chatId, folder, file):
    key = f"chat-attachments/{uuid.UUID(chatId)}/{folder}/{file}"  # the chat id as the upload wrote it
    return send_stored(PRODUCT.runtime.storage, key, "File not found")


def public_url(path):
    """An absolute URL on this API: ``INVARE_PUBLIC_URL`` when set, else the address the caller used."""
    base = PRODUCT.runtime.settings.public_url or flask.request.host_url
    return base.rstrip("/") + path


def _store(folder, accepted):
    key = PRODUCT.runtime.storage.save(f"{folder}/{uuid.uuid4().hex}.{accepted.ext}", accepted.data)
    return {"url": public_url(f"/public/{key}")}, 201
