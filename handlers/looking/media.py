"""Stored images."""
from handlers.files import send_stored
from server.products.looking import PRODUCT


def get_upload(folder, file):
    return send_stored(PRODUCT.runtime.storage, f"{folder}/{file}", "File not found")
