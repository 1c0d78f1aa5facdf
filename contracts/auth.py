"""How the contract gates get a bearer token for a fully privileged user, per product.

Both gates create the user through the product's ``create_admin`` hook (server.product.Product):
over HTTP (contracts.live) with ``python -m server create-admin`` against the server's database before
it starts; in-process (contracts.fuzz) by calling the hook in a unit of work. Then they log in through
the API with the product's entry in LOGINS; a new product adds its entry there. A login that mails a
one-time code first (``MailedCode``) reads it from the app's development outbox in-process, and over
HTTP from a local SMTP server the gate starts and points the server at (contracts.mailbox).
"""
import contextlib
import re
import secrets
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx


@dataclass(frozen=True)
class Account:
    username: str = "fuzz"
    email: str = "fuzz@example.com"
    password: str = field(default_factory=lambda: "Fz1-" + secrets.token_urlsafe(12))


@dataclass(frozen=True)
class MailedCode:
    """A login that first asks the product to mail a one-time code to the account's e-mail."""
    path: str                          # POST, relative to the product's base path
    body: Callable[[Account], dict]    # the JSON body asking for the code
    pattern: str = r"\b([0-9]{6})\b"  # the code in the mail's text

    def code_in(self, text):
        found = re.search(self.pattern, text)
        if found is None:
            raise RuntimeError(f"no code matching {self.pattern} in the mail: {text[:300]!r}")
        return found.group(1)


@dataclass(frozen=True)
class Login:
    path: str                          # POST, relative to the product's base path
    body: Callable[..., dict]          # the JSON login body: body(account), or body(account, code) with mailed_code
    token_field: str = "token"         # where the bearer token is in the JSON response
    mailed_code: MailedCode | None = None  # ask for a mailed code first, read it from the mail (contracts.mailbox)

    def token_from(self, response):
        if response.status_code != 200:
            raise RuntimeError(f"login at {self.path} answered {response.status_code}: {response.text[:300]}")
        return response.json()[self.token_field]

    def perform(self, post, account, mailbox=None):
        """Log in with ``post(path, json) -> response`` (paths relative to the base path); a mailed code
        is read from ``mailbox`` (``latest(to) -> Message``)."""
        if self.mailed_code is None:
            return self.token_from(post(self.path, self.body(account)))
        asked = post(self.mailed_code.path, self.mailed_code.body(account))
        if not 200 <= asked.status_code < 300:
            raise RuntimeError(f"{self.mailed_code.path} answered {asked.status_code}: {asked.text[:300]}")
        if mailbox is None:
            raise RuntimeError("the login needs the mail the product sends: no mailbox given")
        code = self.mailed_code.code_in(mailbox.latest(account.email).text)
        return self.token_from(post(self.path, self.body(account, code)))


LOGINS = {
    "diora": Login("/auth/login", lambda a: {"username": a.username, "password": a.password}),
    "looking": Login("/auth/login", lambda a: {"username": a.username, "password": a.password}),
    "ionora": Login("/auth/login", lambda a: {"email": a.email, "password": a.password}),
    # no passwords: a 6-digit code mailed by /auth/request-otp (contracts.mailbox reads it)
    "invare": Login("/auth/login", lambda a, code: {"email": a.email, "otp": code}, token_field="accessToken",
                    mailed_code=MailedCode("/auth/request-otp", lambda a: {"email": a.email})),
}


def login_for(product):
    try:
        return LOGINS[product]
    except KeyError:
        raise LookupError(f"no login hook for {product}: add one to LOGINS in contracts/auth.py") from None


def create_admin_cli(product, account, env, cwd):
    """Create the account with ``python -m server create-admin`` against the database named in ``env``."""
    cmd = [sys.executable, "-m", "server", "create-admin", product, "--username", account.username,
           "--email", account.email, "--password", account.password]
    proc = subprocess.run(cmd, check=False, env=env, cwd=cwd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"create-admin {product} failed:\n{proc.stdout}{proc.stderr}")


def needs_mail(product):
    """Whether the product's login reads a mailed code (the server must then send its mail somewhere
    readable: :func:`mail_catcher_for`)."""
    return login_for(product).mailed_code is not None


@contextlib.contextmanager
def mail_catcher_for(product):
    """A local SMTP server catching the product's mail when its login needs it (else ``None``)."""
    if not needs_mail(product):
        yield None
        return
    from contracts.mailbox import MailCatcher

    with MailCatcher() as catcher:
        yield catcher


def token_over_http(product, base_url, account, mailbox=None):
    """Log ``account`` in on a running server (``base_url`` includes the base path); ``mailbox`` reads
    the mail of a product whose login mails a code (the server's SMTP pointed at a MailCatcher)."""
    return login_for(product).perform(lambda path, body: httpx.post(base_url + path, json=body, timeout=30),
                                      account, mailbox)


def token_in_process(product, client, account=None):
    """Create a fully privileged user in the product's database and log in through ``client``
    (the app's test client). ``product`` is the server.product.Product."""
    account = account or Account()
    with product.database.unit_of_work() as uow:
        product.create_admin(uow.session, username=account.username, email=account.email,
                             password=account.password)
        uow.commit()
    mailbox = None
    if needs_mail(product.name):
        from contracts.mailbox import Outbox

        mailbox = Outbox(product.runtime.mailer)
    return login_for(product.name).perform(lambda path, body: client.post(product.base_path + path, json=body),
                                           account, mailbox)
