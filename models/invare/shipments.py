"""Shipments: how a paid order travels from its seller to its buyer, and who carries it.

An order has at most one shipment (``order_id`` is unique: a second ``POST /shipments`` is 409; an
administrator deletes a cancelled shipment to make way for a new one). The seller side or an
administrator creates it for a ``paid`` or ``shipped`` order; selecting a tender offer creates it too
(or assigns the existing one), for the selected carrier. Its carrier is a carrier user
(``carrierUser``, who must be a carrier with an available profile) and/or an outside carrier's name
(``carrier``, e.g. DHL).

Statuses (:data:`TRANSITIONS`)::

    pending    -> in_transit   the assigned carrier (or an administrator) confirms pickup: pickedUpAt,
                               shippedAt; a ``paid`` order becomes ``shipped`` (its escrow no longer expires)
    in_transit -> delivered    the assigned carrier (or an administrator) confirms delivery: deliveredAt; the
                               order completes and a points order's escrow is released to the seller, in the
                               same transaction
    pending | in_transit -> cancelled   the assigned carrier or an administrator

Moving a shipment that has no carrier user to ``in_transit`` or ``delivered`` is 400; a carrier who is
not the assigned one gets 403. Every write locks the order first, then the shipment (the order every
area that touches an order follows), so two confirmations at once complete the order once.

Who sees a shipment: administrators, the order's buyer and seller sides (and its creator), and the
assigned carrier. Both sides (and the assigned carrier) get ``shipment_created`` / ``shipment_updated``
notifications.
"""
import datetime as dt
import uuid

from sqlalchemy import DateTime, ForeignKey, Index, String, Uuid, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from models.base import Timestamps, UuidPk, as_utc, utcnow
from models.errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from models.invare import InvareBase, carriers, orders
from models.invare.columns import checked_enum
from models.invare.ids import as_uuid
from models.invare.notifications import record_notification
from models.invare.paging import page_of
from models.invare.tenders import ShippingTender
from models.invare.users import User, get_open_user

STATUSES = ("pending", "in_transit", "delivered", "cancelled")
TRANSITIONS = {("pending", "in_transit"), ("pending", "cancelled"), ("in_transit", "delivered"),
               ("in_transit", "cancelled")}
SHIPMENT_NOT_FOUND = "Shipment not found"
NO_ACCESS = "You do not have access to this shipment"
NOT_ASSIGNED = "You are not the assigned carrier for this shipment"
NO_CARRIER = "Shipment has no assigned carrier"
NOT_A_CARRIER = "User is not a carrier"
NOT_AVAILABLE = "Carrier is not available"


class Shipment(UuidPk, Timestamps, InvareBase):
    __tablename__ = "shipments"
    __table_args__ = (Index("ix_shipments_carrier_user_created", "carrier_user_id", "created_at"),)

    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("orders.id", ondelete="CASCADE"), unique=True)
    carrier_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    carrier: Mapped[str | None] = mapped_column(String(100))
    tracking_number: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(checked_enum(STATUSES, "shipment_status", 16), default="pending")
    shipped_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    picked_up_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    carrier_user = relationship(User, foreign_keys=[carrier_user_id], lazy="raise")


LOADS = (selectinload(Shipment.carrier_user),)


# -- reads ----------------------------------------------------------------------------------------------

def load(session, shipment_id, *, lock=False):
    stmt = (select(Shipment).where(Shipment.id == as_uuid(shipment_id)).options(*LOADS)
            .execution_options(populate_existing=True))
    if lock:
        stmt = stmt.with_for_update(of=Shipment)
    shipment = session.scalars(stmt).first()
    if shipment is None:
        raise NotFound(SHIPMENT_NOT_FOUND)
    return shipment


def of_order(session, order_id, *, lock=False):
    stmt = select(Shipment).where(Shipment.order_id == order_id).options(*LOADS).execution_options(
        populate_existing=True)
    if lock:
        stmt = stmt.with_for_update(of=Shipment)
    return session.scalars(stmt).first()


def _locked(session, shipment_id):
    """``(shipment, order)``, both locked: the order first, then the shipment (re-read under the lock)."""
    order_id = session.scalar(select(Shipment.order_id).where(Shipment.id == as_uuid(shipment_id)))
    if order_id is None:
        raise NotFound(SHIPMENT_NOT_FOUND)
    order = orders.load(session, order_id, lock=True)
    return load(session, shipment_id, lock=True), order


def can_see(shipment, order, caller):
    return orders.can_see(order, caller) or caller.is_self(shipment.carrier_user_id)


def view(session, caller, shipment_id):
    shipment = load(session, shipment_id)
    if not can_see(shipment, orders.load(session, shipment.order_id), caller):
        raise Forbidden(NO_ACCESS)
    return shipment


def for_order(session, caller, order_id):
    """The order's shipments (none or one): the order's sides and administrators, or its assigned carrier."""
    order = orders.load(session, order_id)
    shipment = of_order(session, order.id)
    if orders.can_see(order, caller):
        return [shipment] if shipment else []
    if shipment is not None and caller.is_self(shipment.carrier_user_id):
        return [shipment]
    raise Forbidden(orders.NO_ACCESS)


def of_carrier(session, carrier_user_id, *, page, limit):
    stmt = (select(Shipment).where(Shipment.carrier_user_id == as_uuid(carrier_user_id, field="carrierUserId"))
            .options(*LOADS).order_by(Shipment.created_at.desc(), Shipment.id))
    return page_of(session, stmt, page=page, limit=limit)


# -- carriers and notifications -------------------------------------------------------------------------

def available_carrier(session, user_id, *, field="carrierUserId"):
    """The user, who must be a carrier (403 otherwise, as the reference says) with an available profile (400)."""
    user = get_open_user(session, as_uuid(user_id, field=field))
    if not user.is_carrier:
        raise Forbidden(NOT_A_CARRIER)
    if not carriers.is_available_carrier(session, user.id) or user.account_status != "active":
        raise RuleViolation(NOT_AVAILABLE, field=field)
    return user


def _notify(session, shipment, order, type, title, body):
    recipients = {order.buyer_party_id, order.seller_party_id}
    if shipment.carrier_user_id is not None:
        recipients.add(shipment.carrier_user_id)
    for user_id in sorted(recipients, key=str):
        record_notification(session, user_id, type, title, body,
                            data={"orderId": str(order.id), "shipmentId": str(shipment.id)})


def _reload(session, shipment):
    session.flush()
    return load(session, shipment.id)


# -- creating and assigning -----------------------------------------------------------------------------

def create(session, caller, data, *, now=None):
    now = now or utcnow()
    order = orders.load(session, as_uuid(data["orderId"], field="orderId"), lock=True)
    if not (caller.is_admin or orders.SELLER in orders.sides(order, caller)):
        raise Forbidden("Only the seller or an administrator can create a shipment")
    if order.status not in ("paid", "shipped"):
        raise RuleViolation("Only paid orders can be shipped", field="orderId")
    if of_order(session, order.id, lock=True) is not None:
        raise Conflict("Order already has a shipment")
    selected = session.scalar(select(ShippingTender.selected_carrier_user_id).where(
        ShippingTender.order_id == order.id, ShippingTender.status == "awarded"))
    carrier_id = as_uuid(data.get("carrierUserId"), field="carrierUserId") or selected
    if carrier_id is not None:
        if not caller.is_admin and carrier_id != selected:
            raise Forbidden("Only administrators can assign a carrier other than the tender's selected carrier")
        available_carrier(session, carrier_id)
    status = data.get("status") or "pending"
    shipment = Shipment(id=uuid.uuid4(), order_id=order.id, carrier_user_id=carrier_id, carrier=data.get("carrier"),
                        tracking_number=data.get("trackingNumber"), status=status)
    if data.get("shippedAt") is not None:
        shipment.shipped_at = parse_timestamp(data["shippedAt"], field="shippedAt")
    if status == "in_transit":
        shipment.shipped_at = shipment.shipped_at or now
        _order_shipped(order)
    session.add(shipment)
    try:
        session.flush()
    except IntegrityError:
        raise Conflict("Order already has a shipment") from None
    _notify(session, shipment, order, "shipment_created", "Shipment created",
            f"A shipment was created for order {order.id}")
    return _reload(session, shipment)


def assign(session, caller, shipment_id, carrier_user_id):
    """Administrators: the shipment's carrier user (a carrier with an available profile), while it is
    ``pending`` or ``in_transit``."""
    caller.require_admin()
    shipment, order = _locked(session, shipment_id)
    if shipment.status not in ("pending", "in_transit"):
        raise RuleViolation(f"Cannot assign a carrier to a shipment that is {shipment.status}", field="shipmentId")
    carrier = available_carrier(session, carrier_user_id)
    shipment.carrier_user_id = carrier.id
    _notify(session, shipment, order, "shipment_updated", "Carrier assigned",
            f"A carrier was assigned to the shipment of order {order.id}")
    return _reload(session, shipment)


def for_selected_carrier(session, order, carrier_id):
    """A tender's offer was selected: the order's shipment, assigned to that carrier (created ``pending``
    when there is none). The caller holds the order's lock."""
    shipment = of_order(session, order.id, lock=True)
    if shipment is None:
        shipment = Shipment(id=uuid.uuid4(), order_id=order.id, carrier_user_id=carrier_id, status="pending")
        session.add(shipment)
        session.flush()
        _notify(session, shipment, order, "shipment_created", "Shipment created",
                f"A carrier was selected for order {order.id}")
        return shipment
    if shipment.status != "pending":
        raise RuleViolation(f"The order's shipment is already {shipment.status}", field="offerId")
    shipment.carrier_user_id = carrier_id
    _notify(session, shipment, order, "shipment_updated", "Carrier assigned",
            f"A carrier was selected for order {order.id}")
    return shipment


# -- moving ---------------------------------------------------------------------------------------------

def _require_assigned(shipment, caller):
    """The assigned carrier or an administrator; 400 when no carrier user is assigned."""
    if caller.is_admin:
        return
    if shipment.carrier_user_id is None:
        raise RuleViolation(NO_CARRIER, field="carrierUserId")
    if not caller.is_self(shipment.carrier_user_id):
        raise Forbidden(NOT_ASSIGNED)


def _order_shipped(order):
    if order.status == "paid":
        order.status = "shipped"


def _move(session, shipment, order, status, *, at=None, now=None):
    now = now or utcnow()
    if (shipment.status, status) not in TRANSITIONS:
        raise RuleViolation(f"Cannot change shipment status from {shipment.status} to {status}", field="status")
    if status in ("in_transit", "delivered") and shipment.carrier_user_id is None:
        raise RuleViolation(NO_CARRIER, field="carrierUserId")
    if status == "in_transit":
        shipment.picked_up_at = at or now
        shipment.shipped_at = shipment.shipped_at or at or now
        _order_shipped(order)
    elif status == "delivered":
        shipment.delivered_at = at or now
        orders.complete_by_carrier(session, order, now=now)
    shipment.status = status
    _notify(session, shipment, order, "shipment_updated", "Shipment updated",
            f"The shipment of order {order.id} is now {status}")


def confirm_pickup(session, caller, shipment_id, *, now=None):
    shipment, order = _locked(session, shipment_id)
    _require_assigned(shipment, caller)
    _move(session, shipment, order, "in_transit", now=now)
    return _reload(session, shipment)


def confirm_delivery(session, caller, shipment_id, *, now=None):
    """``(shipment, order)`` once delivered: the order completed and its escrow released, in this transaction."""
    shipment, order = _locked(session, shipment_id)
    _require_assigned(shipment, caller)
    _move(session, shipment, order, "delivered", now=now)
    return _reload(session, shipment), order


def update(session, caller, shipment_id, data, *, now=None):
    """``PATCH``: the assigned carrier or an administrator change the outside carrier's name, the tracking
    number, the times, and the status (a status move does what the confirmations do)."""
    shipment, order = _locked(session, shipment_id)
    _require_assigned(shipment, caller)
    if "carrier" in data:
        shipment.carrier = data["carrier"]
    if "trackingNumber" in data:
        shipment.tracking_number = data["trackingNumber"]
    times = {}
    for key in ("shippedAt", "deliveredAt"):
        if data.get(key) is not None:
            times[key] = parse_timestamp(data[key], field=key)
    if "shippedAt" in times:
        shipment.shipped_at = times["shippedAt"]
    status = data.get("status")
    if status is not None and status != shipment.status:
        _move(session, shipment, order, status, at=times.get("deliveredAt") if status == "delivered" else None,
              now=now)
    else:
        if "deliveredAt" in times:
            if shipment.status != "delivered":
                raise RuleViolation("deliveredAt is set by delivering the shipment", field="deliveredAt")
            shipment.delivered_at = times["deliveredAt"]
        _notify(session, shipment, order, "shipment_updated", "Shipment updated",
                f"The shipment of order {order.id} was updated")
    return _reload(session, shipment)


def delete(session, caller, shipment_id):
    caller.require_admin()
    shipment, _ = _locked(session, shipment_id)
    session.delete(shipment)
    session.flush()


def parse_timestamp(value, *, field):
    if isinstance(value, dt.datetime):
        return as_utc(value)
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"{field} must be a valid ISO 8601 date string", field=field) from None
    return as_utc(parsed)
