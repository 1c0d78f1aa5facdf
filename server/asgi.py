"""ASGI factories for uvicorn (``uvicorn --factory server.asgi:looking``)."""
from server.app import create_app


def looking():
    return create_app("looking")


def ionora():
    return create_app("ionora")


def diora():
    return create_app("diora")


def invare():
    return create_app("invare")
