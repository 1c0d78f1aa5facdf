"""Generated Python clients: `python -m contracts.sdk [product ...]`.

openapi-python-client writes an installable project per product, build/sdk/<product>-client/
(its pyproject.toml, built with poetry-core), holding the package ``<product>_client``
(``<product>`` alone would collide with test packages such as tests/looking):

    pip install build/sdk/looking-client          # or: pip wheel build/sdk/looking-client

Generator warnings fail the build: they mean part of the spec has no client code.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from contracts.specs import BUILD, ROOT, products_with_specs, spec_path, tool_env

SDK_DIR = BUILD / "sdk"
CONFIG = Path(__file__).resolve().parent / "openapi-python-client.yaml"


def package_name(product):
    return f"{product}_client"


def project_name(product):
    return f"{product}-client"


def generate(product, out_dir=SDK_DIR):
    """Regenerate the ``<product>-client`` project under ``out_dir``, put it on sys.path and return it."""
    out = Path(out_dir) / project_name(product)
    out.parent.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load(CONFIG.read_text()) or {}
    config.update(project_name_override=project_name(product), package_name_override=package_name(product))
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", prefix="sdk-config-") as config_file:
        yaml.safe_dump(config, config_file)
        config_file.flush()
        cmd = [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec_path(product)),
               "--output-path", str(out), "--overwrite", "--meta", "poetry", "--config", config_file.name,
               "--fail-on-warning"]
        proc = subprocess.run(cmd, check=False, cwd=out.parent, env=tool_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"openapi-python-client failed for {product}:\n{proc.stdout}{proc.stderr}")
    name = package_name(product)
    import_unset(out / name)
    for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
        del sys.modules[module]  # a regenerated client must not be shadowed by an earlier import
    if str(out) in sys.path:
        sys.path.remove(str(out))
    sys.path.insert(0, str(out))   # first, ahead of any other copy generated elsewhere
    return out


TYPES_IMPORT = re.compile(r"^from (\.+)types import (.+)$", re.M)
USES_UNSET = re.compile(r"\bUnset\b")


def import_unset(package):
    """Import ``Unset`` where a generated module uses it without importing it.

    openapi-python-client annotates an operation whose request body has several content types (multipart
    and JSON) ``body: Form | Json | Unset = UNSET`` but imports only ``UNSET`` and ``Response`` from
    ``types``, so the module fails to import (NameError). Adds the name to that import; returns the
    modules changed, relative to the package."""
    fixed = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text()
        match = TYPES_IMPORT.search(text)
        if not match or not USES_UNSET.search(text):
            continue
        names = [n.strip() for n in match.group(2).split(",")]
        if "Unset" in names:
            continue
        constants = [n for n in names if n.isupper()]
        names = constants + sorted(set(names) - set(constants) | {"Unset"})
        path.write_text(f"{text[:match.start()]}from {match.group(1)}types import {', '.join(names)}{text[match.end():]}")
        fixed.append(str(path.relative_to(package)))
    return fixed


def main(argv=None):
    products = products_with_specs(argv if argv is not None else sys.argv[1:])
    if not products:
        print("sdk: no openapi/<product>.yaml yet")
    failed = 0
    for product in products:
        try:
            out = generate(product)
        except RuntimeError as exc:
            failed += 1
            print(exc)
            continue
        print(f"{product}: pip install {out.relative_to(ROOT)}  (import {package_name(product)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
