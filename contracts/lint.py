"""Lint gate: `python -m contracts.lint [product ...]`.

Runs openapi-spec-validator, Redocly CLI and Spectral over each openapi/<product>.yaml (or the products
named) under the rulesets in contracts/lint/. Any error or warning from any of them fails the gate.
"""
import subprocess
import sys
import time

from jsonschema_path import SchemaPath
from openapi_spec_validator.readers import read_from_filename
from openapi_spec_validator.shortcuts import get_validator_cls

from contracts.specs import LINT_CONFIG, ROOT, node_tool, products_with_specs, spec_path, tool_env


def spec_errors(path):
    """openapi-spec-validator's findings for one spec file, as readable lines (empty when valid)."""
    spec, uri = read_from_filename(str(path))
    version = str(spec.get("openapi", ""))
    if not version.startswith("3.0."):
        return [f"openapi: {version!r}: Connexion 3 needs an OpenAPI 3.0.x document"]
    validator = get_validator_cls(spec)(SchemaPath.from_dict(spec, base_uri=uri))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message.splitlines()[0]}"
            for e in validator.iter_errors()]


def redocly(path):
    cmd = [node_tool("redocly"), "lint", "--config", str(LINT_CONFIG / "redocly.yaml"),
           "--format", "stylish", "--lint-config", "error", str(path)]
    return _run(cmd)


def spectral(path):
    cmd = [node_tool("spectral"), "lint", "--ruleset", str(LINT_CONFIG / ".spectral.yaml"),
           "--fail-severity", "warn", "--display-only-failures", "--format", "text", str(path)]
    return _run(cmd)


def validator(path):
    errors = spec_errors(path)
    return not errors, "\n".join(errors)


def _run(cmd):
    proc = subprocess.run(cmd, check=False, cwd=ROOT, env=tool_env(), capture_output=True, text=True)
    return proc.returncode == 0, (proc.stdout + proc.stderr).strip()


CHECKS = {"openapi-spec-validator": validator, "redocly": redocly, "spectral": spectral}


def main(argv=None):
    failed = 0
    products = products_with_specs(argv if argv is not None else sys.argv[1:])
    if not products:
        print("lint: no openapi/<product>.yaml yet")
    for product in products:
        path = spec_path(product)
        for name, check in CHECKS.items():
            started = time.monotonic()
            ok, output = check(path)
            print(f"{product:8} {name:23} {'ok' if ok else 'FAILED'} ({time.monotonic() - started:.1f}s)")
            if not ok:
                failed += 1
                print(_relevant(output), end="\n\n")
    if failed:
        print(f"lint: {failed} check(s) failed")
    return 1 if failed else 0


def _relevant(output):
    """Tool output without Redocly's boxed Node.js banner."""
    return "\n".join(line for line in output.splitlines() if not line.lstrip().startswith(("║", "╔", "╚")))


if __name__ == "__main__":
    sys.exit(main())
