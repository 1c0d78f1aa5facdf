"""File storage (a local directory) and image intake from base64 data URLs.

An incoming image is never stored as sent: it is decoded with Pillow (PNG, JPEG, GIF or WebP, judged by
its content, not its first bytes), limited in bytes before decoding and in pixels from its header before
its pixels are decoded (decompression bombs), turned upright by its EXIF orientation, and re-encoded
without any metadata (EXIF, GPS, XMP, ICC profile, comments, text chunks). Bytes appended after the
image are dropped with the rest of the original file. Animated GIF/WebP/PNG keep their first frame.
"""
import base64
import binascii
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from models.errors import InvalidInput

IMAGE_ERROR = "There was an error processing the image"
_DATA_URL = re.compile(r"^data:(?P<mime>[\w.+-]+/[\w.+-]+)?(?P<params>(;[\w-]+=[^;,]*)*)(?P<b64>;base64)?,(?P<data>.*)$", re.S)
_SAFE_PATH = re.compile(r"^[\w][\w.\-/]{0,299}$")
MAX_IMAGE_BYTES = 5 * 1024 * 1024   # the decoded upload, checked before base64 decoding
MAX_IMAGE_SIDE = 8192                # pixels, either dimension, read from the header before decoding
MAX_IMAGE_PIXELS = 4096 * 4096       # width × height, likewise (16.8 megapixels; a phone photo is 12)
FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"), "GIF": ("gif", "image/gif"),
           "WEBP": ("webp", "image/webp")}
NOT_AN_IMAGE = "is not a PNG, JPEG, GIF or WebP image"
TOO_LARGE = f"is too large (at most {MAX_IMAGE_SIDE} pixels a side and {MAX_IMAGE_PIXELS:,} pixels)"

# Pillow's own decompression-bomb guard for every image opened in this process: past twice the limit
# Image.open itself refuses; between, clean_image refuses from the header size before decoding (so
# Pillow's warning for that range says nothing the refusal does not).
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


class ImageRejected(ValueError):
    """Not an acceptable image; ``problem`` completes the sentence "<field> ..."."""

    def __init__(self, problem):
        super().__init__(problem)
        self.problem = problem


@dataclass(frozen=True)
class CleanImage:
    data: bytes          # re-encoded, without metadata
    ext: str             # png | jpg | gif | webp
    content_type: str
    width: int
    height: int


def clean_image(data, *, max_bytes=MAX_IMAGE_BYTES):
    """Decode ``data`` and re-encode it without metadata. Raises :class:`ImageRejected`."""
    if len(data) > max_bytes:
        raise ImageRejected(f"is larger than {max_bytes // (1024 * 1024)} MB")
    try:
        with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:  # reads the header only
            width, height = image.size
            if width < 1 or height < 1:
                raise ImageRejected(NOT_AN_IMAGE)
            if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
                raise ImageRejected(TOO_LARGE)
            fmt = "JPEG" if image.format == "MPO" else image.format  # a camera's multi-picture JPEG
            image.load()
            upright = ImageOps.exif_transpose(image)
            return _encode(upright, fmt)
    except ImageRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(TOO_LARGE) from None
    except Exception:  # Pillow reports broken input with many exception types (OSError, SyntaxError, ...)
        raise ImageRejected(NOT_AN_IMAGE) from None


def _encode(image, fmt):
    ext, content_type = FORMATS[fmt]
    keep = {}
    if "transparency" in image.info and fmt in ("PNG", "GIF"):
        keep["transparency"] = image.info["transparency"]
    image.info = {}  # the encoders copy comments and ICC profiles from here
    if fmt == "JPEG":
        if image.mode not in ("L", "RGB", "CMYK"):
            image = image.convert("RGB")
        options = {"quality": 85}
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        options = {"quality": 85}
    else:  # PNG and GIF; zlib's fastest level: decoding and re-encoding stay well under a second
        options = dict(keep, compress_level=1) if fmt == "PNG" else keep
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return CleanImage(out.getvalue(), ext, content_type, image.width, image.height)


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

    def delete(self, relative):
        """Remove the file at ``relative`` if it is there."""
        target = self.path(relative)
        if target is not None:
            target.unlink(missing_ok=True)

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


class ImageStore:
    """Turns an incoming image value into a stored relative path.

    A ``data:image/...;base64,`` URL is decoded, re-encoded by :func:`clean_image` and written under
    ``folder/stem.ext`` (the extension of its real format); a relative path or http(s) URL is kept as
    given; anything else is refused."""

    def __init__(self, storage):
        self.storage = storage

    def keep(self, value, *, folder, stem, field):
        if value == "":
            return ""
        if value.startswith("data:"):
            data = self._decode(value, field)
            try:
                image = clean_image(data)
            except ImageRejected as exc:
                raise self._error(field, exc.problem) from None
            return self.storage.save(f"{folder}/{stem}.{image.ext}", image.data)
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
