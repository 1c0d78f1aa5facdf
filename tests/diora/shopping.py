"""Helpers for the order, payment and administration tests: catalog rows, cart lines, and Stripe driven
through the real adapter against the local stub (``tests/support/stripe_stub.py``)."""
import json
import time
from decimal import Decimal

import pytest

from integrations.stripe_payments import StripeConfig, StripeGateway, sign_payload
from models.diora import database
from models.diora.tables.catalog import CartItem, Product
from server.products.diora import PRODUCT
from tests.support.stripe_stub import StripeStub

WEBHOOK_SECRET = "whsec_test_diora_orders"
ADDRESS = {"name": "Jane Doe", "address": "123 Main St", "city": "New York", "postalCode": "10001",
           "phone": "+15550100", "email": "jane@example.com"}


def product(shop, *, price="60.00", discount=0, stock=5, name="Linen Shirt", **fields):
    with database.unit_of_work() as uow:
        row = Product(shop_id=shop.id, name=name, description="A shirt", price=Decimal(price),
                      discount=Decimal(discount), stock=stock, image_urls=["http://img.example/shirt.png"], **fields)
        uow.session.add(row)
        uow.commit()
    return row


def to_cart(user, item, quantity=1, size="", variant=""):
    with database.unit_of_work() as uow:
        uow.session.add(CartItem(user_id=user.id, product_id=item.id, quantity=quantity, size=size, variant=variant))
        uow.commit()


def stock_of(item):
    with database.reading() as session:
        return session.get(Product, item.id).stock


def event(type, obj, event_id=None):
    return {"id": event_id or f"evt_{time.time_ns()}", "object": "event", "type": type, "data": {"object": obj}}


def completed(order_id, *, session_id="cs_test_x", intent="pi_test_1", event_id=None):
    return event("checkout.session.completed",
                 {"id": session_id, "object": "checkout.session", "payment_status": "paid", "payment_intent": intent,
                  "client_reference_id": order_id, "metadata": {"orderId": order_id}}, event_id)


def signed(payload, secret=WEBHOOK_SECRET):
    raw = json.dumps(payload).encode()
    return raw, {"Stripe-Signature": sign_payload(secret, raw), "Content-Type": "application/json"}


@pytest.fixture(scope="session")
def stripe_stub():
    with StripeStub("sk_test_diora") as stub:
        yield stub


@pytest.fixture
def stripe(diora, stripe_stub):
    """The real adapter against the stub for this test; the stub's record starts empty."""
    stripe_stub.reset()
    config = StripeConfig(mode="live", secret_key="sk_test_diora", webhook_secret=WEBHOOK_SECRET,
                          api_base=stripe_stub.base_url, max_network_retries=0, timeout=5)
    previous, PRODUCT.runtime.stripe = PRODUCT.runtime.stripe, StripeGateway(config)
    yield stripe_stub
    PRODUCT.runtime.stripe = previous
