"""In-process Schemathesis for pytest, configured by contracts/schemathesis.toml.

Two loaders:
- ``load(product, app)``: the spec the app serves, fetched through the app (``from_asgi``), for code
  that already holds an app.
- ``load_spec(product)``: openapi/<product>.yaml, usable at module level before any app exists (pytest
  parametrizes at collection time; ``schemathesis.pytest.from_fixture`` is broken on pytest 9.2).
  Pass the app when calling: ``case.call_and_validate(app=app, headers=...)``.
"""
import schemathesis
from schemathesis.config import SchemathesisConfig

from contracts.specs import ROOT, spec_path

CONFIG = ROOT / "contracts" / "schemathesis.toml"


def config():
    return SchemathesisConfig.from_path(CONFIG)


def base_path(product):
    from server.app import load_product

    return load_product(product).base_path or ""


def load(product, app):
    return schemathesis.openapi.from_asgi(f"{base_path(product)}/openapi.json", app, config=config())


def load_spec(product):
    schema = schemathesis.openapi.from_path(spec_path(product), config=config())
    schema.config.update(base_url=f"http://localhost{base_path(product)}")
    return schema
