"""Operator signals every product inherits: index, liveness, readiness, request ids, metrics, docs, logs.

Parametrized over every implemented product, so a new product is covered by adding it."""
import io
import json
import logging
import re
import socket

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import create_engine

import openapi
from contracts.specs import implemented_products
from server import observability
from server.errors import ApiError, normalize
from server.validation import RequestValidationProblem

PRODUCTS = implemented_products()
GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(params=PRODUCTS)
def put(request, product_under_test):
    put = product_under_test(request.param)
    put.begin()
    yield put
    put.end()


@pytest.fixture
def client(put):
    return put.client()


@pytest.fixture
def base(put):
    return put.product.base_path


@pytest.fixture
def operator(put):
    return put.product.runtime.operator


def spec_of(put):
    return openapi.load(put.product.name)


class TestIndex:
    def test_names_the_service_and_where_things_are(self, client, put, base):
        info = spec_of(put)["info"]
        response = client.get(f"{base}/")
        assert response.status_code == 200
        assert response.json() == {
            **put.product.index_extra,  # what a reference documents for its base URL (Invare's greeting)
            "name": info["title"], "version": info["version"], "docs": f"{base}/docs/", "redoc": f"{base}/redoc",
            "spec": f"{base}/openapi.json", "health": {"live": f"{base}/livez", "ready": f"{base}/readyz"},
            "metrics": f"{base}/metrics",
        }

    def test_links_answer(self, client, base):
        index = client.get(f"{base}/").json()
        for path in (index["docs"], index["redoc"], index["spec"], index["health"]["live"], index["health"]["ready"]):
            assert client.get(path).status_code == 200, path


class TestLiveness:
    def test_ok(self, client, base):
        response = client.get(f"{base}/livez")
        assert response.status_code == 200
        assert response.json() == {"status": "ok"}
        assert response.headers["content-type"] == "application/json"

    def test_head_has_no_body(self, client, base):
        response = client.head(f"{base}/livez")
        assert response.status_code == 200
        assert response.content == b""

    def test_unknown_query_parameter_is_the_products_400(self, client, put, base):
        response = client.get(f"{base}/livez?verbose=1")
        assert response.status_code == 400
        message = "Unknown query parameter 'verbose'"
        expected = put.product.render_error(normalize(RequestValidationProblem([
            {"field": "verbose", "location": "query", "message": message,
             "rule": "additionalProperties", "unexpected": ["verbose"]}])))
        assert response.json() == expected
        assert client.get(f"{base}/?verbose=1").json() == expected  # as Connexion's strict validation says it

    def test_other_methods_are_405(self, client, base):
        assert client.post(f"{base}/livez").status_code == 405

    def test_never_rate_limited(self, client, put, base, monkeypatch):
        class Spent:
            def __getattr__(self, name):
                raise AssertionError(f"the rate limiter was consulted ({name})")

        monkeypatch.setattr(put.product.runtime, "limiter", Spent())
        assert client.get(f"{base}/livez").status_code == 200
        assert client.get(f"{base}/readyz").status_code == 200


class TestReadiness:
    def test_ready(self, client, base):
        response = client.get(f"{base}/readyz")
        assert response.status_code == 200
        assert response.json() == {"status": "ready", "checks": {"database": "ok"}}

    def test_database_unreachable_is_503_in_the_products_format(self, client, put, base, monkeypatch):
        engine = create_engine(f"postgresql+psycopg://postgres@127.0.0.1:{closed_port()}/nothing")
        monkeypatch.setattr(put.database, "engine", engine)
        response = client.get(f"{base}/readyz")
        assert response.status_code == 503
        assert response.json() == put.product.render_error(ApiError(503, "unavailable", "Not ready: database unavailable"))

    def test_database_not_migrated_is_503(self, client, put, base, monkeypatch, tmp_path):
        engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            connection.exec_driver_sql("INSERT INTO alembic_version VALUES ('0000older')")
        monkeypatch.setattr(put.database, "engine", engine)
        response = client.get(f"{base}/readyz")
        assert response.status_code == 503
        assert response.json() == put.product.render_error(ApiError(503, "unavailable", "Not ready: database not migrated"))

    def test_redis_checked_when_configured(self, client, base, operator, monkeypatch):
        monkeypatch.setattr(operator, "settings", operator.settings.model_copy(update={"redis_url": "redis://127.0.0.1:6379/0"}))
        monkeypatch.setattr(operator, "_redis", None)
        response = client.get(f"{base}/readyz")
        assert response.json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}

    def test_redis_unreachable_is_503(self, client, put, base, operator, monkeypatch):
        url = f"redis://127.0.0.1:{closed_port()}/0"
        monkeypatch.setattr(operator, "settings", operator.settings.model_copy(update={"redis_url": url}))
        monkeypatch.setattr(operator, "_redis", None)
        response = client.get(f"{base}/readyz")
        assert response.status_code == 503
        assert response.json() == put.product.render_error(ApiError(503, "unavailable", "Not ready: redis unavailable"))


class TestRequestId:
    def test_generated_when_absent(self, client, base):
        response = client.get(f"{base}/")
        assert GENERATED_ID.match(response.headers["x-request-id"])
        assert client.get(f"{base}/").headers["x-request-id"] != response.headers["x-request-id"]

    @pytest.mark.parametrize("given", ["abc-123", "0f8fad5b-d9cb-469f-a165-70867728950e", "a" * 128,
                                       "trace:1/2+3=4@x_y.z"])
    def test_a_safe_one_is_kept(self, client, base, given):
        assert client.get(f"{base}/", headers={"X-Request-ID": given}).headers["x-request-id"] == given

    @pytest.mark.parametrize("given", ["a" * 129, "has space", "new\\nline", "<script>", "semi;colon", "é"])
    def test_an_unsafe_one_is_replaced(self, client, base, given):
        returned = client.get(f"{base}/", headers={"X-Request-ID": given.encode()}).headers["x-request-id"]
        assert GENERATED_ID.match(returned)

    @pytest.mark.parametrize("path", ["/livez", "/readyz", "/no-such-path", "/?unknown=1", "/openapi.json", "/redoc"])
    def test_on_every_response(self, client, base, path):
        response = client.get(base + path, headers={"X-Request-ID": "rid-1"})
        assert response.headers["x-request-id"] == "rid-1"

    def test_on_the_log_records_of_the_request(self, client, base, records):
        client.get(f"{base}/", headers={"X-Request-ID": "logged-1"})
        [line] = [r for r in records if r.name == "server.access"]
        assert line.request_id == "logged-1"
        assert line.getMessage().startswith(f"GET {base}/ 200")

    def test_outside_a_request_it_is_a_dash(self, records):
        logging.getLogger("server.test").info("no request")
        assert records[-1].request_id == "-"


@pytest.fixture
def records():
    """Log records as the configured handler sees them (with the request-id filter)."""
    caught = []

    class Collect(logging.Handler):
        def emit(self, record):
            caught.append(record)

    handler = Collect(logging.INFO)
    handler.addFilter(observability.RequestIdFilter())
    root = logging.getLogger()
    old_level, access_level = root.level, logging.getLogger("server.access").level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    logging.getLogger("server.access").setLevel(logging.INFO)
    yield caught
    root.removeHandler(handler)
    root.setLevel(old_level)
    logging.getLogger("server.access").setLevel(access_level)


def sample(text, name, **labels):
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


class TestMetrics:
    @pytest.fixture
    def scrape(self, client, base, operator, monkeypatch):
        monkeypatch.setattr(operator, "metrics_networks", None)  # METRICS_ALLOW_IPS=*
        return lambda: client.get(f"{base}/metrics")

    def test_prometheus_text(self, scrape):
        response = scrape()
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/plain; version=")

    def test_requests_counted_by_operation_and_status(self, client, base, scrape):
        before = scrape().text
        client.get(f"{base}/")
        client.get(f"{base}/")
        client.get(f"{base}/?unknown=1")
        client.get(f"{base}/no-such-path")
        after = scrape().text
        for labels, added in [({"operation": "operator.get_index", "status": "200"}, 2),
                              ({"operation": "operator.get_index", "status": "400"}, 1),
                              ({"operation": "unrouted", "status": "404"}, 1)]:
            assert sample(after, "http_requests_total", **labels) - sample(before, "http_requests_total", **labels) == added
            assert (sample(after, "http_request_duration_seconds_count", **labels)
                    - sample(before, "http_request_duration_seconds_count", **labels)) == added

    def test_database_pool(self, put, scrape):
        text = scrape().text
        assert sample(text, "db_pool_connections_in_use") == put.database.engine.pool.checkedout()
        assert sample(text, "db_pool_size") == put.database.engine.pool.size()
        assert sample(text, "server_workers") == 1

    def test_only_loopback_by_default(self, put, base):
        remote = put.app.test_client(client=("203.0.113.9", 50000))
        response = remote.get(f"{base}/metrics")
        assert response.status_code == 404
        assert response.json() == put.product.render_error(ApiError(404, "route_not_found", "Not found"))
        local = put.app.test_client(client=("127.0.0.1", 50000))
        assert local.get(f"{base}/metrics").status_code == 200

    def test_allowed_networks(self, put, base, operator, monkeypatch):
        from server.operator import _networks

        monkeypatch.setattr(operator, "metrics_networks", _networks(("10.0.0.0/8",)))
        assert put.app.test_client(client=("10.1.2.3", 1)).get(f"{base}/metrics").status_code == 200
        assert put.app.test_client(client=("127.0.0.1", 1)).get(f"{base}/metrics").status_code == 404


class TestDocs:
    def test_redoc_beside_swagger_ui(self, client, put, base):
        response = client.get(f"{base}/redoc")
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert f'<redoc spec-url="{base}/openapi.json">' in response.text
        assert client.get(f"{base}/docs/").status_code == 200

    def test_swagger_ui_without_the_explorer_bar(self, client, base):
        assert client.get(f"{base}/docs/swagger-ui-config.json").json() == {"layout": "BaseLayout"}

    def test_spec_servers_name_where_serve_answers(self, put):
        assert spec_of(put)["servers"][0]["url"] == f"http://127.0.0.1:{put.product.port}{put.product.base_path}"

    def test_served_spec_names_the_base_path(self, client, put, base):
        assert client.get(f"{base}/openapi.json").json()["servers"] == [{"url": base}]

    def test_operator_operations_are_documented(self, put):
        paths = spec_of(put)["paths"]
        assert {paths[p]["get"]["operationId"] for p in ("/", "/livez", "/readyz", "/metrics")} == {
            "operator.get_index", "operator.get_liveness", "operator.get_readiness", "operator.get_metrics"}


class TestLogFormat:
    @pytest.fixture
    def restore_logging(self):
        root = logging.getLogger()
        handlers, level = list(root.handlers), root.level
        yield
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)

    def test_json_lines_carry_the_request_id(self, restore_logging):
        stream = io.StringIO()
        observability.configure_logging({"LOG_FORMAT": "json"}, stream=stream)
        token = observability.REQUEST_ID.set("json-1")
        try:
            logging.getLogger("server.access").info("GET / %s", 200)
        finally:
            observability.REQUEST_ID.reset(token)
        entry = json.loads(stream.getvalue())
        assert entry.pop("time").endswith("+00:00")
        assert entry == {"level": "INFO", "logger": "server.access", "message": "GET / 200", "request_id": "json-1",
                         "process": entry["process"]}

    def test_text_by_default(self, restore_logging):
        stream = io.StringIO()
        observability.configure_logging({}, stream=stream)
        logging.getLogger("server.test").warning("hello")
        assert re.fullmatch(r"\S+ \S+ WARNING server\.test \[-\] hello\n", stream.getvalue())

    def test_alembic_quiet_at_info(self, restore_logging):
        stream = io.StringIO()
        observability.configure_logging({}, stream=stream)
        logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
        assert stream.getvalue() == ""

    @pytest.mark.parametrize("env, message", [({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be text or json, not 'xml'"),
                                              ({"LOG_LEVEL": "loud"}, "LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not 'LOUD'")])
    def test_bad_values_are_named(self, env, message):
        with pytest.raises(ValueError, match=re.escape(message)):
            observability.log_settings(env)


class TestRequestIdInHandlerLogs:
    """Handlers run in Flask's thread pool; their log lines carry the request's id too."""

    def test_looking_mail_log_line(self, product_under_test, records):
        from tests.looking.conftest import Factory

        looking = product_under_test("looking")
        looking.begin()
        try:
            Factory().user(username="rid-user", email="rid-user@example.com")
            response = looking.client().post("/auth/reset", json={"username": "rid-user"},
                                             headers={"X-Request-ID": "mail-1"})
        finally:
            looking.end()
        assert response.status_code == 200
        [mail_line] = [r for r in records if r.name == "integrations.mail"]
        assert mail_line.request_id == "mail-1"
