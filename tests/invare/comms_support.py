"""Helpers for the chat, ticket, notification and admin tests: listings to chat about, notifications as
other areas record them, the pushes the outbox stored, small files."""
import io
import json
from decimal import Decimal

from PIL import Image

from models.invare import database
from models.invare.listings import Listing
from models.invare.materials import Material
from models.invare.notifications import record_notification
from models.invare.push_outbox import outbox


def make_listing(*, seller_user=None, seller_company=None, title="Aluminum Scrap", status="active"):
    with database.unit_of_work() as uow:
        material = Material(name="Aluminum")
        uow.session.add(material)
        uow.session.flush()
        listing = Listing(title=title, unit_of_measure="ton", starting_price="2.50", stock_amount=10, status=status,
                          material_id=material.id, seller_user_id=seller_user.id if seller_user else None,
                          seller_company_id=seller_company.id if seller_company else None)
        uow.session.add(listing)
        uow.commit()
    return listing


def notify(user, type="order_paid", title="Payment received", body="Order ORD-1 has been paid", **data):
    with database.unit_of_work() as uow:
        row = record_notification(uow.session, user.id, type, title, body, data)
        uow.commit()
    return row


def pushes(topic=None):
    """The stored pushes (oldest first) as dicts, messages' JSON ``data`` values left as strings."""
    with database.reading() as session:
        return [{"kind": r.kind, "topic": r.topic, "title": r.title, "body": r.body, "data": r.data,
                 "tokens": r.tokens} for r in outbox(session, topic)]


def topic(prefix, some_id):
    return f"{prefix}_{str(some_id).replace('-', '_')}"


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def pdf():
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def parsed(data_value):
    return json.loads(data_value)


def make_order(buyer, seller, *, total="100.00", status="completed"):
    from decimal import Decimal

    from models.invare.orders import Order

    with database.unit_of_work() as uow:
        order = Order(buyer_user_id=buyer.id, seller_user_id=seller.id, buyer_party_id=buyer.id,
                      seller_party_id=seller.id, total=Decimal(total), status=status)
        uow.session.add(order)
        uow.commit()
    return order


def make_tender(order, *, carrier=None):
    import datetime as dt

    from models.base import utcnow
    from models.invare.tenders import ShippingTender

    with database.unit_of_work() as uow:
        tender = ShippingTender(order_id=order.id, expires_at=utcnow() + dt.timedelta(hours=2),
                                status="awarded" if carrier else "open",
                                selected_carrier_user_id=carrier.id if carrier else None)
        uow.session.add(tender)
        uow.commit()
    return tender


def make_offer(tender, carrier_user, amount, *, notes=None):
    from models.invare.tenders import ShippingOffer

    with database.unit_of_work() as uow:
        offer = ShippingOffer(tender_id=tender.id, carrier_user_id=carrier_user.id, amount=Decimal(amount),
                              notes=notes)
        uow.session.add(offer)
        uow.commit()
    return offer


def tender_chat_id(tender):
    from models.invare.tenders import ShippingTender

    with database.reading() as session:
        return session.get(ShippingTender, tender.id).chat_id


def make_fee(order, side, *, quantity, sar="0.00", points="0.00", at=None):
    from decimal import Decimal

    from models.invare.escrow import OrderFee

    with database.unit_of_work() as uow:
        uow.session.add(OrderFee(order_id=order.id, side=side, rate=Decimal("0.01"), quantity=quantity,
                                 amount_sar=Decimal(sar), amount_points=Decimal(points), created_at=at))
        uow.commit()
