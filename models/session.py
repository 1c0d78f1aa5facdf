"""Engines, sessions and the unit of work.

Each product owns one :class:`Database`. It is an unbound holder at import time; the app factory
binds it to a URL (``bind``), the test suite binds it to a connection whose outer transaction is
rolled back after each test (``bind_connection``).
"""
import json
import re
from contextlib import contextmanager

import orjson

from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker


class Database:
    def __init__(self, name):
        self.name = name
        self.engine = None
        self._sessionmaker = None
        self._reader = None

    @property
    def is_sqlite(self):
        return self.engine is not None and self.engine.dialect.name == "sqlite"

    def bind(self, url, *, pool_size=10, echo=False):
        """Create the engine for ``url`` (pooled) and the session factory. Returns the engine."""
        if self.engine is not None:
            self.engine.dispose()
        self.engine = make_engine(url, pool_size=pool_size, echo=echo)
        self.use_engine()
        return self.engine

    def bind_connection(self, connection):
        """Route every unit of work through ``connection``; each commit becomes a SAVEPOINT release."""
        self._sessionmaker = self._reader = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    def use_engine(self):
        """Undo ``bind_connection``: sessions use the engine's pool again."""
        self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        reader = self.engine
        if self.engine.dialect.name != "sqlite":
            reader = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._reader = sessionmaker(reader, expire_on_commit=False)

    def session(self):
        if self._sessionmaker is None:
            raise RuntimeError(f"the {self.name} database is not bound; create the app first")
        return self._sessionmaker()

    @contextmanager
    def reading(self):
        """A session for read-only work (never commit through it): on PostgreSQL the connection runs in
        autocommit, so a read costs no BEGIN/ROLLBACK round trips."""
        if self._reader is None:
            raise RuntimeError(f"the {self.name} database is not bound; create the app first")
        session = self._reader()
        try:
            yield session
        finally:
            session.close()

    @contextmanager
    def unit_of_work(self):
        """One transaction: commit explicitly with ``uow.commit()``; anything else rolls back."""
        uow = UnitOfWork(self.session())
        try:
            yield uow
        finally:
            uow.close()


class UnitOfWork:
    def __init__(self, session):
        self.session = session

    def commit(self):
        self.session.commit()

    def close(self):
        try:
            self.session.rollback()
        finally:
            self.session.close()


def make_engine(url, *, pool_size=10, echo=False):
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": 30}
        )
        _make_sqlite_transactional(engine)
        return engine
    return create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, json_deserializer=json_loads
    )


def _make_sqlite_transactional(engine):
    """pysqlite's own transaction handling breaks SAVEPOINTs and defers BEGIN; take it over, and
    turn on foreign keys and WAL so that readers do not block the writer."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")


_LONG_NUMBER = re.compile(rb"[0-9]{16}")


def json_loads(data):
    """JSON columns as read: orjson (several times faster than the stdlib), except for numbers orjson
    would turn into floats (integers of 16+ digits) and text it refuses, which the stdlib reads exactly."""
    if isinstance(data, str):
        data = data.encode()
    if _LONG_NUMBER.search(data) is None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)
