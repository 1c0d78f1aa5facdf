"""The products' contracts, shipped with the code: ``<product>.yaml`` (OpenAPI 3.0.3) and the
documented operations each reference lists, ``endpoints/<product>.tsv`` (what the drift guard checks)."""
from pathlib import Path

SPECS = Path(__file__).resolve().parent


def spec_path(product):
    return SPECS / f"{product}.yaml"
