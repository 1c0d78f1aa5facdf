"""Stored images."""
from flask import send_file

from models.errors import NotFound
from server.products.looking import PRODUCT


def get_upload(folder, file):
    path = PRODUCT.runtime.storage.path(f"{folder}/{file}")
    if path is None:
        raise NotFound("File not found")
    response = send_file(path, max_age=86400)
    response.headers["X-Content-Type-Options"] = "nosniff"  # never rendered as anything but the image
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
