"""Orders: a buyer (a company or a user) buys listings from one seller.

Sides: each order remembers the user who acts for each side (``buyer_party_id``: the buyer user, or
the buyer company's owner; ``seller_party_id`` likewise), so "my orders" is one indexed query. The
buyer side, the seller side, the creator and administrators see an order; nobody else does (403).

Prices and stock: an item's price is its listing's ``startingPrice`` (a different ``unitPrice`` is
refused), and the ordered quantity is taken from the listing's stock when the order is placed (rows
locked), and given back when the order is cancelled, expires or is deleted.

Statuses and who moves them (:data:`TRANSITIONS`; administrators may make every listed move)::

    pending -> paid        administrators (an offline payment; points and providers pay through their operations)
    pending -> cancelled   buyer or seller side
    paid    -> shipped     seller side (POST /orders/:id/ship)
    paid    -> cancelled   buyer or seller side (the escrow is refunded)
    paid | shipped | delivered -> completed   buyer side, not for points orders (the carrier confirms those)
    shipped -> delivered   buyer side, not for points orders
"""
import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Uuid, and_, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from models.base import Timestamps, UuidPk, utcnow
from models.errors import Forbidden, NotFound, RuleViolation
from models.invare import InvareBase, escrow, tenders
from models.invare.callers import FORBIDDEN, Caller  # noqa: F401
from models.invare.columns import Money, checked_enum
from models.invare.companies import Company
from models.invare.ids import as_uuid
from models.invare.listings import Listing
from models.invare.money import to_money
from models.invare.notifications import record_notification
from models.invare.paging import page_of
from models.invare.users import User

STATUSES = ("pending", "paid", "shipped", "delivered", "completed", "cancelled")
METHODS = ("points", "card", "thawani", "edfapay", "offline")
ORDER_NOT_FOUND = "Order not found"
NO_ACCESS = "You do not have access to this order"
BUYER = "buyer"
SELLER = "seller"
PARTIES = "parties"
ADMIN = "admin"
TRANSITIONS = {
    ("pending", "paid"): ADMIN, ("pending", "cancelled"): PARTIES, ("paid", "shipped"): SELLER,
    ("paid", "cancelled"): PARTIES, ("paid", "completed"): BUYER, ("shipped", "completed"): BUYER,
    ("delivered", "completed"): BUYER, ("shipped", "delivered"): BUYER,
}


class Order(UuidPk, Timestamps, InvareBase):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_buyer_party_created", "buyer_party_id", "created_at"),
                      Index("ix_orders_seller_party_created", "seller_party_id", "created_at"))

    status: Mapped[str] = mapped_column(checked_enum(STATUSES, "order_status", 16), default="pending")
    buyer_company_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("companies.id", ondelete="SET NULL"))
    buyer_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    seller_company_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("companies.id", ondelete="SET NULL"))
    seller_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    buyer_party_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="RESTRICT"))
    seller_party_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="RESTRICT"))
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"),
                                                                 index=True)
    payment_method: Mapped[str | None] = mapped_column(checked_enum(METHODS, "payment_method", 16))
    total: Mapped[Decimal] = mapped_column(Money)
    escrow_hours: Mapped[int | None] = mapped_column(Integer)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    items: Mapped[list["OrderItem"]] = relationship(back_populates="order", lazy="raise", cascade="all, delete-orphan",
                                                    passive_deletes=True, order_by="OrderItem.position")
    buyer_company = relationship(Company, foreign_keys=[buyer_company_id], lazy="raise")
    buyer_user = relationship(User, foreign_keys=[buyer_user_id], lazy="raise")
    seller_company = relationship(Company, foreign_keys=[seller_company_id], lazy="raise")
    seller_user = relationship(User, foreign_keys=[seller_user_id], lazy="raise")
    escrow = relationship(escrow.Escrow, primaryjoin="Order.id == Escrow.order_id", foreign_keys="Escrow.order_id",
                          uselist=False, lazy="raise", viewonly=True)


class OrderItem(UuidPk, InvareBase):
    __tablename__ = "order_items"

    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    listing_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("listings.id", ondelete="SET NULL"),
                                                         index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money)

    order: Mapped[Order] = relationship(back_populates="items", lazy="raise")
    listing = relationship(Listing, lazy="raise")


LOADS = (selectinload(Order.items).selectinload(OrderItem.listing), selectinload(Order.buyer_company),
         selectinload(Order.buyer_user), selectinload(Order.seller_company), selectinload(Order.seller_user),
         selectinload(Order.escrow))


# -- sides ----------------------------------------------------------------------------------------------

def owned_company(session, user_id):
    return session.scalars(select(Company).where(Company.owner_id == user_id)
                           .order_by(Company.created_at, Company.id).limit(1)).first()


def _company(session, company_id, field):
    company = session.get(Company, as_uuid(company_id, field=field))
    if company is None:
        raise NotFound("Company not found")
    return company


def _user(session, user_id, field):
    user = session.get(User, as_uuid(user_id, field=field))
    if user is None or user.account_status == "deleted":
        raise NotFound("User not found")
    return user


def resolve_side(session, caller, *, company_id, user_id, company_field, user_field):
    """``(company, user, acting user id)`` for a side given by ids, or the caller's own company, else the
    caller. Someone else's company or account is for administrators only (403)."""
    if company_id:
        company = _company(session, company_id, company_field)
        if not (caller.is_admin or company.owner_id == caller.id):
            raise Forbidden("You can only act for your own company")
        return company, None, company.owner_id
    if user_id:
        user = _user(session, user_id, user_field)
        if not (caller.is_admin or user.id == caller.id):
            raise Forbidden("You can only act for yourself")
        return None, user, user.id
    company = owned_company(session, caller.id)
    if company is not None:
        return company, None, caller.id
    return None, session.get(User, caller.id), caller.id


def seller_of(listing):
    """A listing's seller: its company when it has one, else its user."""
    return (listing.seller_company_id, None) if listing.seller_company_id else (None, listing.seller_user_id)


def party_of(session, company_id, user_id):
    if company_id:
        return session.get(Company, company_id).owner_id
    return user_id


# -- reads ----------------------------------------------------------------------------------------------

def load(session, order_id, *, lock=False):
    stmt = select(Order).where(Order.id == as_uuid(order_id)).options(*LOADS).execution_options(populate_existing=True)
    if lock:
        stmt = stmt.with_for_update(of=Order)
    order = session.scalars(stmt).first()
    if order is None:
        raise NotFound(ORDER_NOT_FOUND)
    return order


def sides(order, caller):
    found = set()
    if caller.is_self(order.buyer_party_id):
        found.add(BUYER)
    if caller.is_self(order.seller_party_id):
        found.add(SELLER)
    return found


def can_see(order, caller):
    return caller.is_admin or bool(sides(order, caller)) or caller.is_self(order.created_by_user_id)


def view(session, caller, order_id, *, lock=False):
    order = load(session, order_id, lock=lock)
    if not can_see(order, caller):
        raise Forbidden(NO_ACCESS)
    return order


def list_orders(session, caller, *, page, limit, role="all"):
    """Administrators: every order (``GET /orders``); anyone else: the orders on their side(s)."""
    stmt = select(Order).options(*LOADS).order_by(Order.created_at.desc(), Order.id)
    if role == BUYER:
        stmt = stmt.where(Order.buyer_party_id == caller.id)
    elif role == SELLER:
        stmt = stmt.where(Order.seller_party_id == caller.id)
    elif role == "all" or not caller.is_admin:
        stmt = stmt.where(or_(Order.buyer_party_id == caller.id, Order.seller_party_id == caller.id,
                              Order.created_by_user_id == caller.id))
    return page_of(session, stmt, page=page, limit=limit)


# -- placing --------------------------------------------------------------------------------------------

def _locked_listings(session, ids):
    stmt = (select(Listing).where(Listing.id.in_(ids)).order_by(Listing.id).with_for_update(of=Listing)
            .execution_options(populate_existing=True))
    return {listing.id: listing for listing in session.scalars(stmt)}


def create_order(session, caller, data, *, now=None):
    now = now or utcnow()
    lines = [(as_uuid(item["listingId"], field="items.listingId"), item) for item in data["items"]]
    listings = _locked_listings(session, sorted({listing_id for listing_id, _ in lines}))
    seller = None
    for listing_id, item in lines:
        listing = listings.get(listing_id)
        if listing is None:
            raise NotFound("Listing not found")
        if listing.status != "active" or (listing.expires_at is not None and _aware(listing.expires_at) <= now):
            raise RuleViolation("Listing is not available", field="items.listingId")
        if seller is not None and seller_of(listing) != seller:
            raise RuleViolation("All items must belong to the same seller", field="items")
        seller = seller_of(listing)
        if "unitPrice" in item and to_money(item["unitPrice"], field="items.unitPrice") != Decimal(listing.starting_price):
            raise RuleViolation("unitPrice does not match the listing price", field="items.unitPrice")
    seller_company_id, seller_user_id = seller
    given_company = as_uuid(data.get("sellerCompanyId"), field="sellerCompanyId")
    given_user = as_uuid(data.get("sellerUserId"), field="sellerUserId")
    if (given_company and given_company != seller_company_id) or \
            (given_user and seller_company_id is None and given_user != seller_user_id):
        raise RuleViolation("The seller does not match the listings' seller", field="sellerCompanyId")
    company, user, buyer_party = resolve_side(session, caller, company_id=data.get("buyerCompanyId"),
                                              user_id=data.get("buyerUserId"), company_field="buyerCompanyId",
                                              user_field="buyerUserId")
    seller_party = party_of(session, seller_company_id, seller_user_id)
    if buyer_party == seller_party or (company is not None and company.id == seller_company_id):
        raise RuleViolation("You cannot order your own listing", field="items.listingId")
    created_by = as_uuid(data.get("createdByUserId"), field="createdByUserId") or caller.id
    if created_by != caller.id and not caller.is_admin:
        raise Forbidden("You can only act for yourself")
    order = Order(buyer_company_id=company.id if company else None, buyer_user_id=user.id if user else None,
                  seller_company_id=seller_company_id, seller_user_id=seller_user_id, buyer_party_id=buyer_party,
                  seller_party_id=seller_party, created_by_user_id=created_by, status="pending", total=Decimal("0"))
    total = Decimal("0.00")
    for position, (listing_id, item) in enumerate(lines):
        listing = listings[listing_id]
        if listing.stock_amount < item["quantity"]:
            raise RuleViolation("Not enough stock for this listing", field="items.quantity")
        listing.stock_amount -= item["quantity"]
        order.items.append(OrderItem(listing_id=listing_id, position=position, quantity=item["quantity"],
                                     unit_price=Decimal(listing.starting_price)))
        total += Decimal(listing.starting_price) * item["quantity"]
    order.total = total
    session.add(order)
    session.flush()
    return load(session, order.id)


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def _give_back_stock(session, order):
    listings = _locked_listings(session, sorted({i.listing_id for i in order.items if i.listing_id}))
    for item in order.items:
        if item.listing_id in listings:
            listings[item.listing_id].stock_amount += item.quantity


# -- paying and moving ----------------------------------------------------------------------------------

def _notify_sides(session, order, type, title, body):
    for user_id in {order.buyer_party_id, order.seller_party_id}:
        record_notification(session, user_id, type, title, body, data={"orderId": str(order.id)})


def mark_paid(session, order, *, method, now=None):
    """The order is paid (points escrow held, a provider's payment succeeded, or an administrator's
    offline payment): ``paid``, its shipping tender opens, both sides are told (``order_paid``)."""
    now = now or utcnow()
    order.status, order.payment_method, order.paid_at = "paid", method, now
    tenders.open_for(session, order, now=now)
    _notify_sides(session, order, "order_paid", "Order paid", f"Order {order.id} has been paid")


def checkout_points(session, caller, order_id, *, now=None):
    now = now or utcnow()
    order = view(session, caller, order_id, lock=True)
    if BUYER not in sides(order, caller):
        raise Forbidden("Only the buyer can pay for this order")
    if order.status != "pending":
        raise RuleViolation("Order is not pending payment", field="status")
    escrow.hold(session, order=order, payer_id=caller.id, now=now)
    mark_paid(session, order, method="points", now=now)
    session.flush()
    return load(session, order.id)


def set_escrow_hours(session, caller, order_id, hours):
    if not caller.is_carrier:
        raise Forbidden("Only carriers can set escrow hours")
    order = load(session, order_id, lock=True)
    if order.status != "pending":
        raise RuleViolation("Escrow hours can only be set before checkout", field="hours")
    order.escrow_hours = hours
    session.flush()
    return order


def _require(order, caller, who):
    if caller.is_admin:
        return
    mine = sides(order, caller)
    allowed = {BUYER: {BUYER}, SELLER: {SELLER}, PARTIES: {BUYER, SELLER}, ADMIN: set()}[who]
    if not mine & allowed:
        raise Forbidden(FORBIDDEN if who == ADMIN else f"Only the {'buyer or seller' if who == PARTIES else who} "
                                                       f"can do this")


def change_status(session, caller, order_id, status, *, reason=None, now=None):
    order = view(session, caller, order_id, lock=True)
    if status == order.status and status != "cancelled":
        return order
    who = TRANSITIONS.get((order.status, status))
    if who is None:
        raise RuleViolation(f"Cannot change order status from {order.status} to {status}", field="status")
    _require(order, caller, who)
    if status in ("delivered", "completed") and order.payment_method == "points":
        raise RuleViolation("Points orders are confirmed by the assigned carrier via /shipments", field="status")
    if status == "cancelled":
        return cancel(session, caller, order, reason=reason, now=now)
    if status == "paid":
        mark_paid(session, order, method="offline", now=now)
    else:
        order.status = status
        if status == "completed":
            escrow.record_fees(session, order, points=False)
        _notify_sides(session, order, "order_status_changed", "Order status changed",
                      f"Order {order.id} is now {status}")
    session.flush()
    return load(session, order.id)


def cancel(session, caller, order, *, reason=None, now=None, note="order cancelled"):
    if order.status not in ("pending", "paid"):
        raise RuleViolation(f"Cannot cancel an order that is {order.status}", field="status")
    if caller is not None:
        _require(order, caller, PARTIES)
    held = escrow.held_for(session, order.id)
    if held is not None:
        escrow.refund(session, held, note=note, now=now)
    _give_back_stock(session, order)
    tenders.close_for(session, order.id)
    order.status, order.cancel_reason = "cancelled", reason
    _notify_sides(session, order, "order_status_changed", "Order cancelled", f"Order {order.id} was cancelled")
    session.flush()
    return load(session, order.id)


def ship(session, caller, order_id, *, now=None):
    order = view(session, caller, order_id, lock=True)
    _require(order, caller, SELLER)
    if order.status != "paid":
        raise RuleViolation("Only paid orders can be shipped", field="status")
    return change_status(session, caller, order.id, "shipped", now=now)


def confirm_delivery(session, caller, order_id, *, now=None):
    order = view(session, caller, order_id, lock=True)
    _require(order, caller, BUYER)
    if order.payment_method == "points":
        raise RuleViolation("Points orders are confirmed by the assigned carrier via /shipments", field="status")
    if order.status not in ("paid", "shipped", "delivered"):
        raise RuleViolation(f"Cannot confirm delivery of an order that is {order.status}", field="status")
    return change_status(session, caller, order.id, "completed", now=now)


def complete_by_carrier(session, order, *, now=None):
    """The assigned carrier confirmed delivery: a points order's escrow is released to the seller, and
    the order completes (fees recorded), in the caller's transaction."""
    if order.status in ("completed", "cancelled"):
        raise RuleViolation(f"Order is already {order.status}", field="status")
    held = escrow.held_for(session, order.id)
    if held is not None:
        escrow.release(session, held, seller_id=order.seller_party_id, now=now)
    order.status = "completed"
    escrow.record_fees(session, order, points=order.payment_method == "points")
    _notify_sides(session, order, "order_status_changed", "Order completed", f"Order {order.id} was delivered")
    session.flush()
    return order


def delete_order(session, caller, order_id):
    """Administrators delete any order without held points; the buyer side a pending order of theirs."""
    order = view(session, caller, order_id, lock=True)
    if not caller.is_admin and not (BUYER in sides(order, caller) and order.status == "pending"):
        raise Forbidden("Only administrators, or the buyer while the order is pending, can delete an order")
    if escrow.held_for(session, order.id) is not None:
        raise RuleViolation("Cancel the order first: its points are held in escrow", field="id")
    if order.status == "pending":
        _give_back_stock(session, order)
    session.delete(order)
    session.flush()


def expire_escrows(database, now):
    """Job ``escrow-expiry``: held escrows past their expiry whose order is still unshipped are refunded
    and the order cancelled. Each escrow is taken with ``FOR UPDATE SKIP LOCKED`` and re-checked, so
    two runs at once refund each escrow once."""
    refunded = 0
    while True:
        with database.unit_of_work() as uow:
            batch = escrow.due(uow.session, now, limit=50)
            for held in batch:
                order = load(uow.session, held.order_id, lock=True)
                cancel(uow.session, None, order, reason="Escrow expired", now=now, note="escrow expired")
                refunded += 1
            uow.commit()
        if len(batch) < 50:
            return {"refunded": refunded}


__all__ = ["Order", "OrderItem", "and_"]
