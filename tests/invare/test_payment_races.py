"""Races on a real, committed database (SQLite file, or PostgreSQL where the row locks matter): the same
provider confirmation delivered many times at once pays the order once and tells each side once."""
from decimal import Decimal

from sqlalchemy import func, select

from models.invare import orders, payments
from models.invare.notifications import Notification
from tests.invare.test_trade_concurrency import listing_of, person, place, race_db, race_url, run_together  # noqa: F401

DELIVERIES = 8


def test_concurrent_deliveries_of_one_success_pay_the_order_once(race_db):
    seller, buyer = person(race_db, "seller"), person(race_db, "buyer")
    order_id = place(race_db, buyer, listing_of(race_db, seller))
    with race_db.unit_of_work() as uow:
        payment_id = payments.create(uow.session, buyer, {"orderId": str(order_id), "amount": "10.00"}).id
        uow.commit()

    def deliver(_):
        with race_db.unit_of_work() as uow:
            outcome = payments.apply_outcome(uow.session, payment_id, outcome="paid", amount=Decimal("10.00"),
                                             transaction_id="TX-1")
            uow.commit()
            return outcome

    results = run_together(DELIVERIES, deliver)
    assert sorted(results) == ["already processed"] * (DELIVERIES - 1) + ["paid"], results
    with race_db.reading() as session:
        assert session.get(orders.Order, order_id).status == "paid"
        assert session.get(payments.Payment, payment_id).status == "succeeded"
        counts = session.execute(select(Notification.user_id, func.count()).where(
            Notification.type == "order_paid", Notification.user_id.in_([buyer.id, seller.id]))
            .group_by(Notification.user_id)).all()
        assert sorted(count for _, count in counts) == [1, 1]
