"""Where the specs and tools live, and which products a gate runs over."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openapi

ROOT = Path(__file__).resolve().parent.parent
OPENAPI = openapi.SPECS
BUILD = ROOT / "build"
LINT_CONFIG = Path(__file__).resolve().parent / "lint"


def spec_path(product):
    """The product's contract as one file, for the tools that read files (linters, SDK and docs
    generators, Schemathesis): ``build/openapi/<product>.yaml``, the bundle :func:`openapi.load` makes
    (the document the app serves), rewritten whenever a source file is newer."""
    source = openapi.spec_path(product)
    if not source.exists():
        return source
    out = BUILD / "openapi" / f"{product}.yaml"
    newest = max(f.stat().st_mtime_ns for f in openapi.source_files(product))
    if not out.exists() or out.stat().st_mtime_ns < newest:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.{os.getpid()}")
        tmp.write_text(openapi.dump(openapi.load(product)), encoding="utf-8")
        os.replace(tmp, out)
    return out


def products_with_specs(names=()):
    """The products named on the command line, or every openapi/<product>.yaml; exits if one has no spec."""
    if not names:
        return sorted(p.stem for p in OPENAPI.glob("*.yaml") if "." not in p.stem)
    missing = [n for n in names if not openapi.spec_path(n).exists()]
    if missing:
        sys.exit(f"no spec for {', '.join(missing)}: expected "
                 f"{', '.join(str(openapi.spec_path(n)) for n in missing)}")
    return list(names)


def node_tool(name):
    """Path to node_modules/.bin/<name>, running a quiet `npm ci` first if node_modules is missing."""
    tool = ROOT / "node_modules" / ".bin" / name
    if not tool.exists():
        npm = shutil.which("npm") or sys.exit("npm is needed for the contract linters (node 20+)")
        subprocess.run([npm, "ci", "--silent", "--no-audit", "--no-fund"], cwd=ROOT, check=True, env=tool_env())
    return str(tool)


def tool_env():
    """The environment for external tools: no telemetry, and this virtualenv's scripts (ruff) on PATH."""
    env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true", SCARF_ANALYTICS="false")
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def implemented_products():
    """Products the server can build: a server.products.<name> module and a spec."""
    from server.app import PRODUCTS, ProductNotImplemented, load_product

    found = []
    for name in PRODUCTS:
        try:
            load_product(name)
        except ProductNotImplemented:
            continue
        found.append(name)
    return found
