"""Generated Python clients: `python -m contracts.sdk [product ...]`.

openapi-python-client writes build/sdk/<product>_client/, a package importable as ``<product>_client``
once build/sdk is on sys.path. (``<product>`` alone would collide with test packages such as tests/looking.)
Generator warnings fail the build: they mean part of the spec has no client code.
"""
import subprocess
import sys

from contracts.specs import BUILD, ROOT, products_with_specs, spec_path, tool_env

SDK_DIR = BUILD / "sdk"
CONFIG = ROOT / "contracts" / "openapi-python-client.yaml"


def package_name(product):
    return f"{product}_client"


def generate(product):
    """Regenerate ``<product>_client`` under build/sdk, put build/sdk on sys.path and return it."""
    out = SDK_DIR / package_name(product)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "openapi_python_client", "generate", "--path", str(spec_path(product)),
           "--output-path", str(out), "--overwrite", "--meta", "none", "--config", str(CONFIG), "--fail-on-warning"]
    proc = subprocess.run(cmd, check=False, cwd=ROOT, env=tool_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"openapi-python-client failed for {product}:\n{proc.stdout}{proc.stderr}")
    for name in [m for m in sys.modules if m == out.name or m.startswith(out.name + ".")]:
        del sys.modules[name]  # a regenerated client must not be shadowed by an earlier import
    if str(SDK_DIR) not in sys.path:
        sys.path.insert(0, str(SDK_DIR))
    return SDK_DIR


def main(argv=None):
    products = products_with_specs(argv if argv is not None else sys.argv[1:])
    if not products:
        print("sdk: no openapi/<product>.yaml yet")
    failed = 0
    for product in products:
        try:
            generate(product)
        except RuntimeError as exc:
            failed += 1
            print(exc)
            continue
        print(f"{product}: import {package_name(product)}  (from {SDK_DIR.relative_to(ROOT)})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
