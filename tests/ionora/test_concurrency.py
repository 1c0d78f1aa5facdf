"""Races on a real, committed database (the backend under test: a SQLite file or a fresh PostgreSQL
database) with separate connections: model calls from real threads, and HTTP requests to a real
server (two worker processes) from real threads. No request may answer 5xx, stock is exact.
"""
import json
import os
import secrets
import sys
import threading
import uuid
from collections import Counter

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from contracts.live import free_port, running_server, wait_for
from integrations.razorpay import FakeRazorpay, RazorpayConfig
from models.errors import RuleViolation
from models.ionora import (
    addresses,
    cart,
    catalog,
    checkout,
    coupons,
    orders,
    payments,
    users,
)
from models.ionora.entities import (
    CartItem,
    Coupon,
    Order,
    OrderItem,
    OrderTracking,
    Product,
    WebhookEvent,
)
from models.session import Database
from server import db as schema
from server import tokens
from server.products.ionora import TOKEN_TTL
from tests.conftest import BACKEND, JWT_SECRET, POSTGRES_URL
from tests.ionora.conftest import webhook_body

BUYERS = 16
STOCK = 5
REGISTRATIONS = 60
CART_ADDS = 20
CHECKOUTS = 8
CHECKOUT_STOCK = 2


@pytest.fixture(scope="module")
def race_url(tmp_path_factory):
    """A dedicated, migrated database whose commits are real (a PostgreSQL one is dropped at the end)."""
    if BACKEND == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('race') / 'ionora.db'}"
        schema.upgrade("ionora", url)
        yield url
        return
    name = f"ionora_race_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    schema.upgrade("ionora", url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="module")
def race_db(race_url):
    database = Database("ionora-race")
    database.bind(race_url, pool_size=BUYERS + 2)
    yield database
    database.engine.dispose()


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
        thread.join(120)
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


@pytest.fixture(scope="module")
def server(race_url, tmp_path_factory):
    """Ionora served by ``python -m server serve --workers 2`` on the race database."""
    port = free_port()
    env = dict(os.environ, IONORA_DATABASE_URL=race_url, JWT_SECRET=JWT_SECRET, RATE_LIMITS="off",
               BCRYPT_ROUNDS=os.environ.get("BCRYPT_ROUNDS", "4"))
    log_path = tmp_path_factory.mktemp("race-server") / "server.log"
    serve = [sys.executable, "-m", "server", "serve", "ionora", "--port", str(port), "--workers", "2", "--no-seed"]
    with running_server(serve, env, log_path) as proc:
        base = f"http://127.0.0.1:{port}/api"
        try:
            wait_for(f"{base}/openapi.json", proc)
        except RuntimeError:
            pytest.fail(f"the server did not start:\n{log_path.read_text()[-3000:]}")
        with httpx.Client(base_url=base, timeout=60, limits=httpx.Limits(max_connections=100)) as client:
            yield client


def bearer_for(user_id):
    token, _ = tokens.issue(JWT_SECRET, {"sub": str(user_id)}, TOKEN_TTL)
    return {"Authorization": f"Bearer {token}"}


def statuses(responses):
    """``{status: count}`` (an exception raised by the client counts under its repr)."""
    return dict(Counter(r.status_code if isinstance(r, httpx.Response) else repr(r) for r in responses))


class TestConcurrentRegistrations:
    def test_sixty_at_once_all_succeed(self, server, race_db):
        tag = uuid.uuid4().hex[:8]

        def register(index):
            return server.post("/auth/register", json={"email": f"reg-{tag}-{index}@example.com",
                                                       "password": "Password123", "full_name": "Racer"})

        results = run_together(REGISTRATIONS, register)
        assert statuses(results) == {201: REGISTRATIONS}
        with race_db.unit_of_work() as uow:
            made = uow.session.scalar(select(func.count()).select_from(users.User)
                                      .where(users.User.email.like(f"reg-{tag}-%")))
        assert made == REGISTRATIONS


class TestConcurrentCartAdds:
    def test_twenty_adds_of_one_product_count_exactly(self, server, race_db):
        with race_db.unit_of_work() as uow:
            product = catalog.create_product(uow.session, data={"name": "Popular", "price": 100, "stock_quantity": 100})
            user = users.register(uow.session, email=f"cart-{uuid.uuid4().hex[:10]}@example.com",
                                  password="Password123", full_name="Carter")
            uow.commit()
        headers = bearer_for(user.id)

        results = run_together(CART_ADDS, lambda index: server.post(
            "/cart", json={"product_id": str(product.id), "quantity": 1}, headers=headers))
        assert statuses(results) == {200: CART_ADDS}
        with race_db.unit_of_work() as uow:
            quantity = uow.session.scalar(select(CartItem.quantity).where(CartItem.user_id == user.id))
        assert quantity == CART_ADDS


class TestConcurrentCheckouts:
    def test_eight_buyers_for_two_units(self, server, race_db):
        with race_db.unit_of_work() as uow:
            product = catalog.create_product(uow.session, data={"name": "Scarce", "price": 500, "stock_quantity": 10})
            uow.commit()
        buyers = [buyer_with_cart(race_db, product.id) for _ in range(CHECKOUTS)]
        with race_db.unit_of_work() as uow:
            uow.session.get(Product, product.id).stock_quantity = CHECKOUT_STOCK
            uow.commit()

        def buy(index):
            user_id, address_id = buyers[index]
            return server.post("/checkout/create-order", headers=bearer_for(user_id),
                               json={"shipping_address_id": str(address_id), "payment_method": "razorpay"})

        results = run_together(CHECKOUTS, buy)
        assert statuses(results) == {201: CHECKOUT_STOCK, 400: CHECKOUTS - CHECKOUT_STOCK}
        refused = [r.json() for r in results if r.status_code == 400]
        assert {body["message"] for body in refused} == {"Insufficient stock for some items."}
        with race_db.unit_of_work() as uow:
            assert uow.session.get(Product, product.id).stock_quantity == 0
            sold = uow.session.scalar(select(func.sum(OrderItem.quantity)).where(OrderItem.product_id == product.id))
        assert sold == CHECKOUT_STOCK
