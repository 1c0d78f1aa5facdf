"""Races on a real, committed PostgreSQL database with separate connections and threads.

These run only when TEST_DATABASE=postgresql (CI's PostgreSQL pass): SQLite serialises writers, so
the race cannot happen there, and the per-test rolled-back transaction cannot be shared by threads.
"""
import json
import os
import secrets
import threading
import uuid

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from integrations.razorpay import FakeRazorpay, RazorpayConfig
from models.errors import RuleViolation
from models.ionora import addresses, cart, catalog, checkout, coupons, orders, payments, users
from models.ionora.entities import Coupon, Order, OrderItem, OrderTracking, Product, WebhookEvent
from models.session import Database
from server import db as schema
from tests.conftest import BACKEND, POSTGRES_URL
from tests.ionora.conftest import webhook_body

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="needs TEST_DATABASE=postgresql (real row locks)")
BUYERS = 16
STOCK = 5


@pytest.fixture(scope="module")
def race_db():
    """A dedicated, migrated database whose commits are real (dropped at the end)."""
    name = f"ionora_race_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    schema.upgrade("ionora", url)
    database = Database("ionora-race")
    database.bind(url, pool_size=BUYERS + 2)
    yield database
    database.engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def gateway():
    return FakeRazorpay(RazorpayConfig(key_id="rzp_test_race", key_secret="race-secret", webhook_secret="race-hook"))


def run_together(count, work):
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as exc:  # collected and asserted by the caller
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


def buyer_with_cart(database, product_id):
    with database.unit_of_work() as uow:
        user = users.register(uow.session, email=f"buyer-{uuid.uuid4().hex[:10]}@example.com", password="Password123",
                              full_name="Buyer")
        address = addresses.create_address(uow.session, user_id=user.id, data={
            "full_address": "1 Road", "city": "Pune", "state": "MH", "pincode": "411001", "country": "India"})
        cart.add_item(uow.session, user_id=user.id, product_id=product_id, quantity=1)
        uow.commit()
        return user.id, address.id


def test_buyers_racing_for_the_last_units_never_oversell(race_db, gateway):
    with race_db.unit_of_work() as uow:
        product = catalog.create_product(uow.session, data={"name": "Last units", "price": 1000, "stock_quantity": 20})
        uow.commit()
        product_id = product.id
    buyers = [buyer_with_cart(race_db, product_id) for _ in range(BUYERS)]
    with race_db.unit_of_work() as uow:
        uow.session.get(Product, product_id).stock_quantity = STOCK
        uow.commit()

    def buy(index):
        user_id, address_id = buyers[index]
        with race_db.unit_of_work() as uow:
            placed = checkout.place_order(uow.session, user_id=user_id, shipping_address_id=address_id,
                                          payments=gateway)
            uow.commit()
            return placed.order.order_number

    results = run_together(BUYERS, buy)
    placed = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(placed) == STOCK and len(refused) == BUYERS - STOCK, results
    assert len(set(placed)) == STOCK  # order numbers never collide
    with race_db.unit_of_work() as uow:
        assert uow.session.get(Product, product_id).stock_quantity == 0
        sold = uow.session.scalar(select(func.sum(OrderItem.quantity)).where(OrderItem.product_id == product_id))
        assert sold == STOCK


def test_replayed_webhooks_change_the_order_once(race_db, gateway):
    with race_db.unit_of_work() as uow:
        product = catalog.create_product(uow.session, data={"name": "Hooked", "price": 2000, "stock_quantity": 3})
        uow.commit()
        product_id = product.id
    user_id, address_id = buyer_with_cart(race_db, product_id)
    with race_db.unit_of_work() as uow:
        order = checkout.place_order(uow.session, user_id=user_id, shipping_address_id=address_id,
                                     payments=gateway).order
        uow.commit()
        order_id, rzp_order_id = order.id, order.razorpay_order_id
    body = webhook_body(order_id=rzp_order_id, payment_id="pay_race")
    signature = gateway.sign_webhook(body)

    def deliver(index):
        event_id = "evt_same" if index % 2 == 0 else f"evt_{index}"  # replays and distinct events alike
        with race_db.unit_of_work() as uow:
            result = payments.handle_webhook(uow.session, payload=json.loads(body), raw_body=body,
                                             signature=signature, event_id=event_id, payments=gateway)
            uow.commit()
            return result.message

    messages = run_together(12, deliver)
    assert messages.count("Payment captured.") == 1, messages
    assert set(messages) == {"Payment captured.", "Webhook already processed."}
    with race_db.unit_of_work() as uow:
        confirmations = uow.session.scalar(select(func.count(OrderTracking.id)).where(
            OrderTracking.order_id == order_id, OrderTracking.status == "confirmed"))
        assert confirmations == 1
        assert uow.session.scalar(select(func.count(WebhookEvent.id)).where(
            WebhookEvent.event_id == "evt_same")) == 1
        captured = uow.session.scalar(select(func.count(WebhookEvent.id)).where(WebhookEvent.outcome == "captured"))
        assert captured == 1


def test_buyers_racing_for_a_coupon_never_pass_its_usage_limit(race_db, gateway):
    uses = 3
    with race_db.unit_of_work() as uow:
        # one product per buyer: only the coupon is shared, so nothing else serialises the buyers
        products = [catalog.create_product(uow.session, data={"name": f"Coupon race {i}", "price": 1000,
                                                              "stock_quantity": 1}) for i in range(BUYERS)]
        code = f"RACE{uuid.uuid4().hex[:8]}".upper()
        coupons.create_coupon(uow.session, code=code, discount_type="percentage", discount_value=10, max_uses=uses)
        uow.commit()
        product_ids = [p.id for p in products]
    buyers = [buyer_with_cart(race_db, product_id) for product_id in product_ids]

    def buy(index):
        user_id, address_id = buyers[index]
        with race_db.unit_of_work() as uow:
            placed = checkout.place_order(uow.session, user_id=user_id, shipping_address_id=address_id,
                                          payments=gateway, coupon_code=code)
            uow.commit()
            return placed.order.id

    results = run_together(BUYERS, buy)
    placed = [r for r in results if isinstance(r, uuid.UUID)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert len(placed) == uses and len(refused) == BUYERS - uses, results
    assert {r.message for r in refused} == {"Coupon usage limit reached."}
    with race_db.unit_of_work() as uow:
        assert uow.session.scalar(select(Coupon.usage_count).where(Coupon.code == code)) == uses
        assert uow.session.scalar(select(func.count(Order.id)).where(Order.coupon_code == code)) == uses
        # the refused buyers' stock was never taken
        stock = uow.session.scalars(select(Product.stock_quantity).where(Product.id.in_(product_ids))).all()
        assert sorted(stock) == [0] * uses + [1] * (BUYERS - uses)

    def cancel(index):
        order_id = placed[index]
        with race_db.unit_of_work() as uow:
            owner = uow.session.get(Order, order_id).user_id
            orders.cancel(uow.session, user_id=owner, order_id=order_id)
            uow.commit()

    run_together(uses, cancel)
    with race_db.unit_of_work() as uow:
        assert uow.session.scalar(select(Coupon.usage_count).where(Coupon.code == code)) == 0
