"""Static API reference: `python -m contracts.docs [product ...]` writes build/docs/<product>.html.

Each file is self-contained (Redoc's script inlined), so it opens offline.
"""
import subprocess
import sys

from contracts.specs import BUILD, LINT_CONFIG, ROOT, node_tool, products_with_specs, spec_path, tool_env


def build(product):
    """Build one product's reference and return its path."""
    out = BUILD / "docs" / f"{product}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [node_tool("redocly"), "build-docs", str(spec_path(product)), "--output", str(out),
           "--config", str(LINT_CONFIG / "redocly.yaml"), "--inlineBundle"]
    proc = subprocess.run(cmd, check=False, cwd=ROOT, env=tool_env(), capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"redocly build-docs failed for {product}:\n{proc.stdout}{proc.stderr}")
    return out


def main(argv=None):
    products = products_with_specs(argv if argv is not None else sys.argv[1:])
    if not products:
        print("docs: no openapi/<product>.yaml yet")
    for product in products:
        print(f"{product}: {build(product).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
