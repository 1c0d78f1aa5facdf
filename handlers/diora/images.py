"""Images of products, shops and reviews: several per field, each judged by its content (PNG, JPEG, GIF
or WebP, at most 10 MB, re-encoded without metadata) before any is stored, and removed again when the
change they belong to is refused."""
import json

from handlers.diora.files import IMAGE_FOLDER, MAX_FILE_BYTES, _fresh_name, store_image
from integrations.uploads import FileRejected, accept_files
from models.errors import InvalidInput
from server.products.diora import PRODUCT, public_url

WRONG_KIND = "Only JPG, PNG, GIF and WebP images are allowed"


def store_images(uploads, *, field, max_count, required=True):
    """``[(public URL, storage id)]`` for the uploaded images of ``field`` ([] when none and optional)."""
    uploads = [u for u in (uploads if isinstance(uploads, list) else [uploads]) if u is not None]
    if not uploads and not required:
        return []
    try:
        accepted = accept_files(uploads, field=field, allow=("image",), max_bytes=MAX_FILE_BYTES, max_count=max_count)
    except FileRejected as exc:
        message = {"missing": f"No {field} file provided", "too_many": f"At most {max_count} {field} files are allowed",
                   "too_large": f"{field} must be 10 MB or smaller ({exc.field})",
                   "type": f"{WRONG_KIND} ({exc.field})"}[exc.reason]
        raise InvalidInput(message, field=field) from None
    stored = []
    for image in accepted:
        key = PRODUCT.runtime.storage.save(f"{IMAGE_FOLDER}/{_fresh_name()}.{image.ext}", image.data)
        stored.append((public_url(f"/api/uploads/{key}"), key))
    return stored


def store_one(upload, *, field):
    """One optional image: ``(public URL, storage id)`` or None."""
    return store_image(upload, field=field, required=False)


def discard(keys):
    """Remove stored images (refused changes, replaced or deleted images)."""
    for key in keys or ():
        if key:
            PRODUCT.runtime.storage.delete(key)


def keys_of(stored):
    return [key for _, key in stored or ()]


def string_list(value, *, field, max_items=50, max_length=100):
    """A list of names sent as a list, a JSON-encoded list (the client's multipart form), one name, or
    names separated by commas. 400 naming ``field`` for anything else."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            try:
                value = json.loads(text)
            except ValueError:
                raise InvalidInput(f"{field} must be a list of strings", field=field) from None
        else:
            value = [part for part in text.split(",")] if text else []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{field} must be a list of strings", field=field)
    names = [v.strip() for v in value if v.strip()]
    if len(names) > max_items or any(len(v) > max_length for v in names):
        raise InvalidInput(f"{field} holds at most {max_items} names of at most {max_length} characters", field=field)
    return names


def json_object(value, *, field):
    """An object sent as JSON text in a multipart form (``socialLinks``), or as an object."""
    if value is None or isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value) if value.strip() else {}
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict) or not all(isinstance(v, str) and len(v) <= 300 for v in parsed.values()):
        raise InvalidInput(f"{field} must be an object of links", field=field)
    return parsed
