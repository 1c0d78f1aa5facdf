"""The database going away, hanging or holding a lock, with Ionora served by a real server process on a
private PostgreSQL cluster: answers are 503 in the product's format with Retry-After (never 500, never a
hang), and service comes back by itself once the database does."""
import os
import sys
import uuid

import httpx
import psycopg
import pytest

from contracts.live import free_port, running_server, wait_for
from tests import private_postgres
from tests.conftest import JWT_SECRET

pytestmark = pytest.mark.skipif(private_postgres.available() is not None,
                                reason=private_postgres.available() or "")
UNAVAILABLE = {"message": "The service is temporarily unavailable; please retry shortly."}
# Far above every database timeout the server is given: only a request the server never answers hits it.
CLIENT_TIMEOUT = 30


@pytest.fixture(scope="module")
def cluster():
    pg = private_postgres.PrivatePostgres()
    try:
        pg.start()
        pg.execute("CREATE DATABASE ionora")
        yield pg
    finally:
        pg.destroy()


@pytest.fixture(scope="module")
def api(cluster, tmp_path_factory):
    port = free_port()
    env = dict(os.environ, IONORA_DATABASE_URL=cluster.url("ionora"), JWT_SECRET=JWT_SECRET, RATE_LIMITS="off",
               DATABASE_CONNECT_TIMEOUT="2", DATABASE_STATEMENT_TIMEOUT="1", DATABASE_LOCK_TIMEOUT="1")
    log_path = tmp_path_factory.mktemp("outage-server") / "server.log"
    serve = [sys.executable, "-m", "server", "serve", "ionora", "--port", str(port), "--no-seed"]
    with running_server(serve, env, log_path) as proc:
        base = f"http://127.0.0.1:{port}/api"
        try:
            wait_for(f"{base}/openapi.json", proc)
        except RuntimeError:
            pytest.fail(f"the server did not start:\n{log_path.read_text()[-3000:]}")
        with httpx.Client(base_url=base, timeout=CLIENT_TIMEOUT) as client:
            yield client


def read(api):
    return api.get("/products")


def write(api):
    return api.post("/auth/register", json={"email": f"u{uuid.uuid4().hex[:12]}@example.com",
                                           "password": "Password123", "full_name": "Outage Tester"})


def assert_unavailable(response):
    assert (response.status_code, response.json()) == (503, UNAVAILABLE)
    assert int(response.headers["Retry-After"]) >= 1


def assert_serving(api):
    assert read(api).status_code == 200
    assert write(api).status_code == 201


class TestDatabaseStopped:
    def test_503_while_stopped_then_recovery_without_a_restart(self, api, cluster):
        assert_serving(api)  # pooled connections now exist; they die with the server
        cluster.stop()
        try:
            for _ in range(3):
                assert_unavailable(read(api))
                assert_unavailable(write(api))
        finally:
            cluster.start()
        assert_serving(api)


class TestDatabaseFrozen:
    def test_sessions_lost_and_new_ones_hanging_are_503_then_recovery(self, api, cluster):
        assert_serving(api)
        cluster.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = 'ionora' AND pid <> pg_backend_pid()")
        cluster.freeze()  # the pooled sessions are gone and a new one never completes its start-up
        try:
            for _ in range(2):
                assert_unavailable(read(api))
                assert_unavailable(write(api))
        finally:
            cluster.thaw()
        assert_serving(api)


class TestStatementTimeout:
    def test_a_request_stuck_behind_a_lock_is_503_and_the_next_one_is_served(self, api, cluster):
        assert_serving(api)
        with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres dbname=ionora") as holder:
            holder.execute("LOCK TABLE products IN ACCESS EXCLUSIVE MODE")
            assert_unavailable(read(api))
            holder.rollback()
        assert_serving(api)
