"""Ionora's app with Connexion's AsyncApp in place of FlaskApp, for comparison only (the product runs on
FlaskApp). Same spec, handlers, middlewares, validators, error handlers and settings; the handlers stay
synchronous (AsyncApp runs them in its thread pool); ``/health`` becomes a plain Starlette route.

    uvicorn --factory benchmarks.ionora_asyncapp:create   (ionora_cpu.py --asyncapp does this)
"""
import types

import connexion
from starlette.responses import JSONResponse

from server import app as factory


class _AsyncApp(connexion.AsyncApp):
    """AsyncApp answering the few Flask-only calls the app factory makes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.app = types.SimpleNamespace(json=types.SimpleNamespace(), before_request=lambda fn: fn, get=self._get)

    def _get(self, rule):
        def register(view):
            async def endpoint(_request):
                return JSONResponse(view())

            self.add_url_rule(rule, view.__name__, endpoint, methods=["GET"])
            return view

        return register


def create():
    flask_app, factory.connexion.FlaskApp = factory.connexion.FlaskApp, _AsyncApp
    try:
        return factory.create_app("ionora")
    finally:
        factory.connexion.FlaskApp = flask_app
