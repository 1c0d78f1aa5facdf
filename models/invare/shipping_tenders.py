"""Shipping tenders as their operations use them: reading an order's tender, carriers' offers, the
cheapest offers, and the buyer's choice.

- Who sees a tender and its offers: administrators, the order's buyer and seller sides (and its
  creator), the selected carrier, and, while the tender is ``open``, every carrier (they offer on it).
  Anyone else: 403. An order that was never paid has no tender (404).
- Offers: carriers with an available profile only (403 otherwise), on an ``open`` tender before its
  ``expiresAt`` (400 otherwise). One offer per carrier per tender: an ``INSERT ... ON CONFLICT DO
  UPDATE`` on the unique ``(tender, carrier)`` pair, so two offers by one carrier at once leave one row
  (the later price).
- Selecting: the buyer side or an administrator picks an offer of an ``open``, unexpired tender whose
  carrier is still available. The tender becomes ``awarded`` with that carrier; the carrier joins the
  tender's chat when there is one; and the order's shipment is created for that carrier (or, when the
  seller already created a ``pending`` one, assigned to them), which notifies both sides and the
  carrier (``shipment_created`` / ``shipment_updated``). The order, then the tender, are locked, so
  two selections at once award the tender once (the second is 400 ``Tender is not open``).
"""
import uuid

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import selectinload

from models.base import as_utc, utcnow
from models.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from models.invare import carriers, orders, shipments
from models.invare.chat import Chat, ChatParticipant
from models.invare.ids import as_uuid
from models.invare.money import to_money
from models.invare.tenders import ShippingOffer, ShippingTender

TENDER_NOT_FOUND = "Shipping tender not found"
OFFER_NOT_FOUND = "Offer not found"
NO_ACCESS = "You do not have access to this tender"
NOT_OPEN = "Tender is not open"
EXPIRED = "Tender has expired"
CARRIERS_ONLY = "Only available carriers can make offers"
TOP_DEFAULT, TOP_MAX = 3, 10


def load_tender(session, tender_id, *, lock=False):
    stmt = (select(ShippingTender).where(ShippingTender.id == as_uuid(tender_id, field="tenderId"))
            .options(selectinload(ShippingTender.selected_carrier_user)).execution_options(populate_existing=True))
    if lock:
        stmt = stmt.with_for_update(of=ShippingTender)
    tender = session.scalars(stmt).first()
    if tender is None:
        raise NotFound(TENDER_NOT_FOUND)
    return tender


def can_see(tender, order, caller):
    return (orders.can_see(order, caller) or caller.is_self(tender.selected_carrier_user_id)
            or (caller.is_carrier and tender.status == "open"))


def _visible(session, caller, tender):
    if not can_see(tender, orders.load(session, tender.order_id), caller):
        raise Forbidden(NO_ACCESS)
    return tender


def for_order(session, caller, order_id):
    order = orders.load(session, order_id)
    tender_id = session.scalar(select(ShippingTender.id).where(ShippingTender.order_id == order.id))
    if tender_id is None:
        raise NotFound(TENDER_NOT_FOUND)
    return _visible(session, caller, load_tender(session, tender_id))


def top_offers(session, caller, tender_id, *, limit=TOP_DEFAULT):
    """The tender's cheapest offers, cheapest first (ties: the earlier offer); ``limit`` clamped to 1..10."""
    tender = _visible(session, caller, load_tender(session, tender_id))
    limit = min(max(int(TOP_DEFAULT if limit is None else limit), 1), TOP_MAX)
    stmt = (select(ShippingOffer).where(ShippingOffer.tender_id == tender.id)
            .options(selectinload(ShippingOffer.carrier_user))
            .order_by(ShippingOffer.amount, ShippingOffer.created_at, ShippingOffer.id).limit(limit))
    return list(session.scalars(stmt))


def _require_open(tender, now):
    if tender.status != "open":
        raise RuleViolation(NOT_OPEN, field="tenderId")
    if as_utc(tender.expires_at) <= now:
        raise RuleViolation(EXPIRED, field="tenderId")


def _insert(session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def make_offer(session, caller, tender_id, data, *, now=None):
    """The caller's offer on the tender, created or replaced (one per carrier per tender)."""
    now = now or utcnow()
    if not (caller.is_carrier and carriers.is_available_carrier(session, caller.id)):
        raise Forbidden(CARRIERS_ONLY)
    if data.get("tenderId") is not None and as_uuid(data["tenderId"], field="tenderId") != as_uuid(tender_id):
        raise InvalidInput("tenderId does not match the tender in the path", field="tenderId")
    amount = to_money(data["amount"], field="amount")
    if amount <= 0:
        raise InvalidInput("amount must be greater than 0", field="amount")
    tender = load_tender(session, tender_id, lock=True)
    _require_open(tender, now)
    values = {"amount": amount, "currency": data.get("currency") or "SAR", "notes": data.get("notes")}
    insert = _insert(session)
    stmt = insert(ShippingOffer.__table__).values(id=uuid.uuid4(), tender_id=tender.id, carrier_user_id=caller.id,
                                                  created_at=now, updated_at=now, **values)
    stmt = stmt.on_conflict_do_update(index_elements=["tender_id", "carrier_user_id"],
                                      set_={**{key: stmt.excluded[key] for key in values}, "updated_at": now})
    session.execute(stmt)
    offer = session.scalars(select(ShippingOffer).where(ShippingOffer.tender_id == tender.id,
                                                        ShippingOffer.carrier_user_id == caller.id)
                            .options(selectinload(ShippingOffer.carrier_user))
                            .execution_options(populate_existing=True)).one()
    return offer


def _join_chats(session, tender, user_id):
    """The carrier joins the tender's chat(s), unless already in them."""
    linked = set(session.scalars(select(Chat.id).where(Chat.shipping_tender_id == tender.id)))
    if tender.chat_id is not None and session.get(Chat, tender.chat_id) is not None:
        linked.add(tender.chat_id)
    for chat_id in sorted(linked, key=str):
        present = session.scalar(select(ChatParticipant.id).where(ChatParticipant.chat_id == chat_id,
                                                                  ChatParticipant.user_id == user_id))
        if present is None:
            session.add(ChatParticipant(chat_id=chat_id, user_id=user_id))
    session.flush()


def select_offer(session, caller, tender_id, offer_id, *, now=None):
    now = now or utcnow()
    order_id = session.scalar(select(ShippingTender.order_id).where(
        ShippingTender.id == as_uuid(tender_id, field="tenderId")))
    if order_id is None:
        raise NotFound(TENDER_NOT_FOUND)
    order = orders.load(session, order_id, lock=True)
    if not (caller.is_admin or orders.BUYER in orders.sides(order, caller)):
        raise Forbidden("Only the buyer can select an offer")
    tender = load_tender(session, tender_id, lock=True)
    offer = session.scalars(select(ShippingOffer).where(ShippingOffer.id == as_uuid(offer_id, field="offerId"),
                                                        ShippingOffer.tender_id == tender.id)).first()
    if offer is None:
        raise NotFound(OFFER_NOT_FOUND)
    _require_open(tender, now)
    if not carriers.is_available_carrier(session, offer.carrier_user_id):
        raise RuleViolation(shipments.NOT_AVAILABLE, field="offerId")
    tender.status, tender.selected_carrier_user_id = "awarded", offer.carrier_user_id
    session.flush()
    _join_chats(session, tender, offer.carrier_user_id)
    shipments.for_selected_carrier(session, order, offer.carrier_user_id)
    session.flush()
    return load_tender(session, tender.id)
