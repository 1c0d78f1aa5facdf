"""``python -m server``: migrate, seed, create-admin and serve, as a user runs them."""
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from server.settings import ROOT


def run(*args, env):
    return subprocess.run([sys.executable, "-m", "server", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


@pytest.fixture
def env(tmp_path):
    environment = dict(os.environ)
    environment.update({"LOOKING_DATABASE_URL": f"sqlite:///{tmp_path / 'looking.db'}", "JWT_SECRET": "c" * 40,
                        "LOOKING_STORAGE_DIR": str(tmp_path / "files"), "APP_ENV": "development"})
    return environment


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TestCli:
    def test_seed_is_idempotent_and_prints_the_accounts(self, env):
        first = run("seed", "looking", env=env)
        assert first.returncode == 0, first.stderr
        assert "admin / looking-admin-1  (all permissions)" in first.stdout
        second = run("seed", "looking", env=env)
        assert "demo data already present" in second.stdout

    def test_create_admin_then_duplicate(self, env):
        created = run("create-admin", "looking", "--username", "root", "--email", "root@example.com",
                      "--password", "rootpass123", env=env)
        assert created.returncode == 0, created.stderr
        assert "administrator root created" in created.stdout
        again = run("create-admin", "looking", "--username", "root", "--email", "root@example.com",
                    "--password", "rootpass123", env=env)
        assert again.returncode == 1
        assert "duplicate key" in again.stderr

    def test_serve_migrates_a_fresh_database_and_answers(self, env):
        port = free_port()
        process = subprocess.Popen([sys.executable, "-m", "server", "serve", "looking", "--port", str(port)],
                                   env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    response = httpx.get(f"http://127.0.0.1:{port}/profiles", timeout=2)
                    break
                except httpx.TransportError:
                    assert time.monotonic() < deadline, "server did not start"
                    assert process.poll() is None, process.stdout.read()
                    time.sleep(0.3)
            assert response.status_code == 200
            assert len(response.json()) == 6
            login = httpx.post(f"http://127.0.0.1:{port}/auth/login",
                               json={"username": "admin", "password": "looking-admin-1"})
            assert login.status_code == 200
        finally:
            process.terminate()
            output, _ = process.communicate(timeout=30)
        assert f"Looking: http://127.0.0.1:{port}" in output

    def test_serve_all_names_the_products_not_there_yet(self, env):
        result = run("serve", "invare", env=env)
        assert result.returncode == 1
        assert "invare: skipped (invare is not implemented yet)" in result.stderr
