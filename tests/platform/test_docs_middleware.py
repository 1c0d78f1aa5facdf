"""server.middleware.DocsMiddleware: the spec and Swagger UI are served as before; other requests skip
the docs router."""
import pytest

from server.middleware import DocsMiddleware


def docs_layer(put):
    """The app's docs middleware instance (built on the first request)."""
    put.client().get("/health")
    [layer] = [m for m in put.app.middleware.middleware_stack if isinstance(m, DocsMiddleware)]
    return layer


@pytest.mark.parametrize("name, base", [("looking", ""), ("ionora", "/api")])
class TestDocsMiddleware:
    def test_serves_the_spec_and_the_ui(self, product_under_test, name, base):
        client = product_under_test(name).client()
        assert client.get(f"{base}/openapi.json").json()["openapi"].startswith("3.0")
        assert client.get(f"{base}/openapi.yaml").status_code == 200
        assert client.get(f"{base}/docs/").status_code == 200
        assert client.get(f"{base}/docs/swagger-ui-config.json").status_code == 200
        redirect = client.get(f"{base}/docs", follow_redirects=False)
        assert (redirect.status_code, redirect.headers["location"]) == (307, f"{base}/docs/")

    def test_only_its_own_paths_enter_the_docs_router(self, product_under_test, monkeypatch, name, base):
        put = product_under_test(name)
        layer = docs_layer(put)
        assert layer._prefixes == tuple(sorted({f"{base}/openapi.json", f"{base}/openapi.yaml", f"{base}/docs"}))
        entered = []
        router = layer.router

        async def counting_router(scope, receive, send):
            entered.append(scope["path"])
            await router(scope, receive, send)

        monkeypatch.setattr(layer, "router", counting_router)
        client = put.client()
        client.get("/health")
        client.get(f"{base}/docs/")
        assert entered == [f"{base}/docs/"]
