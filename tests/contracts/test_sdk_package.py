"""The generated Python client is an installable package: openapi-python-client's project (pyproject.toml,
poetry-core) builds into a wheel holding ``<product>_client`` and declaring its dependencies."""
import importlib
import pkgutil
import subprocess
import sys
import zipfile

import pytest

from contracts.sdk import generate, package_name
from contracts.specs import implemented_products


@pytest.mark.wheel
@pytest.mark.xdist_group("packaging")   # both build wheels with pip: one worker, one after the other
def test_the_generated_client_builds_as_a_wheel(tmp_path):
    product = implemented_products()[0]
    project = generate(product, out_dir=tmp_path / "sdk")
    assert (project / "pyproject.toml").is_file()
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir",
                           str(tmp_path / "dist"), str(project)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (wheel,) = (tmp_path / "dist").glob(f"{product}_client-*.whl")
    archive = zipfile.ZipFile(wheel)
    names = archive.namelist()
    assert f"{product}_client/__init__.py" in names and f"{product}_client/client.py" in names
    metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert f"Name: {product}-client" in metadata
    assert "Requires-Dist: httpx" in metadata and "Requires-Dist: attrs" in metadata


# Every product's spec generates a client without a warning (the generator runs with --fail-on-warning).
CLIENT_PRODUCTS = ["looking", "ionora", "diora", "invare"]


@pytest.mark.parametrize("product", CLIENT_PRODUCTS)
def test_every_generated_module_imports(tmp_path, product):
    """Operations whose body is multipart or JSON included: their ``body: ... | Unset`` needs ``Unset``."""
    generate(product, out_dir=tmp_path / "sdk")
    package = importlib.import_module(package_name(product))
    names = [info.name for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")]
    assert f"{package.__name__}.api" in names and f"{package.__name__}.models" in names
    failed = {}
    for name in names:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 -- every module that does not import, named
            failed[name] = repr(exc)
    assert failed == {}
