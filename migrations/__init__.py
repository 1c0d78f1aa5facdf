"""Alembic histories, one per product: ``migrations/<product>/`` holds ``env.py``, ``script.py.mako``
and ``versions/``. Shipped as package data, so ``python -m server db upgrade`` works from any directory."""
from pathlib import Path

HERE = Path(__file__).resolve().parent


def script_location(product):
    return HERE / product
