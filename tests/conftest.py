"""Shared test set-up: one real database per product, migrated with Alembic, and every test inside
a transaction that is rolled back afterwards.

``TEST_DATABASE=sqlite`` (default) uses a SQLite file per product in a temporary directory;
``TEST_DATABASE=postgresql`` creates a fresh PostgreSQL database per product on
``TEST_POSTGRES_URL`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``), named
``<TEST_DATABASE_PREFIX><product>_<worker>_<pid>_<random>`` (prefix default ``test_``), and drops it
at the end.

Tests run in parallel (pytest-xdist, see pyproject.toml): each worker is its own process with its own
session fixtures, databases and temporary directories. Files the server writes by default go to a
temporary ``DATA_DIR`` (a test passing its own ``env`` to ``Settings.from_env`` gets ``./var``).
"""
import os
import secrets
import tempfile

os.environ.setdefault("BCRYPT_ROUNDS", "4")
os.environ["DATA_DIR"] = tempfile.mkdtemp(prefix="product-apis-data-")
os.environ["RATE_LIMITS"] = "off"
os.environ["APP_ENV"] = "test"
for _name in ("SMTP_HOST", "GEOCODER_URL", "REDIS_URL", "FIREBASE_CREDENTIALS", "GOOGLE_CLIENT_ID"):
    os.environ.pop(_name, None)

import pytest  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from server import db as schema  # noqa: E402
from server.app import create_app, load_product  # noqa: E402
from server.settings import Settings  # noqa: E402

BACKEND = os.environ.get("TEST_DATABASE", "sqlite")
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DATABASE_PREFIX = os.environ.get("TEST_DATABASE_PREFIX", "test_")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
JWT_SECRET = "test-secret-" + "x" * 40


def pytest_report_header(config):
    if BACKEND == "postgresql":
        return f"database backend: postgresql ({DATABASE_PREFIX}* databases on {make_url(POSTGRES_URL).host})"
    return f"database backend: {BACKEND}"


def pytest_sessionfinish(session):
    import shutil

    shutil.rmtree(os.environ["DATA_DIR"], ignore_errors=True)


class Databases:
    """Creates (and later drops) one empty database per product for this test run."""

    def __init__(self, tmp_dir):
        self.tmp_dir = tmp_dir
        self.created = []

    def url_for(self, product):
        if BACKEND == "sqlite":
            return f"sqlite:///{self.tmp_dir / (product + '.db')}"
        if BACKEND != "postgresql":
            raise pytest.UsageError(f"TEST_DATABASE must be sqlite or postgresql, not {BACKEND!r}")
        name = f"{DATABASE_PREFIX}{product}_{WORKER}_{os.getpid()}_{secrets.token_hex(3)}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
        self.created.append(name)
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def drop_all(self):
        if not self.created:
            return
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            for name in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def databases(tmp_path_factory):
    dbs = Databases(tmp_path_factory.mktemp("db"))
    yield dbs
    dbs.drop_all()


def make_settings(product, databases, tmp_path_factory, **overrides):
    values = dict(
        database_url=databases.url_for(product),
        jwt_secret=JWT_SECRET,
        validate_responses=True,
        rate_limits=False,
        storage_dir=tmp_path_factory.mktemp(f"{product}-files"),
    )
    values.update(overrides)
    return Settings.from_env(product, **values)


class ProductUnderTest:
    """A product's app on its own migrated database; ``begin()``/``end()`` wrap each test."""

    def __init__(self, name, settings):
        self.name = name
        self.product = load_product(name)
        self.settings = settings
        schema.upgrade(name, settings.database_url)
        self.app = create_app(name, settings)
        self.database = self.product.database
        self._connection = self._transaction = None

    def begin(self):
        self._connection = self.database.engine.connect()
        self._transaction = self._connection.begin()
        self.database.bind_connection(self._connection)

    def end(self):
        self.database.use_engine()
        self._transaction.rollback()
        self._connection.close()

    def client(self):
        return self.app.test_client()


@pytest.fixture(scope="session")
def product_under_test(databases, tmp_path_factory):
    """``product_under_test(name)``: the session-wide app for one product (created once)."""
    made = {}

    def get(name):
        if name not in made:
            made[name] = ProductUnderTest(name, make_settings(name, databases, tmp_path_factory))
        return made[name]

    yield get
    for put in made.values():
        put.database.engine.dispose()
