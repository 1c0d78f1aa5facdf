"""Test helpers shared by both products: hold the database's write lock from outside, record whether a
write transaction is open while bcrypt runs, and make every statement after a commit fail."""
import contextlib
import sqlite3

import bcrypt
from sqlalchemy import create_engine, event
from sqlalchemy.orm import Session

from models.session import UnitOfWork
from tests.conftest import BACKEND


@contextlib.contextmanager
def write_lock_held_elsewhere(put, table):
    """Another connection holds the write lock (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: ``table``
    locked against writes), and the test's connection gives up waiting after 100 ms."""
    connection = put._connection
    if BACKEND == "sqlite":
        other = sqlite3.connect(put.database.engine.url.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        connection.exec_driver_sql("PRAGMA busy_timeout=100")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
            connection.exec_driver_sql(f"PRAGMA busy_timeout={int(getattr(put.settings, 'db_lock_timeout', 5) * 1000)}")
        return
    engine = create_engine(put.database.engine.url)
    other = engine.connect()
    other.exec_driver_sql(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
    connection.exec_driver_sql("SET lock_timeout = '100ms'")
    try:
        yield
    finally:
        other.rollback()
        other.close()
        engine.dispose()


class BcryptSpy:
    """Counts bcrypt calls made while a write session (not a ``reading()`` one) has a transaction open."""

    def __init__(self, monkeypatch):
        self.open_writes = set()
        self.calls = 0
        self.inside = 0
        real_hash, real_check = bcrypt.hashpw, bcrypt.checkpw

        def spy(real):
            def wrapper(*args):
                self.calls += 1
                self.inside += bool(self.open_writes)
                return real(*args)
            return wrapper

        monkeypatch.setattr(bcrypt, "hashpw", spy(real_hash))
        monkeypatch.setattr(bcrypt, "checkpw", spy(real_check))
        event.listen(Session, "after_begin", self._begun)
        event.listen(Session, "after_transaction_end", self._ended)

    def reset(self):
        self.calls = self.inside = 0

    def _begun(self, session, transaction, connection):
        if not session.info.get("reading"):
            self.open_writes.add(id(session))

    def _ended(self, session, transaction):
        if transaction.parent is None:
            self.open_writes.discard(id(session))

    def close(self):
        event.remove(Session, "after_begin", self._begun)
        event.remove(Session, "after_transaction_end", self._ended)


@contextlib.contextmanager
def spying_on_bcrypt(monkeypatch):
    spy = BcryptSpy(monkeypatch)
    try:
        yield spy
    finally:
        spy.close()


@contextlib.contextmanager
def database_fails_after_commit(put, monkeypatch):
    """From the first unit-of-work commit on, every statement raises the driver's OperationalError."""
    failing = []
    error = put.database.engine.dialect.loaded_dbapi.OperationalError
    real_commit = UnitOfWork.commit

    def commit(uow):
        real_commit(uow)
        failing.append(True)

    def execute(conn, cursor, statement, parameters, context, executemany):
        if failing:
            raise error("database is locked")

    monkeypatch.setattr(UnitOfWork, "commit", commit)
    event.listen(put._connection, "before_cursor_execute", execute)
    try:
        yield
    finally:
        monkeypatch.setattr(UnitOfWork, "commit", real_commit)
        event.remove(put._connection, "before_cursor_execute", execute)
