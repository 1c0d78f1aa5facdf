"""Schemathesis over every operation of every implemented product, in-process, with an admin token.

The app is the session-wide one from tests/conftest.py (migrated database, responses validated); each
operation's test runs inside one rolled-back transaction holding a fresh fully privileged user.
FUZZ_MAX_EXAMPLES sets the examples per operation (default 25). The examples are derandomized so a run is
repeatable (a red build stays red until fixed); FUZZ_RANDOM=1 explores new ones. The live gate
(contracts.live) always explores.
"""
import os

import pytest
from hypothesis import HealthCheck, settings

from contracts import auth, fuzz
from contracts.specs import implemented_products

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "25"))
DERANDOMIZE = os.environ.get("FUZZ_RANDOM") != "1"


@pytest.fixture
def admin_session(product_under_test):
    """``admin_session(product)``: (app, bearer headers) inside a transaction rolled back after the test.
    Hypothesis calls it once per example; the transaction and the user are made on the first call."""
    opened = {}

    def open_session(product):
        if product not in opened:
            put = product_under_test(product)
            put.begin()
            opened[product] = put, auth.token_in_process(put.product, put.client())
        put, token = opened[product]
        return put.app, {"Authorization": f"Bearer {token}"}

    yield open_session
    for put, _token in opened.values():
        put.end()


def make_test(product):
    schema = fuzz.load_spec(product)

    @schema.parametrize()
    # The fixture is per test on purpose (one transaction per operation); slow or large data come from the
    # specs, not from a test bug: no health check applies here.
    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=DERANDOMIZE)
    def test(case, admin_session):
        app, headers = admin_session(product)
        case.operation.schema.app = app  # some checks (ignored_auth) send probes through the schema's app
        case.call_and_validate(app=app, headers=headers)

    return test


for _product in implemented_products():
    globals()[f"test_{_product}_api"] = make_test(_product)
