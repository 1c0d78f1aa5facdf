"""Races on a real, committed database (a SQLite file or a fresh PostgreSQL database) from real
threads: buyers racing for the last units never oversell, and one payment delivered many times at once
changes its order once."""
import datetime as dt
import secrets
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.diora import orders, payments, users
from models.diora.tables.catalog import CartItem, Product
from models.diora.tables.notifications import Notification
from models.diora.tables.orders import Order, StripeEvent
from models.errors import Conflict, RuleViolation
from tests.diora.shopping import ADDRESS, completed
from tests.support import races

BUYERS = 20


@pytest.fixture(scope="module")
def race_db(tmp_path_factory):
    with races.database("diora", tmp_path_factory, label="orders", pool_size=BUYERS + 2) as database:
        yield database


def account(database, prefix, type="user"):
    with database.unit_of_work() as uow:
        tag = secrets.token_hex(4)
        user = users.create_account(uow.session, email=f"{prefix}{tag}@example.com", username=f"{prefix}{tag}",
                                    full_name=prefix, password_hash="x", type=type)
        uow.commit()
        return user.id


run_together = races.run_together


def stocked_product(database, shop_id, stock):
    with database.unit_of_work() as uow:
        item = Product(shop_id=shop_id, name="Last Jacket", description="", price=Decimal("80.00"), stock=stock)
        uow.session.add(item)
        uow.commit()
        return item.id


def test_twenty_buyers_for_three_units_never_oversell(race_db):
    shop = account(race_db, "shop", "shop")
    jacket = stocked_product(race_db, shop, 3)
    buyers = [account(race_db, "buyer") for _ in range(BUYERS)]
    with race_db.unit_of_work() as uow:
        uow.session.add_all([CartItem(user_id=b, product_id=jacket, quantity=1) for b in buyers])
        uow.commit()

    def buy(index):
        with race_db.unit_of_work() as uow:
            order, _ = orders.place_order(uow.session, user_id=buyers[index], shipping_address=ADDRESS,
                                          payment_method="card")
            number = order.order_number
            uow.commit()
        return number

    results = run_together(buy, BUYERS)
    numbers = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, RuleViolation)]
    assert (len(numbers), len(refused)) == (3, BUYERS - 3), results
    assert len(set(numbers)) == 3
    assert {str(r) for r in refused} <= {"Insufficient stock for Last Jacket. Available: 0, Requested: 1"}
    with race_db.reading() as session:
        assert session.get(Product, jacket).stock == 0
        assert session.scalar(select(func.count()).select_from(Order)) == 3
        assert session.scalar(select(func.count()).select_from(CartItem)) == BUYERS - 3


def test_ten_deliveries_of_one_payment_change_the_order_once(race_db):
    shop = account(race_db, "shop", "shop")
    buyer = account(race_db, "buyer")
    jacket = stocked_product(race_db, shop, 5)
    with race_db.unit_of_work() as uow:
        order, _ = orders.place_order(uow.session, user_id=buyer, shipping_address=ADDRESS, payment_method="card",
                                      items=[{"productId": jacket, "quantity": 1}])
        order_id = order.id
        uow.commit()
    same = completed(order_id, event_id=f"evt_same_{secrets.token_hex(4)}")
    distinct = [completed(order_id, event_id=f"evt_{i}_{secrets.token_hex(4)}") for i in range(10)]

    def deliver(payload):
        def work(index):
            with race_db.unit_of_work() as uow:
                outcome, _, _ = payments.handle_event(uow.session, payload(index))
                uow.commit()
            return outcome
        return work

    assert sorted(run_together(deliver(lambda i: same), 10)) == ["duplicate"] * 9 + ["paid"]
    assert sorted(run_together(deliver(lambda i: distinct[i]), 10)) == ["already paid"] * 10
    with race_db.reading() as session:
        row = session.get(Order, order_id)
        assert (row.payment_status, row.status) == ("paid", "confirmed")
        assert session.scalar(select(func.count()).select_from(StripeEvent).where(StripeEvent.order_id == order_id)) == 11
        paid_notes = session.scalar(select(func.count()).select_from(Notification).where(
            Notification.order_id == order_id, Notification.title == "Payment Received"))
        assert paid_notes == 2  # the buyer and the shop, once each


def test_cancel_races_the_expiry_and_stock_comes_back_once(race_db):
    shop = account(race_db, "shop", "shop")
    buyer = account(race_db, "buyer")
    jacket = stocked_product(race_db, shop, 4)
    with race_db.unit_of_work() as uow:
        order, _ = orders.place_order(uow.session, user_id=buyer, shipping_address=ADDRESS, payment_method="card",
                                      items=[{"productId": jacket, "quantity": 3}])
        order_id = order.id
        uow.commit()

    def work(index):
        with race_db.unit_of_work() as uow:
            if index % 2:
                payments.handle_event(uow.session, {"id": f"evt_exp_{index}_{secrets.token_hex(3)}",
                                                    "type": "checkout.session.expired",
                                                    "data": {"object": {"metadata": {"orderId": order_id}}}})
            else:
                try:
                    orders.cancel(uow.session, order_id=order_id, user_id=buyer)
                except Conflict:  # the expiry cancelled it first
                    return "refused"
            uow.commit()
        return "done"

    run_together(work, 6)
    with race_db.reading() as session:
        assert session.get(Product, jacket).stock == 4
        assert session.get(Order, order_id).status == "cancelled"


def test_two_job_runs_at_once_cancel_each_unpaid_order_once(race_db):
    shop = account(race_db, "shop", "shop")
    jacket = stocked_product(race_db, shop, 6)
    buyers = [account(race_db, "buyer") for _ in range(3)]
    for buyer in buyers:
        with race_db.unit_of_work() as uow:
            orders.place_order(uow.session, user_id=buyer, shipping_address=ADDRESS, payment_method="card",
                               items=[{"productId": jacket, "quantity": 2}])
            uow.commit()
    later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)
    with race_db.reading() as session:  # earlier races in this module left unpaid card orders too
        unpaid = session.scalar(select(func.count()).select_from(Order).where(Order.payment_status == "pending",
                                                                            Order.status == "processing"))
    results = run_together(lambda index: payments.cancel_unpaid(race_db, later), 2)
    assert sum(r["cancelled"] for r in results) == unpaid >= 3, results
    with race_db.reading() as session:
        assert session.get(Product, jacket).stock == 6
