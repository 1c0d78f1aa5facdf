"""How the contract gates get a bearer token for a fully privileged user, per product.

Both gates create the user through the product's ``create_admin`` hook (server.product.Product):
over HTTP (contracts.live) with ``python -m server create-admin`` against the server's database before
it starts; in-process (contracts.fuzz) by calling the hook in a unit of work. Then they log in through
the API with the product's entry in LOGINS; a new product adds its entry there.
"""
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
class Login:
    path: str                          # POST, relative to the product's base path
    body: Callable[[Account], dict]    # the JSON login body
    token_field: str = "token"         # where the bearer token is in the JSON response

    def token_from(self, response):
        if response.status_code != 200:
            raise RuntimeError(f"login at {self.path} answered {response.status_code}: {response.text[:300]}")
        return response.json()[self.token_field]


LOGINS = {
    "diora": Login("/auth/login", lambda a: {"username": a.username, "password": a.password}),
    "looking": Login("/auth/login", lambda a: {"username": a.username, "password": a.password}),
    "ionora": Login("/auth/login", lambda a: {"email": a.email, "password": a.password}),
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


def token_over_http(product, base_url, account):
    """Log ``account`` in on a running server (``base_url`` includes the base path)."""
    login = login_for(product)
    return login.token_from(httpx.post(base_url + login.path, json=login.body(account), timeout=30))


def token_in_process(product, client, account=None):
    """Create a fully privileged user in the product's database and log in through ``client``
    (the app's test client). ``product`` is the server.product.Product."""
    account = account or Account()
    with product.database.unit_of_work() as uow:
        product.create_admin(uow.session, username=account.username, email=account.email,
                             password=account.password)
        uow.commit()
    login = login_for(product.name)
    return login.token_from(client.post(product.base_path + login.path, json=login.body(account)))
