"""Stored images."""
from flask import send_file

from models.errors import NotFound
from server.products.looking import PRODUCT


def get_upload(folder, file):
    path = PRODUCT.runtime.storage.path(f"{folder}/{file}")
    if path is None:
        raise NotFound("File not found")
    return send_file(path, max_age=86400)
