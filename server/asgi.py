"""ASGI factories for uvicorn (``uvicorn --factory server.asgi:looking``).

Each sets up logging as ``serve`` does (format, levels, request ids) before building the app, however
uvicorn was started."""
from server.app import create_app
from server.observability import configure_logging


def looking():
    configure_logging()
    return create_app("looking")


def ionora():
    configure_logging()
    return create_app("ionora")


def diora():
    configure_logging()
    return create_app("diora")


def invare():
    configure_logging()
    return create_app("invare")
