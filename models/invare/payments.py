"""Payments of orders: records made by the buyer side (``POST /payments``), hosted checkouts with Thawani
and EdfaPay, and what their webhooks say once the provider confirms it.

Who does what:

* the buyer side of an order (or an administrator) records a payment for it: ``pending``, for the order's
  total, while the order is ``pending``;
* the buyer side starts a hosted checkout (Thawani or EdfaPay) for a ``pending`` order of theirs: the
  order's newest unsent ``pending`` payment is used (the web client records one first), else a new one;
* the buyer side, the seller side, the order's creator and administrators read an order's payments;
  anyone else gets 403, and a payment or order that does not exist is 404;
* only administrators change a payment's status (``PATCH``) or delete one (``DELETE``).

Statuses: ``pending`` → ``authorized`` → ``settled`` → ``succeeded`` (money received; the dashboard's
``totalIncome`` sums these), or ``failed`` / ``cancelled``; ``succeeded`` → ``refunded``. A payment that
becomes ``succeeded`` pays its order when the order is still ``pending`` (``orders.mark_paid``: the
tender opens, both sides get ``order_paid``); a payment that becomes ``failed`` tells the buyer side
(``payment_failed``) and leaves the order ``pending`` so that it can be paid again.

Webhooks are only *hints*: a Thawani webhook names a session, which is retrieved from Thawani; an EdfaPay
callback must carry a valid ``hash`` and is then checked with EdfaPay's transaction-status call. The
provider's answer is believed only when it names this payment and its amount equals the payment's.
Applying an outcome is idempotent: a payment already ``succeeded`` (or already ``failed``, for a failure)
stays as it is and nothing else changes.

A payment outlives its order: deleting an order leaves its payments (``order`` null), visible to
administrators, so income is never lost.
"""
import datetime as dt
import logging
import uuid
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import DateTime, ForeignKey, Index, Numeric, String, Uuid, func, select
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Timestamps, UuidPk, utcnow
from models.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from models.invare import InvareBase, orders
from models.invare.columns import Money, checked_enum
from models.invare.ids import as_uuid
from models.invare.money import to_money
from models.invare.notifications import record_notification

log = logging.getLogger("models.invare.payments")

STATUSES = ("pending", "authorized", "settled", "succeeded", "failed", "cancelled", "refunded")
OPEN = ("pending", "authorized", "settled")
METHODS = ("card", "thawani", "edfapay", "offline")
PROVIDERS = ("thawani", "edfapay")
SUCCEEDED = "succeeded"
FAILED = "failed"
PAYMENT_NOT_FOUND = "Payment not found"
NOT_PENDING = "Order is not pending payment"


class Payment(UuidPk, Timestamps, InvareBase):
    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_order_id_created_at", "order_id", "created_at"),
                      Index("ix_payments_status", "status"),
                      Index("ix_payments_provider_ref", "provider_ref"))

    order_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("orders.id", ondelete="SET NULL"))
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="SAR")
    # What a hosted checkout asks the provider to charge, in the provider's currency (Thawani: OMR, 3 decimals);
    # ``amount`` stays the order's worth in SAR. Null until a checkout starts.
    charged_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 3))
    charged_currency: Mapped[str | None] = mapped_column(String(3))
    method: Mapped[str] = mapped_column(checked_enum(METHODS, "payment_record_method", 16))
    status: Mapped[str] = mapped_column(checked_enum(STATUSES, "payment_status", 16), default="pending")
    transaction_id: Mapped[str | None] = mapped_column(String(255))
    provider_ref: Mapped[str | None] = mapped_column(String(255))  # Thawani session id / EdfaPay transaction
    payer_email: Mapped[str | None] = mapped_column(String(256))   # what EdfaPay's callback hash is keyed on
    failure_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    paid_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


# -- reads ----------------------------------------------------------------------------------------------

def _load(session, payment_id, *, lock=False):
    stmt = select(Payment).where(Payment.id == as_uuid(payment_id)).execution_options(populate_existing=True)
    if lock:
        stmt = stmt.with_for_update()
    payment = session.scalars(stmt).first()
    if payment is None:
        raise NotFound(PAYMENT_NOT_FOUND)
    return payment


def view(session, caller, payment_id):
    """One payment: the order's buyer side, seller side, creator, and administrators (403 for others)."""
    payment = _load(session, payment_id)
    if caller.is_admin:
        return payment
    if payment.order_id is None:
        raise Forbidden(orders.NO_ACCESS)
    orders.view(session, caller, payment.order_id)
    return payment


def for_order(session, caller, order_id):
    order = orders.view(session, caller, order_id)
    return list(session.scalars(select(Payment).where(Payment.order_id == order.id)
                                .order_by(Payment.created_at.desc(), Payment.id)))


def total_income(session):
    """The sum of ``amount`` over ``succeeded`` payments (the admin dashboard's ``totalIncome``)."""
    total = session.scalar(select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.status == SUCCEEDED))
    return Decimal(total or 0)


# -- recording ------------------------------------------------------------------------------------------

def _payable(session, caller, order_id, *, admin_may):
    """The order, locked, when the caller may pay it (its buyer side; administrators when ``admin_may``)
    and it is ``pending``."""
    order = orders.view(session, caller, order_id, lock=True)
    if orders.BUYER not in orders.sides(order, caller) and not (admin_may and caller.is_admin):
        raise Forbidden("Only the buyer can pay for this order")
    if order.status != "pending":
        raise RuleViolation(NOT_PENDING, field="orderId")
    return order


def create(session, caller, data):
    order = _payable(session, caller, as_uuid(data["orderId"], field="orderId"), admin_may=True)
    amount = to_money(data["amount"], field="amount")
    if amount != Decimal(order.total):
        raise RuleViolation("amount does not match the order total", field="amount")
    payment = Payment(order_id=order.id, amount=amount, currency="SAR", method=data.get("method") or "card",
                      status="pending", transaction_id=data.get("transactionId"), created_by_user_id=caller.id)
    session.add(payment)
    session.flush()
    return payment


ORDER_CURRENCY = "SAR"  # what listings and orders are priced in
CURRENCY_DECIMALS = {"SAR": 2, "OMR": 3}


def charge(total, currency, rate):
    """The order total (SAR) in the provider's ``currency`` at ``rate`` (units of it per SAR), rounded half
    up to the currency's decimals."""
    places = Decimal(1).scaleb(-CURRENCY_DECIMALS.get(currency, 2))
    return (Decimal(total) * Decimal(rate)).quantize(places, rounding=ROUND_HALF_UP)


def charged(payment):
    """``(amount, currency)`` the provider was asked for: the checkout's, else the payment's own."""
    if payment.charged_amount is not None:
        return Decimal(payment.charged_amount), payment.charged_currency
    return Decimal(payment.amount), payment.currency


def start_checkout(session, caller, order_id, *, provider, currency, rate=1, payer_email=None):
    """The payment a hosted checkout is for: the order's newest ``pending`` payment not yet sent to a
    provider (``card`` or this provider's), else a new one; its method becomes ``provider``. The payment
    is worth the order total in SAR; the provider is asked for that total in ``currency`` at ``rate``."""
    order = _payable(session, caller, order_id, admin_may=False)
    stmt = (select(Payment).where(Payment.order_id == order.id, Payment.status == "pending",
                                  Payment.provider_ref.is_(None), Payment.method.in_(("card", provider)))
            .order_by(Payment.created_at.desc(), Payment.id).limit(1).with_for_update())
    payment = session.scalars(stmt).first()
    if payment is None:
        payment = Payment(order_id=order.id, status="pending", created_by_user_id=caller.id)
        session.add(payment)
    payment.method, payment.amount, payment.currency = provider, Decimal(order.total), ORDER_CURRENCY
    payment.charged_amount, payment.charged_currency = charge(order.total, currency, rate), currency
    payment.payer_email = payer_email
    session.flush()
    return payment, order


def checkout_started(session, payment_id, provider_ref):
    payment = _load(session, payment_id, lock=True)
    payment.provider_ref = provider_ref
    session.flush()
    return payment


# -- outcomes -------------------------------------------------------------------------------------------

def _succeed(session, payment, order, *, transaction_id=None, now=None):
    now = now or utcnow()
    payment.status, payment.paid_at, payment.failure_reason = SUCCEEDED, now, None
    if transaction_id:
        payment.transaction_id = transaction_id
    if order is None or order.status != "pending":
        log.warning("payment %s succeeded for order %s, which is %s: left as it is (refund by an administrator)",
                    payment.id, payment.order_id, order.status if order else "deleted")
        return "paid but the order is not pending"
    orders.mark_paid(session, order, method=payment.method, now=now)
    return "paid"


def _fail(session, payment, order, *, reason, transaction_id=None):
    payment.status, payment.failure_reason = FAILED, (reason or "")[:500] or None
    if transaction_id:
        payment.transaction_id = transaction_id
    if order is not None:
        record_notification(session, order.buyer_party_id, "payment_failed", "Payment failed",
                            f"The payment for order {order.id} failed", data={"orderId": str(order.id),
                                                                                   "paymentId": str(payment.id)})
    return "failed"


def _locked_pair(session, payment_id):
    """The payment and its order, the order locked first (the order every writer takes them in)."""
    payment = _load(session, payment_id)
    order = orders.load(session, payment.order_id, lock=True) if payment.order_id else None
    return _load(session, payment.id, lock=True), order


def apply_outcome(session, payment_id, *, outcome, amount, reason=None, transaction_id=None, now=None):
    """What a provider confirmed for the payment (``outcome``: ``paid``, ``failed`` or ``pending``, with the
    ``amount`` it reports): applied once. Returns a short word for the log and the webhook's answer."""
    payment, order = _locked_pair(session, payment_id)
    if outcome == "pending":
        return "pending"
    expected, _currency = charged(payment)
    if (amount is None and outcome == "paid") or (amount is not None and Decimal(amount) != expected):
        log.warning("payment %s: provider reports %s, the payment is for %s: not believed", payment.id, amount,
                    expected)
        raise InvalidInput("The payment amount does not match", field="amount")
    if payment.status == SUCCEEDED or payment.status == "refunded":
        return "already processed"
    if outcome == "paid":
        result = _succeed(session, payment, order, transaction_id=transaction_id, now=now)
    elif payment.status == FAILED or payment.status == "cancelled":
        return "already processed"
    else:
        result = _fail(session, payment, order, reason=reason, transaction_id=transaction_id)
    session.flush()
    return result


def provider_payment(session, payment_id):
    """The payment a provider's message names (its reference is our payment id), unlocked; 404 otherwise."""
    try:
        parsed = uuid.UUID(str(payment_id))
    except ValueError:
        raise NotFound(PAYMENT_NOT_FOUND) from None
    return _load(session, parsed)


# -- administrators ---------------------------------------------------------------------------------------

def change_status(session, caller, payment_id, status, *, now=None):
    """Administrators: ``pending``/``authorized``/``settled`` may become any other status; ``succeeded`` only
    ``refunded``; ``failed``, ``cancelled`` and ``refunded`` are final. The same status changes nothing."""
    caller.require_admin()
    payment, order = _locked_pair(session, payment_id)
    if status == payment.status:
        return payment
    allowed = (payment.status in OPEN and status != "pending") or (payment.status == SUCCEEDED and status == "refunded")
    if not allowed:
        raise RuleViolation(f"Cannot change payment status from {payment.status} to {status}", field="status")
    if status == SUCCEEDED:
        _succeed(session, payment, order, now=now)
    elif status == FAILED:
        _fail(session, payment, order, reason="Marked failed by an administrator")
    else:
        payment.status = status
    session.flush()
    return payment


def delete(session, caller, payment_id):
    """Administrators delete a payment that never received money (not ``succeeded`` or ``refunded``)."""
    caller.require_admin()
    payment = _load(session, payment_id, lock=True)
    if payment.status in (SUCCEEDED, "refunded"):
        raise RuleViolation("A payment that received money cannot be deleted", field="id")
    session.delete(payment)
    session.flush()
