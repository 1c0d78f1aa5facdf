"""Engines, sessions, the unit of work and the read path.

Each product owns one :class:`Database`. It is an unbound holder at import time; the app factory
binds it to a URL (``bind``), the test suite binds it to a connection whose outer transaction is
rolled back after each test (``bind_connection``).

Two ways in:

* ``unit_of_work()``: the write transaction. On SQLite it begins ``BEGIN IMMEDIATE``, so the write
  lock is taken at the start (waiting up to the busy timeout) instead of being upgraded mid-way, where
  SQLite can only refuse. Do slow work (password hashing, provider calls) before opening it.
* ``reading()``: a session for read-only work. On PostgreSQL the connection runs in autocommit (no
  BEGIN/ROLLBACK round trips); on SQLite it is a plain deferred read, which never blocks the writer (WAL).
* ``rows()``: the same read, as a bare Core connection, for hot reads that run prepared ``select()``s
  of plain columns and build no ORM objects: no session to create, flush-check and close per request
  (a session costs about as much CPU again as the query it runs).

Outages: PostgreSQL connections have a connect timeout and a statement timeout, pooled connections are
recycled and a connection that fails with a disconnect error is invalidated together with the rest of
the pool (SQLAlchemy's disconnect handling), so the next checkout connects afresh; there is no ping
before every checkout. The errors themselves become 503 in ``server/errors.py``.
"""
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass

import orjson

from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker


@dataclass(frozen=True)
class Timeouts:
    """Seconds. ``connect``: opening a PostgreSQL connection (libpq's minimum is 2).
    ``statement``: one PostgreSQL statement. ``lock``: waiting for SQLite's write lock (busy timeout),
    for a PostgreSQL row or table lock, and for a free connection in the pool."""

    connect: float = 2
    statement: float = 10
    lock: float = 5
    recycle: int = 1800  # pooled connections older than this are replaced at checkout


class Database:
    def __init__(self, name):
        self.name = name
        self.engine = None
        self._writer = None
        self._reader = None
        self._rows = None   # what rows() connects through: the reading engine, or the bound connection

    @property
    def is_sqlite(self):
        return self.engine is not None and self.engine.dialect.name == "sqlite"

    def bind(self, url, *, pool_size=10, echo=False, timeouts=None):
        """Create the engine for ``url`` (pooled) and the session factories. Returns the engine."""
        if self.engine is not None:
            self.engine.dispose()
        self.engine = make_engine(url, pool_size=pool_size, echo=echo, timeouts=timeouts or Timeouts())
        self.use_engine()
        return self.engine

    def bind_connection(self, connection):
        """Route every unit of work and every read through ``connection``; each commit becomes a
        SAVEPOINT release, each read a SAVEPOINT rolled back."""
        self._writer = sessionmaker(bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint")
        self._reader = sessionmaker(bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint",
                                    info={"reading": True})
        self._rows = connection

    def use_engine(self):
        """Undo ``bind_connection``: sessions use the engine's pool again."""
        if self.engine.dialect.name == "sqlite":
            writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
            reader = self.engine
        else:
            writer = self.engine
            reader = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self._writer = sessionmaker(writer, expire_on_commit=False)
        self._reader = sessionmaker(reader, expire_on_commit=False, info={"reading": True})
        self._rows = reader

    def session(self):
        """A session for writing (what ``unit_of_work`` uses)."""
        return self._factory(self._writer)()

    def _factory(self, factory):
        if factory is None:
            raise RuntimeError(f"the {self.name} database is not bound; create the app first")
        return factory

    @contextmanager
    def unit_of_work(self):
        """One write transaction: commit explicitly with ``uow.commit()``; anything else rolls back.
        Build the response before committing: nothing after the commit may touch the database."""
        uow = UnitOfWork(self.session())
        try:
            yield uow
        finally:
            uow.close()

    @contextmanager
    def reading(self):
        """A session for reads only (never commit through it); its ``info["reading"]`` is true."""
        session = self._factory(self._reader)()
        try:
            yield session
        finally:
            session.close()

    @contextmanager
    def rows(self):
        """A Core connection for reads of plain rows (``connection.execute(select(...), params)``), in
        autocommit on PostgreSQL like ``reading()``. Bound to a test connection, the read runs in a
        savepoint that is rolled back, as ``reading()``'s session does."""
        source = self._factory(self._rows)
        if isinstance(source, Connection):
            savepoint = source.begin_nested()
            try:
                yield source
            finally:
                if savepoint.is_active:
                    savepoint.rollback()
            return
        with source.connect() as connection:
            yield connection


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


def make_engine(url, *, pool_size=10, echo=False, timeouts=None):
    timeouts = timeouts or Timeouts()
    url = make_url(url)
    if url.get_backend_name() == "sqlite":
        pooling = {}
        if url.database not in (None, "", ":memory:"):
            pooling = {"pool_size": pool_size, "max_overflow": pool_size, "pool_timeout": timeouts.lock}
        engine = create_engine(
            url, echo=echo, connect_args={"check_same_thread": False, "timeout": timeouts.lock}, **pooling
        )
        _make_sqlite_transactional(engine, timeouts)
        return engine
    connect_args = {}
    if url.get_backend_name() == "postgresql":
        connect_args = {
            "connect_timeout": max(1, round(timeouts.connect)),
            "options": f"-c statement_timeout={int(timeouts.statement * 1000)}"
                       f" -c lock_timeout={int(timeouts.lock * 1000)}",
        }
    return create_engine(
        url, echo=echo, pool_size=pool_size, max_overflow=pool_size, pool_timeout=timeouts.lock,
        pool_recycle=timeouts.recycle, connect_args=connect_args,
        json_deserializer=json_loads,
    )


def _make_sqlite_transactional(engine, timeouts):
    """pysqlite's own transaction handling breaks SAVEPOINTs and defers BEGIN; take it over, and
    turn on foreign keys and WAL so that readers do not block the writer. A connection opened with
    the ``sqlite_begin="IMMEDIATE"`` execution option (the unit of work's) takes the write lock at BEGIN."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(timeouts.lock * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
        connection.exec_driver_sql(f"BEGIN {mode}")


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
