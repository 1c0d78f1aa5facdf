"""A product server for SDK journey tests (tests/contracts/test_sdk_journeys.py).

The same run machinery as contracts.live (its environment, free port, process-group launcher and readiness
wait; contracts.auth's ``create-admin``), with what a journey needs on top: any database URL (a fresh
PostgreSQL database as well as a SQLite file), no demo data, response validation on, a private JWT secret,
upload directory and Razorpay keys, and the tail of the server log attached to whatever fails inside.
"""
import contextlib
import secrets
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from contracts import auth, live
from contracts.specs import BUILD, ROOT

OUT = BUILD / "journeys"
# Nothing from the developer's shell may point the server at real services.
UNSET = ("SMTP_HOST", "GEOCODER_URL", "REDIS_URL", "RAZORPAY_BASE_URL", "RAZORPAY_MODE", "RAZORPAY_KEY_ID",
         "RAZORPAY_KEY_SECRET", "RAZORPAY_WEBHOOK_SECRET", "JWT_SECRET")


@dataclass(frozen=True)
class LiveServer:
    product: str
    base_url: str            # includes the product's base path
    admin: auth.Account      # created with ``python -m server create-admin`` before the server started
    env: dict = field(repr=False)
    log_path: Path = None
    mailbox: object = None   # contracts.mailbox.MailCatcher holding the server's mail, for a login that mails a code


def journey_env(product, tmpdir, database_url=None, extra=None):
    up = product.upper()
    env = live.product_env(product, tmpdir)   # sqlite in tmpdir, RATE_LIMITS=off, BCRYPT_ROUNDS=4
    for name in UNSET:
        env.pop(name, None)
    if database_url:
        env[f"{up}_DATABASE_URL"] = database_url
    env.update({
        "APP_ENV": "test",
        "VALIDATE_RESPONSES": "on",   # the server also checks its answers against the spec
        f"{up}_JWT_SECRET": secrets.token_urlsafe(48),
        f"{up}_STORAGE_DIR": str(Path(tmpdir) / "uploads"),
    })
    env.update(extra or {})
    return env


def _log_tail(path, lines=40):
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no server log)"


@contextlib.contextmanager
def live_server(product, *, database_url=None, extra_env=None, account=None, timeout=60):
    """Create an administrator, start ``python -m server serve <product> --no-seed`` on a free port over
    ``database_url`` (default: a SQLite file in a temporary directory) and yield a :class:`LiveServer`.
    The server is stopped afterwards; an exception raised inside gets the server log's tail as a note."""
    from server.app import load_product

    base_path = load_product(product).base_path or ""
    account = account or auth.Account(username="journey-admin", email="journey-admin@example.com")
    OUT.mkdir(parents=True, exist_ok=True)
    log_path = OUT / f"{product}.server.log"
    with tempfile.TemporaryDirectory(prefix=f"journey-{product}-") as tmpdir, auth.mail_catcher_for(product) as mailbox:
        env = journey_env(product, tmpdir, database_url, {**(mailbox.env() if mailbox else {}), **(extra_env or {})})
        auth.create_admin_cli(product, account, env, ROOT)   # migrates the empty database first
        port = live.free_port()
        base_url = f"http://127.0.0.1:{port}{base_path}"
        serve = [sys.executable, "-m", "server", "serve", product, "--port", str(port), "--no-seed"]
        with live.running_server(serve, env, log_path) as proc:
            try:
                live.wait_for(f"{base_url}/openapi.json", proc, timeout=timeout)
                yield LiveServer(product, base_url, account, env, log_path, mailbox)
            except BaseException as exc:
                exc.add_note(f"{product} server log ({log_path.relative_to(ROOT)}), last lines:\n{_log_tail(log_path)}")
                raise
