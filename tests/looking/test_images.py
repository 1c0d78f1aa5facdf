"""Uploaded images are decoded with Pillow, limited in bytes and pixels, re-encoded without metadata
and served with ``X-Content-Type-Options: nosniff``."""
import base64
import io
import struct
import zlib

import pytest
from PIL import Image, PngImagePlugin

from integrations.storage import MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE

IMAGE_ERROR = "There was an error processing the image"
GPS_IFD = 0x8825
JUNK = b"<html><script>alert(document.cookie)</script></html>"


def data_url(data, mime="image/png"):
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def exif_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "SecretCam Maker"       # Make
    exif[0x0110] = "SecretCam Model 9"     # Model
    gps = exif.get_ifd(GPS_IFD)
    gps.update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 0.0)})
    return exif


def png_with_metadata(size=(4, 3)):
    image = Image.new("RGB", size, (200, 30, 60))
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "home address: 1 Secret Lane")
    out = io.BytesIO()
    image.save(out, "PNG", exif=exif_with_gps(), pnginfo=info)
    return out.getvalue()


def jpeg_with_metadata(size=(4, 3), orientation=None):
    image = Image.new("RGB", size, (20, 120, 220))
    exif = exif_with_gps()
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, comment=b"shot at 1 Secret Lane", quality=95)
    return out.getvalue()


def png_header_only(width, height):
    """A PNG whose header claims ``width`` x ``height``: never decoded if the size is checked first."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def png_bomb(side):
    """A real grey PNG of ``side`` x ``side`` zero pixels: tiny compressed, huge decoded."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    raw = zlib.compress(b"\x00" * ((side + 1) * side), 9)
    ihdr = struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def upload(client, make, data_or_url):
    url = data_or_url if isinstance(data_or_url, str) else data_url(data_or_url)
    return client.post("/profiles", json={"details": {"name": "Alex", "pic": {"thumb": url}}},
                       headers=make.headers("add"))


def stored(client, response):
    assert response.status_code == 201, response.json()
    path = response.json()["profile"]["details"]["pic"]["thumb"]
    served = client.get("/uploads/" + path)
    assert served.status_code == 200
    return path, served


def rejected(problem):
    return {"message": IMAGE_ERROR, "err": {"code": "IMAGE_ERROR", "details": f"details.pic.thumb {problem}"}}


class TestImagesAreReencoded:
    def test_png_with_trailing_junk_and_exif_gps_is_stored_clean(self, client, make):
        original = png_with_metadata()
        response = upload(client, make, original + JUNK)
        path, served = stored(client, response)
        assert path.endswith(".png")
        data = served.content
        assert JUNK not in data and b"Secret" not in data and b"eXIf" not in data and b"tEXt" not in data
        with Image.open(io.BytesIO(data)) as image, Image.open(io.BytesIO(original)) as before:
            assert "exif" in before.info and before.getexif().get_ifd(GPS_IFD)  # the upload had them
            assert (image.format, image.size, image.tobytes()) == ("PNG", before.size, before.convert(image.mode).tobytes())
            assert "exif" not in image.info and "Comment" not in image.info
            assert dict(image.getexif()) == {}
        assert data.endswith(b"IEND\xaeB`\x82")

    def test_jpeg_exif_gps_and_comment_are_stripped(self, client, make):
        original = jpeg_with_metadata()
        path, served = stored(client, upload(client, make, data_url(original, "image/jpeg") ))
        assert path.endswith(".jpg") and served.headers["content-type"] == "image/jpeg"
        assert b"Secret" not in served.content and b"Exif" not in served.content
        with Image.open(io.BytesIO(served.content)) as image:
            assert (image.format, image.size) == ("JPEG", (4, 3))
            assert dict(image.getexif()) == {} and not image.getexif().get_ifd(GPS_IFD)
            assert "comment" not in image.info and "exif" not in image.info

    def test_exif_orientation_is_applied_before_it_is_dropped(self, client, make):
        _, served = stored(client, upload(client, make, data_url(jpeg_with_metadata(size=(4, 2), orientation=6))))
        with Image.open(io.BytesIO(served.content)) as image:
            assert image.size == (2, 4)

    def test_the_format_is_the_content_not_the_declared_type(self, client, make):
        path, served = stored(client, upload(client, make, data_url(jpeg_with_metadata(), "image/png")))
        assert path.endswith(".jpg") and served.headers["content-type"] == "image/jpeg"

    @pytest.mark.parametrize("make_image,fmt", [
        pytest.param(lambda: Image.new("RGBA", (3, 3), (1, 2, 3, 128)), "GIF", id="gif"),
        pytest.param(lambda: Image.new("RGBA", (3, 3), (1, 2, 3, 128)), "WEBP", id="webp"),
        pytest.param(lambda: Image.new("P", (3, 3), 5), "PNG", id="palette png"),
    ])
    def test_other_formats_round_trip(self, client, make, make_image, fmt):
        out = io.BytesIO()
        make_image().save(out, fmt)
        path, served = stored(client, upload(client, make, out.getvalue() + JUNK))
        with Image.open(io.BytesIO(served.content)) as image:
            assert (image.format, image.size) == (fmt, (3, 3))
        assert JUNK not in served.content


    def test_a_multi_picture_jpeg_keeps_its_first_picture(self, client, make):
        out = io.BytesIO()
        Image.new("RGB", (4, 3), (1, 2, 3)).save(out, "MPO", save_all=True, append_images=[Image.new("RGB", (4, 3))])
        path, served = stored(client, upload(client, make, out.getvalue()))
        with Image.open(io.BytesIO(served.content)) as image:
            assert (path[-4:], image.format, image.size) == (".jpg", "JPEG", (4, 3))


class TestImagesAreRefused:
    @pytest.mark.parametrize("data", [
        pytest.param(b"\x89PNG\r\n\x1a\n" + JUNK, id="html after a png signature"),
        pytest.param(b"\xff\xd8\xff" + JUNK, id="html after a jpeg signature"),
        pytest.param(b"GIF89a" + JUNK, id="html after a gif signature"),
        pytest.param(png_with_metadata()[:60], id="truncated png"),
        pytest.param(JUNK, id="html"),
    ])
    def test_non_images_are_400(self, client, make, data):
        response = upload(client, make, data)
        assert (response.status_code, response.json()) == (400, rejected("is not a PNG, JPEG, GIF or WebP image"))
        assert client.get("/profiles").json() == []

    @pytest.mark.parametrize("width,height", [
        pytest.param(MAX_IMAGE_SIDE + 1, 1, id="too wide"),
        pytest.param(1, MAX_IMAGE_SIDE + 1, id="too tall"),
        pytest.param(MAX_IMAGE_PIXELS // 4000 + 1, 4000, id="too many pixels"),
        pytest.param(100_000, 100_000, id="absurd"),
    ])
    def test_oversized_dimensions_are_400_without_decoding(self, client, make, width, height):
        response = upload(client, make, png_header_only(width, height))
        assert (response.status_code, response.json()) == (400, rejected(
            f"is too large (at most {MAX_IMAGE_SIDE} pixels a side and {MAX_IMAGE_PIXELS:,} pixels)"))

    def test_a_decompression_bomb_is_400(self, client, make):
        bomb = png_bomb(8000)
        assert len(bomb) < 200_000
        response = upload(client, make, bomb)
        assert response.status_code == 400
        assert response.json()["err"]["details"].startswith("details.pic.thumb is too large")

    def test_largest_accepted_size(self, client, make):
        out = io.BytesIO()
        Image.new("L", (MAX_IMAGE_SIDE, 2)).save(out, "PNG")
        assert upload(client, make, out.getvalue()).status_code == 201


class TestServedImages:
    def test_nosniff_and_a_locked_down_policy(self, client, make):
        _, served = stored(client, upload(client, make, png_with_metadata()))
        assert served.headers["x-content-type-options"] == "nosniff"
        assert served.headers["content-security-policy"] == "default-src 'none'; sandbox"
        assert served.headers["content-type"] == "image/png"
