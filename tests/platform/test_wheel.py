"""The project installs as a wheel (not editable) and runs from any directory: specs, migrations and
their templates ship inside it, and the server writes only under the working directory's ``var/``.

One test, slowish (a wheel build and a fresh virtualenv with the runtime dependencies, pinned by
constraints.txt, from the package index pip is configured with); ``-m "not wheel"`` leaves it out.
"""
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import httpx
import pytest

CHECKOUT = Path(__file__).resolve().parents[2]
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "venv", "build", "dist", "node_modules", "var", "*.egg-info",
                                    "__pycache__", ".pytest_cache", ".hypothesis", ".schemathesis", "tests")


def sh(*cmd, **kwargs):
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kwargs)
    assert proc.returncode == 0, f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}"
    return proc


def free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.wheel
@pytest.mark.xdist_group("packaging")   # both build wheels with pip: one worker, one after the other
def test_the_wheel_installs_into_a_fresh_virtualenv_and_runs_from_any_directory(tmp_path):
    # Build from a copy of the sources, so nothing stale in the checkout's build/ can slip in.
    source = tmp_path / "src"
    shutil.copytree(CHECKOUT, source, ignore=NOT_SOURCE)
    sh(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(tmp_path / "dist"),
       str(source))
    (wheel,) = (tmp_path / "dist").glob("product_apis-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("openapi/looking.yaml", "openapi/ionora.yaml", "openapi/endpoints/diora.tsv",
                    "migrations/looking/env.py", "migrations/looking/script.py.mako",
                    "migrations/ionora/script.py.mako", "server/__main__.py", "contracts/schemathesis.toml"):
        assert shipped in names, f"{shipped} is not in {wheel.name}"
    assert any(n.startswith("migrations/ionora/versions/") and n.endswith(".py") for n in names)
    assert not any(n.startswith("tests/") for n in names)

    venv = tmp_path / "venv"
    sh(sys.executable, "-m", "venv", str(venv))
    python = str(venv / "bin" / "python")
    sh(python, "-m", "pip", "install", "--quiet", "--no-compile", "-c", str(CHECKOUT / "constraints.txt"), str(wheel))

    # A directory with nothing of the checkout in it; the environment names no database.
    work = tmp_path / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.endswith(("_DATABASE_URL", "_STORAGE_DIR", "_JWT_SECRET")) and k not in (
               "PYTHONPATH", "DATA_DIR", "JWT_SECRET", "REDIS_URL", "SMTP_HOST", "GEOCODER_URL")}
    env.update(APP_ENV="development", BCRYPT_ROUNDS="4", RATE_LIMITS="off")

    where = sh(python, "-c", "import server, migrations, openapi; print(server.__file__, migrations.__file__, "
                             "openapi.__file__)", cwd=work, env=env).stdout.split()
    assert all(path.startswith(str(venv)) for path in where), where

    sh(python, "-m", "server", "db", "upgrade", "looking", cwd=work, env=env)
    assert (work / "var" / "looking.db").is_file()
    created = sh(python, "-m", "server", "create-admin", "looking", "--username", "root", "--email",
                 "root@example.com", "--password-stdin", cwd=work, env=env, input="wheel-admin-1\n")
    assert "looking: administrator root created" in created.stdout

    port = free_port()
    server = subprocess.Popen([python, "-m", "server", "serve", "looking", "--port", str(port)], cwd=work, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                spec = httpx.get(f"http://127.0.0.1:{port}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "the installed server did not start"
                time.sleep(0.3)
        assert spec.status_code == 200 and spec.json()["info"]["title"].startswith("Looking")
        login = httpx.post(f"http://127.0.0.1:{port}/auth/login", json={"username": "root", "password": "wheel-admin-1"})
        assert login.status_code == 200, login.text
    finally:
        server.terminate()
        server.communicate(timeout=30)
    written = {p.name for p in (work / "var").iterdir()} - {"looking.db-wal", "looking.db-shm"}
    assert written == {"looking.db", "looking.jwt-secret"}
