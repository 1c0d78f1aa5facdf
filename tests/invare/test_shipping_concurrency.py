"""Shipping races on a real, committed database (a SQLite file, or a fresh PostgreSQL database where the
row locks and the upsert matter) with separate connections from real threads: two selections award a
tender once, one carrier's simultaneous offers leave one offer, two delivery confirmations pay the seller
once."""
import uuid
from decimal import Decimal

from sqlalchemy import func, select

from models.errors import RuleViolation
from models.invare import carriers, orders, shipments, shipping_tenders, users, wallet
from models.invare.callers import Caller
from models.invare.shipments import Shipment
from models.invare.tenders import ShippingOffer, ShippingTender
from models.invare.wallet import WalletEntry
from tests.invare.test_trade_concurrency import (assert_ledger, listing_of, person, place, race_db,  # noqa: F401
                                                 race_url, run_together)

RACERS = 6


def hauler(database, name="hauler"):
    with database.unit_of_work() as uow:
        user = users.create_user(uow.session, data={"email": f"{name}-{uuid.uuid4().hex[:8]}@example.com",
                                                    "firstName": name}, is_carrier=True)
        caller = Caller(id=user.id, email=user.email, is_carrier=True)
        carriers.create_profile(uow.session, caller, {"isAvailable": True})
        uow.commit()
        return caller


def paid_tender(database):
    """A buyer, a seller and a points-paid order: ``(buyer, seller, order id, tender id)``."""
    seller, buyer = person(database, "seller"), person(database, "buyer")
    listing_id = listing_of(database, seller)
    with database.unit_of_work() as uow:
        wallet.credit(uow.session, user_id=buyer.id, points="10")
        uow.commit()
    order_id = place(database, buyer, listing_id)
    with database.unit_of_work() as uow:
        orders.checkout_points(uow.session, buyer, order_id)
        uow.commit()
    with database.reading() as session:
        tender_id = session.scalar(select(ShippingTender.id).where(ShippingTender.order_id == order_id))
    return buyer, seller, order_id, tender_id


def write(database, work):
    with database.unit_of_work() as uow:
        answer = work(uow.session)
        uow.commit()
        return answer


def test_two_selections_at_once_award_the_tender_once(race_db):
    buyer, seller, order_id, tender_id = paid_tender(race_db)
    offers = [write(race_db, lambda s, c=hauler(race_db, f"c{i}"): shipping_tenders.make_offer(
        s, c, tender_id, {"amount": f"{100 + i}.00"}).id) for i in range(RACERS)]

    results = run_together(RACERS, lambda i: write(
        race_db, lambda s: shipping_tenders.select_offer(s, buyer, tender_id, offers[i]).status))
    assert sorted(r if isinstance(r, str) else r.message for r in results) == \
        ["Tender is not open"] * (RACERS - 1) + ["awarded"]
    assert all(isinstance(r, (str, RuleViolation)) for r in results)
    with race_db.reading() as session:
        tender = session.get(ShippingTender, tender_id)
        [shipment] = session.scalars(select(Shipment).where(Shipment.order_id == order_id)).all()
        assert shipment.carrier_user_id == tender.selected_carrier_user_id is not None


def test_one_carriers_offers_at_once_leave_one_offer(race_db):
    _, _, _, tender_id = paid_tender(race_db)
    carrier = hauler(race_db)
    results = run_together(RACERS, lambda i: write(race_db, lambda s: shipping_tenders.make_offer(
        s, carrier, tender_id, {"amount": f"{200 + i}.00"}).id))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len(set(results)) == 1
    with race_db.reading() as session:
        amounts = session.scalars(select(ShippingOffer.amount).where(ShippingOffer.tender_id == tender_id)).all()
    assert len(amounts) == 1 and Decimal(amounts[0]) in {Decimal(f"{200 + i}.00") for i in range(RACERS)}


def test_two_delivery_confirmations_at_once_pay_the_seller_once(race_db):
    buyer, seller, order_id, tender_id = paid_tender(race_db)
    carrier = hauler(race_db)
    offer_id = write(race_db, lambda s: shipping_tenders.make_offer(s, carrier, tender_id, {"amount": "50.00"}).id)
    write(race_db, lambda s: shipping_tenders.select_offer(s, buyer, tender_id, offer_id))
    with race_db.reading() as session:
        shipment_id = session.scalar(select(Shipment.id).where(Shipment.order_id == order_id))
    write(race_db, lambda s: shipments.confirm_pickup(s, carrier, shipment_id))

    results = run_together(RACERS, lambda _: write(
        race_db, lambda s: shipments.confirm_delivery(s, carrier, shipment_id)[0].status))
    assert sorted(r if isinstance(r, str) else r.message for r in results) == \
        ["Cannot change shipment status from delivered to delivered"] * (RACERS - 1) + ["delivered"]
    with race_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(WalletEntry).where(
            WalletEntry.order_id == order_id, WalletEntry.kind == "payout")) == 1
        user = session.get(users.User, seller.id)
        assert (user.points_balance, user.frozen_points) == (Decimal("9.75"), Decimal("0.00"))
        assert session.get(orders.Order, order_id).status == "completed"
    assert_ledger(race_db, buyer, seller)
