"""File storage (a local directory) and image intake from base64 data URLs."""
import base64
import binascii
import re
from pathlib import Path

from models.errors import InvalidInput

IMAGE_ERROR = "There was an error processing the image"
_DATA_URL = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<params>(;[\w-]+=[^;,]*)*)(?P<b64>;base64)?,(?P<data>.*)$", re.S)
_SAFE_PATH = re.compile(r"^[\w][\w.\-/]{0,299}$")
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
)
MAX_IMAGE_BYTES = 5 * 1024 * 1024


class LocalStorage:
    def __init__(self, root):
        self.root = Path(root)

    def save(self, relative, data):
        target = self._resolve(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(target.suffix + ".part")
        tmp.write_bytes(data)
        tmp.replace(target)
        return relative

    def path(self, relative):
        """The file for ``relative``, or None when it does not exist or escapes the root."""
        try:
            target = self._resolve(relative)
        except ValueError:
            return None
        return target if target.is_file() else None

    def _resolve(self, relative):
        root = self.root.resolve()
        target = (root / relative).resolve()
        if root not in target.parents:
            raise ValueError("path escapes storage root")
        return target


def sniff_image(data):
    for signature, ext in _SIGNATURES:
        if data.startswith(signature):
            return ext
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


class ImageStore:
    """Turns an incoming image value into a stored relative path.

    A ``data:image/...;base64,`` URL is decoded, checked to really be an image and written under
    ``folder/stem.ext``; a relative path or http(s) URL is kept as given; anything else is refused."""

    def __init__(self, storage):
        self.storage = storage

    def keep(self, value, *, folder, stem, field):
        if value == "":
            return ""
        if value.startswith("data:"):
            data = self._decode(value, field)
            ext = sniff_image(data)
            if ext is None:
                raise self._error(field, "is not a PNG, JPEG, GIF or WebP image")
            return self.storage.save(f"{folder}/{stem}.{ext}", data)
        if value.startswith(("http://", "https://")) or (_SAFE_PATH.match(value) and ".." not in value):
            return value
        raise self._error(field, "must be a base64 data URL, a relative path or an http(s) URL")

    def _decode(self, value, field):
        match = _DATA_URL.match(value)
        if not match or not match.group("b64"):
            raise self._error(field, "is not a base64 data URL")
        if match.group("mime") and not match.group("mime").startswith("image/"):
            raise self._error(field, "is not an image data URL")
        payload = re.sub(r"\s+", "", match.group("data"))
        if len(payload) * 3 // 4 > MAX_IMAGE_BYTES:
            raise self._error(field, "is larger than 5 MB")
        try:
            return base64.b64decode(payload, validate=True)
        except (binascii.Error, ValueError):
            raise self._error(field, "is not valid base64") from None

    @staticmethod
    def _error(field, problem):
        return InvalidInput(IMAGE_ERROR, field=field, code="IMAGE_ERROR", details=f"{field} {problem}")
