"""Which database errors are a passing condition (503 with Retry-After) and which stay a bug (500)."""
import sqlite3

import psycopg
import psycopg.errors
import pytest
from sqlalchemy import exc as sa

from server.errors import BUSY_RETRY_AFTER, DOWN_RETRY_AFTER, database_retry_after


def wrapped(error, kind=sa.OperationalError, invalidated=False):
    return kind("SELECT 1", {}, error, connection_invalidated=invalidated)


class TestDatabaseRetryAfter:
    @pytest.mark.parametrize("exc,expected", [
        pytest.param(wrapped(sqlite3.OperationalError("database is locked")), BUSY_RETRY_AFTER, id="sqlite locked"),
        pytest.param(sa.TimeoutError("QueuePool limit reached"), BUSY_RETRY_AFTER, id="pool exhausted"),
        pytest.param(wrapped(psycopg.errors.QueryCanceled("statement timeout")), BUSY_RETRY_AFTER,
                     id="statement timeout"),
        pytest.param(wrapped(psycopg.errors.LockNotAvailable("lock timeout")), BUSY_RETRY_AFTER, id="lock timeout"),
        pytest.param(wrapped(psycopg.errors.DeadlockDetected("deadlock")), BUSY_RETRY_AFTER, id="deadlock"),
        pytest.param(wrapped(psycopg.errors.AdminShutdown("terminating")), DOWN_RETRY_AFTER, id="shutting down"),
        pytest.param(wrapped(psycopg.errors.CannotConnectNow("starting up")), DOWN_RETRY_AFTER, id="starting up"),
        pytest.param(wrapped(psycopg.OperationalError("connection refused")), DOWN_RETRY_AFTER, id="refused"),
        pytest.param(wrapped(psycopg.OperationalError("server closed the connection"), invalidated=True),
                     DOWN_RETRY_AFTER, id="connection lost"),
    ])
    def test_passing_conditions_are_503(self, exc, expected):
        assert database_retry_after(exc) == expected

    @pytest.mark.parametrize("exc", [
        pytest.param(wrapped(sqlite3.OperationalError("no such table: users")), id="sqlite missing table"),
        pytest.param(wrapped(psycopg.errors.UndefinedTable("no such table"), sa.ProgrammingError), id="pg missing table"),
        pytest.param(wrapped(psycopg.errors.UniqueViolation("duplicate"), sa.IntegrityError), id="integrity"),
        pytest.param(RuntimeError("boom"), id="not a database error"),
    ])
    def test_bugs_stay_500(self, exc):
        assert database_retry_after(exc) is None
