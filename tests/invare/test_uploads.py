"""Uploads: images and files judged by their content, their limits, and the public URLs they get."""
import io

from PIL import Image

from tests.invare.conftest import error, invalid


def png():
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def pdf():
    out = io.BytesIO()
    Image.new("RGB", (4, 3)).save(out, "PDF")
    return out.getvalue()


class TestUploadImage:
    def test_stored_and_served(self, client, member):
        response = client.post("/uploads/image", headers=member.headers, files={"file": ("photo.jpg", png(), "image/jpeg")})
        assert response.status_code == 201, response.text
        url = response.json()["url"]
        assert url.startswith("http://") and "/public/images/" in url and url.endswith(".png")
        served = client.get(url[url.index("/public/"):])
        assert (served.status_code, served.headers["content-type"], served.headers["x-content-type-options"]) == (
            200, "image/png", "nosniff")
        assert Image.open(io.BytesIO(served.content)).size == (4, 3)

    def test_not_an_image_by_content(self, client, member):
        response = client.post("/uploads/image", headers=member.headers, files={"file": ("photo.png", b"<html>", "image/png")})
        assert response.status_code == 400
        assert "file" in response.json()["message"]

    def test_missing_file(self, client, member):
        response = client.post("/uploads/image", content=b"--x--\r\n",
                               headers={**member.headers, "Content-Type": "multipart/form-data; boundary=x"})
        assert (response.status_code, response.json()) == (400, invalid("'file' is a required property"))

    def test_fields_other_than_file_refused(self, client, member):
        response = client.post("/uploads/image", headers=member.headers, data={"caption": "x", "alt": "y"},
                               files={"file": ("a.png", png(), "image/png")})
        assert (response.status_code, response.json()) == (
            400, invalid("property caption should not exist", "property alt should not exist"))
        response = client.post("/uploads/image", headers=member.headers, files={"other": ("a.png", png(), "image/png")})
        assert (response.status_code, response.json()) == (400, invalid("property other should not exist"))

    def test_too_large_refused_before_reading(self, client, member):
        body = b"0" * (10 * 1024 * 1024 + 70 * 1024)
        response = client.post("/uploads/image", headers={**member.headers, "Content-Type": "multipart/form-data; boundary=x"},
                               content=body)
        assert (response.status_code, response.json()["statusCode"]) == (413, 413)

    def test_sign_in_needed(self, client):
        response = client.post("/uploads/image", files={"file": ("a.png", png(), "image/png")})
        assert (response.status_code, response.json()) == (401, error(401, "Unauthorized", "Unauthorized"))


class TestUploadFile:
    def test_pdf(self, client, member):
        document = pdf()  # made once: a PDF carries the second it was made
        response = client.post("/uploads/file", headers=member.headers, files={"file": ("doc.pdf", document, "application/pdf")})
        assert response.status_code == 201
        url = response.json()["url"]
        assert "/public/files/" in url and url.endswith(".pdf")
        assert client.get(url[url.index("/public/"):]).content == document

    def test_kind_not_allowed(self, client, member):
        response = client.post("/uploads/file", headers=member.headers,
                               files={"file": ("run.sh", b"#!/bin/sh\necho hi\n", "application/pdf")})
        assert response.status_code == 400

    def test_larger_than_20_mb(self, client, member):
        body = b"0" * (21 * 1024 * 1024)
        response = client.post("/uploads/file", headers={**member.headers, "Content-Type": "multipart/form-data; boundary=x"},
                               content=body)
        assert response.status_code == 413

    def test_fields_other_than_file_refused(self, client, member):
        response = client.post("/uploads/file", headers=member.headers, data={"name": "doc"},
                               files={"file": ("doc.pdf", pdf(), "application/pdf")})
        assert (response.status_code, response.json()) == (400, invalid("property name should not exist"))

    def test_sign_in_needed(self, client):
        assert client.post("/uploads/file", files={"file": ("d.pdf", pdf(), "application/pdf")}).status_code == 401


class TestPublicFiles:
    def test_missing(self, client):
        response = client.get("/public/images/" + "0" * 32 + ".png")
        assert (response.status_code, response.json()) == (404, error(404, "File not found", "Not Found"))
        assert client.get("/public/files/..%2Fsecret").status_code in (400, 404)


