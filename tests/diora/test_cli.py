"""``python -m server seed diora`` and ``create-admin diora`` against a SQLite file."""
import os
import subprocess
import sys

import pytest
from sqlalchemy import create_engine, text


def run(*args, env):
    return subprocess.run([sys.executable, "-m", "server", *args], env=env, capture_output=True, text=True,
                          timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture
def env(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    environment.update({"DIORA_DATABASE_URL": f"sqlite:///{tmp_path / 'diora.db'}", "JWT_SECRET": "c" * 40,
                        "APP_ENV": "development", "DATA_DIR": str(tmp_path / "data")})
    return environment


def test_create_admin_then_seed(env, tmp_path):
    made = run("create-admin", "diora", "--username", "Ops", "--email", "ops@example.com", "--password", "S3cret-pass",
               env=env)
    assert (made.returncode, made.stdout.strip()) == (0, "diora: administrator Ops created"), made.stderr
    again = run("create-admin", "diora", "--username", "ops", "--email", "x@example.com", "--password", "S3cret-pass",
                env=env)
    assert again.returncode == 1 and "--username 'ops' is already taken" in again.stderr
    short = run("create-admin", "diora", "--username", "o", "--email", "o@example.com", "--password", "123", env=env)
    assert short.returncode == 2 and "--password must have at least 6 characters" in short.stderr
    seeded = run("seed", "diora", env=env)
    assert seeded.returncode == 0 and "has its own accounts" in seeded.stdout
    engine = create_engine(env["DIORA_DATABASE_URL"])
    with engine.connect() as connection:
        assert connection.execute(text("SELECT username, type FROM users")).all() == [("ops", "admin")]
    engine.dispose()
