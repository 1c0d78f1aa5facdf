"""``python -m server``: migrate, seed, create-admin and serve, as a user runs them (from a directory
that is not the checkout), and the errors a user sees for typos, weak passwords and bad settings."""
import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from server.__main__ import main

CHOICES = "choose from diora, ionora, looking, invare"


def not_implemented():
    """A product the server cannot build yet (skips once every product is there)."""
    from contracts.specs import implemented_products
    from server.app import PRODUCTS

    missing = [name for name in PRODUCTS if name not in implemented_products()]
    if not missing:
        pytest.skip("every product is implemented")
    return missing[0]


def run(*args, env, cwd, stdin=subprocess.DEVNULL, input=None):
    return subprocess.run([sys.executable, "-m", "server", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=120, input=input, stdin=None if input is not None else stdin)


@pytest.fixture
def env(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    environment.update({"LOOKING_DATABASE_URL": f"sqlite:///{tmp_path / 'looking.db'}",
                        "IONORA_DATABASE_URL": f"sqlite:///{tmp_path / 'ionora.db'}", "JWT_SECRET": "c" * 40,
                        "LOOKING_STORAGE_DIR": str(tmp_path / "files"), "APP_ENV": "development",
                        "DATA_DIR": str(tmp_path / "data")})
    return environment


@pytest.fixture
def cwd(tmp_path):
    """Commands run from an empty directory, as after ``pip install``."""
    path = tmp_path / "elsewhere"
    path.mkdir()
    return path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def first_answer(process, url, timeout=60):
    """GET ``url`` once the server ``process`` listens (it must not exit first)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            assert time.monotonic() < deadline, "server did not start"
            assert process.poll() is None, process.stdout.read()
            time.sleep(0.3)


def usage_error(capsys, *argv):
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    return exited.value.code, capsys.readouterr().err


class TestUnknownNames:
    @pytest.mark.parametrize("argv, message", [
        pytest.param(("db", "upgrade", "lookng"), f"unknown product 'lookng' (did you mean 'looking'? {CHOICES})",
                     id="db upgrade lookng"),
        pytest.param(("seed", "bogus"), f"unknown product 'bogus' ({CHOICES})", id="seed bogus"),
        pytest.param(("serve", "looking", "ionra"), f"unknown product 'ionra' (did you mean 'ionora'? {CHOICES})",
                     id="serve ionra"),
        pytest.param(("create-admin", "lookin", "--username", "u", "--email", "e@example.com"),
                     "unknown product 'lookin'", id="create-admin lookin"),
        pytest.param(("db", "revision", "x", "-m", "m"), f"unknown product 'x' ({CHOICES})", id="db revision x"),
    ])
    def test_an_unknown_product_exits_2_with_the_choices(self, capsys, argv, message):
        code, err = usage_error(capsys, *argv)
        assert code == 2
        assert f"error: argument PRODUCT: {message}" in err

    def test_an_unknown_command_exits_2_with_the_choices(self, capsys):
        code, err = usage_error(capsys, "frobnicate")
        assert code == 2
        assert "error: argument COMMAND: invalid choice: 'frobnicate' (choose from 'serve', 'db', 'seed', " \
               "'jobs', 'create-admin', 'wallet')" in err

    def test_an_unknown_db_command_exits_2(self, capsys):
        code, err = usage_error(capsys, "db", "upgrad")
        assert code == 2
        assert "invalid choice: 'upgrad' (choose from 'upgrade', 'revision')" in err

    def test_a_named_product_that_is_not_implemented_fails(self, env, cwd):
        name = not_implemented()
        result = run("db", "upgrade", name, env=env, cwd=cwd)
        assert result.returncode == 1
        assert f"{name}: skipped ({name} is not implemented yet)" in result.stderr


class TestJobs:
    def test_an_unknown_job_exits_2_naming_the_jobs_there_are(self, capsys):
        assert main(["jobs", "run", "looking", "--job", "nightly"]) == 2
        assert "jobs run: looking has no job 'nightly' (its jobs: none)" in capsys.readouterr().err

    def test_a_moment_that_is_not_iso_8601_exits_2(self, capsys):
        code, err = usage_error(capsys, "jobs", "run", "looking", "--now", "tomorrow")
        assert code == 2
        assert "argument --now: not an ISO 8601 moment: 'tomorrow' (e.g. 2030-01-01T00:00:00Z)" in err


class TestHelp:
    @pytest.mark.parametrize("argv", [(), ("serve",), ("db",), ("db", "upgrade"), ("db", "revision"), ("seed",),
                                      ("jobs",), ("jobs", "list"), ("jobs", "run"), ("create-admin",),
                                      ("wallet",), ("wallet", "credit")], ids=lambda argv: " ".join(argv) or "main")
    def test_every_command_has_help_with_examples(self, capsys, argv):
        with pytest.raises(SystemExit) as exited:
            main([*argv, "--help"])
        assert exited.value.code == 0
        out = capsys.readouterr().out
        assert "\nexamples:\n  python -m server " + " ".join(argv) in out


class TestSettingsErrors:
    @pytest.mark.parametrize("variable, value, message", [
        ("RATE_LIMIT_SCALE", "abc", "input should be a valid number, unable to parse string as a number"),
        ("MAX_BODY_BYTES", "-1", "input should be greater than 0"),
        ("LOOKING_PORT", "http", "input should be a valid integer, unable to parse string as an integer"),
        ("APP_ENV", "prod", "input should be 'development', 'test' or 'production'"),
    ])
    def test_a_bad_value_is_one_line_naming_the_variable_and_exit_2(self, monkeypatch, capsys, variable, value,
                                                                     message):
        monkeypatch.setenv(variable, value)
        assert main(["db", "upgrade", "looking"]) == 2
        assert capsys.readouterr().err == f"python -m server: {variable}={value!r}: {message}\n"

    def test_a_user_sees_that_line_and_no_traceback(self, env, cwd):
        result = run("db", "upgrade", "looking", env={**env, "RATE_LIMIT_SCALE": "abc"}, cwd=cwd)
        assert result.returncode == 2
        assert result.stderr == ("python -m server: RATE_LIMIT_SCALE='abc': input should be a valid number, "
                                 "unable to parse string as a number\n")

    def test_a_missing_production_secret_names_both_variables(self, monkeypatch, capsys):
        for name in ("JWT_SECRET", "LOOKING_JWT_SECRET"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("APP_ENV", "production")
        assert main(["db", "upgrade", "looking"]) == 2
        assert capsys.readouterr().err == \
            "python -m server: LOOKING_JWT_SECRET (or JWT_SECRET): must be set in production\n"


class TestSeed:
    def test_seed_is_idempotent_and_prints_the_accounts_every_time(self, env, cwd):
        for _ in range(2):
            result = run("seed", "looking", env=env, cwd=cwd)
            assert result.returncode == 0, result.stderr
            assert result.stdout == ("looking: demo accounts\n"
                                     "  admin / looking-admin-1  (all permissions)\n"
                                     "  editor / looking-editor-1  (view, add, edit, update)\n"
                                     "  reviewer / looking-reviewer-1  (view, manage)\n")

    def test_seed_is_refused_in_production(self, env, cwd):
        result = run("seed", "looking", env={**env, "APP_ENV": "production", "JWT_SECRET": "p" * 40}, cwd=cwd)
        assert result.returncode == 2
        assert "seed: refused: APP_ENV=production" in result.stderr


class TestCreateAdmin:
    def test_create_admin_then_duplicate_names_the_field(self, env, cwd):
        args = ("create-admin", "looking", "--username", "root", "--email", "root@example.com")
        created = run(*args, "--password", "rootpass123", env=env, cwd=cwd)
        assert created.returncode == 0, created.stderr
        assert "looking: administrator root created" in created.stdout
        again = run(*args, "--password", "rootpass123", env=env, cwd=cwd)
        assert again.returncode == 1
        assert "looking: --username 'root' is already taken (There was a duplicate key error)" in again.stderr

    @pytest.mark.parametrize("product, rule", [
        ("looking", "looking: --password must have at least 8 characters "
                    "(Looking's rule: UserCreate.password minLength 8 in openapi/looking.yaml)"),
        ("ionora", "ionora: --password must have at least 8 characters "
                   "(Ionora's rule: RegisterRequest.password minLength 8 in openapi/ionora.yaml)"),
    ])
    def test_a_short_password_is_refused_naming_the_rule(self, env, cwd, product, rule):
        result = run("create-admin", product, "--username", "root", "--email", "root@example.com",
                     "--password", "12345", env=env, cwd=cwd)
        assert result.returncode == 2
        assert result.stderr == rule + "\n"
        assert not (cwd / "var").exists()   # refused before any database was touched

    def test_other_fields_follow_the_product_rules_too(self, env, cwd):
        result = run("create-admin", "looking", "--username", "has space", "--email", "not-an-email",
                     "--password", "x" * 201, env=env, cwd=cwd)
        assert result.returncode == 2
        assert result.stderr.splitlines() == [
            "looking: --email must be a valid email (Looking's rule: UserCreate.email format email in "
            "openapi/looking.yaml)",
            "looking: --password must have at most 200 characters (Looking's rule: UserCreate.password "
            "maxLength 200 in openapi/looking.yaml)",
            "looking: --username must match ^[A-Za-z0-9_.@-]+$ (Looking's rule: UserCreate.username pattern "
            "^[A-Za-z0-9_.@-]+$ in openapi/looking.yaml)",
        ]

    def test_the_password_can_come_from_stdin(self, env, cwd):
        result = run("create-admin", "ionora", "--username", "Ops Admin", "--email", "ops@example.com",
                     "--password-stdin", env=env, cwd=cwd, input="S3cret-enough\n")
        assert result.returncode == 0, result.stderr
        assert "ionora: administrator Ops Admin created" in result.stdout
        import bcrypt
        from sqlalchemy import create_engine, text

        engine = create_engine(env["IONORA_DATABASE_URL"])
        with engine.connect() as connection:
            stored, admin = connection.execute(
                text("SELECT password_hash, is_admin FROM users WHERE email = 'ops@example.com'")).one()
        engine.dispose()
        assert admin and bcrypt.checkpw(b"S3cret-enough", stored.encode())

    def test_without_a_password_or_a_terminal_it_says_how(self, env, cwd):
        result = run("create-admin", "looking", "--username", "root", "--email", "root@example.com",
                     env=env, cwd=cwd)
        assert result.returncode == 2
        assert result.stderr == ("python -m server create-admin: no password: pipe it in with --password-stdin, "
                                 "or run in a terminal to be prompted\n")

    def test_empty_stdin_is_refused(self, env, cwd):
        result = run("create-admin", "looking", "--username", "root", "--email", "root@example.com",
                     "--password-stdin", env=env, cwd=cwd, input="")
        assert result.returncode == 2
        assert "--password-stdin: standard input has no password" in result.stderr


class TestServe:
    def test_serve_migrates_a_fresh_database_and_answers(self, env, cwd):
        port = free_port()
        process = subprocess.Popen([sys.executable, "-m", "server", "serve", "looking", "--port", str(port)],
                                   env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            response = first_answer(process, f"http://127.0.0.1:{port}/profiles")
            assert response.status_code == 200
            assert len(response.json()) == 6
            login = httpx.post(f"http://127.0.0.1:{port}/auth/login",
                               json={"username": "admin", "password": "looking-admin-1"})
            assert login.status_code == 200
        finally:
            process.terminate()
            output, _ = process.communicate(timeout=30)
        assert f"Looking: http://127.0.0.1:{port}" in output

    def test_the_port_setting_moves_a_product(self, env, cwd):
        port = free_port()
        process = subprocess.Popen([sys.executable, "-m", "server", "serve", "looking", "--no-seed"],
                                   env={**env, "LOOKING_PORT": str(port)}, cwd=cwd, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        try:
            response = first_answer(process, f"http://127.0.0.1:{port}/openapi.json")
            assert response.status_code == 200
        finally:
            process.terminate()
            process.communicate(timeout=30)

    def test_serve_all_names_the_products_not_there_yet(self, env, cwd):
        name = not_implemented()
        result = run("serve", name, env=env, cwd=cwd)
        assert result.returncode == 1
        assert f"{name}: skipped ({name} is not implemented yet)" in result.stderr
