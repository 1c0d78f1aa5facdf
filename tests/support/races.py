"""Races on a real, committed database: a migrated database of its own (a SQLite file, or a fresh
PostgreSQL database named with ``TEST_DATABASE_PREFIX`` and dropped afterwards), separate connections
from real threads all released at once.

    @pytest.fixture(scope="module")
    def race_db(tmp_path_factory):
        with races.database("invare", tmp_path_factory, label="trade", pool_size=12) as database:
            yield database

    results = races.run_together(lambda i: checkout(buyers[i]), 10)   # results or the exceptions raised
"""
import contextlib
import os
import secrets
import threading

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from models.session import Database
from server import db as schema
from tests.conftest import BACKEND, DATABASE_PREFIX, POSTGRES_URL

JOIN_TIMEOUT = 180  # seconds a racing thread may take before the test gives up on it


@contextlib.contextmanager
def database_url(product, tmp_path_factory, *, label="race"):
    """The URL of a migrated database for ``product`` that lives as long as the ``with`` block."""
    if BACKEND == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp(f'{product}-{label}') / f'{product}.db'}"
        schema.upgrade(product, url)
        yield url
        return
    name = f"{DATABASE_PREFIX}{product}_{label}_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        schema.upgrade(product, url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextlib.contextmanager
def database(product, tmp_path_factory, *, label="race", pool_size=10):
    """A bound :class:`models.session.Database` on a migrated database of its own (see :func:`database_url`)."""
    with database_url(product, tmp_path_factory, label=label) as url:
        bound = Database(f"{product}-{label}")
        bound.bind(url, pool_size=pool_size)
        try:
            yield bound
        finally:
            bound.engine.dispose()


def run_together(work, count, *, timeout=JOIN_TIMEOUT):
    """``work(i)`` for i in range(count), each in its own thread, all released at once by a barrier;
    the list of results, an exception standing in for a call that raised."""
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as exc:  # collected and asserted by the caller
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
