"""Wallet points as a ledger: every movement of a user's points is one immutable ``wallet_entries`` row,
written in the same transaction as the change to the user's balances.

A user has two amounts on their row (``users.points_balance``: spendable, ``users.frozen_points``: held
in escrow for orders paid with points). Each entry records how it moved them (``balance_delta``,
``frozen_delta``), so at any moment ``points_balance == sum(balance_delta)`` and ``frozen_points ==
sum(frozen_delta)`` over that user's entries (:func:`ledger_totals` computes both; tests check it after
every test).

Movements (``kind``):

- ``credit``: points added by an administrator (``actor_id`` says who), ``+balance``;
- ``freeze``: a points checkout holds the order's total in escrow, ``-balance +frozen``;
- ``refund``: the escrow goes back to the buyer (order cancelled, escrow expired), ``-frozen +balance``;
- ``release``: the escrow leaves the buyer on delivery, ``-frozen``;
- ``payout``: the seller receives the released escrow less the platform fee, ``+balance``.

Every function locks the user's row first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's write
transaction is already exclusive), then checks and moves, so concurrent checkouts cannot spend the same
points twice. Functions never commit: the caller's unit of work does, once.
"""
import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, String, Uuid, event, func, select
from sqlalchemy.orm import Mapped, mapped_column

from models.base import UuidPk
from models.errors import InvalidInput, NotFound, RuleViolation
from models.invare import InvareBase
from models.invare.columns import Money, checked_enum, created_at_column
from models.invare.ids import as_uuid
from models.invare.money import to_money
from models.invare.users import USER_NOT_FOUND, User

KINDS = ("credit", "freeze", "refund", "release", "payout")
INSUFFICIENT_POINTS = "Insufficient points balance"
ZERO = Decimal("0.00")


class WalletEntry(UuidPk, InvareBase):
    __tablename__ = "wallet_entries"
    __table_args__ = (Index("ix_wallet_entries_user_created", "user_id", "created_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(checked_enum(KINDS, "wallet_entry_kind", 16))
    balance_delta: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    frozen_delta: Mapped[Decimal] = mapped_column(Money, default=ZERO)
    # The order the movement belongs to (escrow movements); no foreign key so that the ledger outlives
    # a deleted order.
    order_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = created_at_column()


@event.listens_for(WalletEntry, "before_update")
def _immutable(mapper, connection, target):
    raise RuntimeError("wallet entries are immutable: record a new movement instead")


@event.listens_for(WalletEntry, "before_delete")
def _undeletable(mapper, connection, target):
    raise RuntimeError("wallet entries are immutable: record a new movement instead")


def locked_user(session, user_id):
    """The user's row, locked for the rest of the transaction (404 when there is none)."""
    user = session.scalars(select(User).where(User.id == as_uuid(user_id)).with_for_update(of=User)
                           .execution_options(populate_existing=True)).first()
    if user is None:
        raise NotFound(USER_NOT_FOUND)
    return user


def _record(session, user, kind, *, balance=ZERO, frozen=ZERO, order_id=None, actor_id=None, note=None):
    user.points_balance = Decimal(user.points_balance) + balance
    user.frozen_points = Decimal(user.frozen_points) + frozen
    entry = WalletEntry(user_id=user.id, kind=kind, balance_delta=balance, frozen_delta=frozen,
                        order_id=order_id, actor_id=actor_id, note=note)
    session.add(entry)
    session.flush()
    return entry


def credit(session, *, user_id, points, actor_id=None, note=None):
    """An administrator adds ``points`` (more than zero) to a user's spendable balance."""
    amount = to_money(points, field="points")
    if amount <= 0:
        raise InvalidInput("points must be greater than 0", field="points")
    user = locked_user(session, user_id)
    _record(session, user, "credit", balance=amount, actor_id=as_uuid(actor_id), note=note)
    return user


def freeze(session, *, user_id, points, order_id):
    """Hold ``points`` of the user's balance in escrow for an order; 400 when the balance is short."""
    user = locked_user(session, user_id)
    if Decimal(user.points_balance) < points:
        raise RuleViolation(INSUFFICIENT_POINTS, field="points")
    return _record(session, user, "freeze", balance=-points, frozen=points, order_id=order_id)


def refund(session, *, user_id, points, order_id, note=None):
    """Give an order's frozen points back to the buyer."""
    user = locked_user(session, user_id)
    return _record(session, user, "refund", balance=points, frozen=-points, order_id=order_id, note=note)


def release(session, *, buyer_id, seller_id, points, fee, order_id):
    """On delivery: the buyer's frozen points leave, the seller receives them less ``fee``. The two rows
    are locked in id order, so two releases never wait on each other in opposite orders."""
    first, second = sorted({as_uuid(buyer_id), as_uuid(seller_id)})
    locked = {first: locked_user(session, first)}
    if second != first:
        locked[second] = locked_user(session, second)
    _record(session, locked[as_uuid(buyer_id)], "release", frozen=-points, order_id=order_id)
    return _record(session, locked[as_uuid(seller_id)], "payout", balance=points - fee, order_id=order_id,
                   note=f"platform fee {fee}")


def ledger_totals(session, user_id):
    """``(sum of balance deltas, sum of frozen deltas)`` over the user's entries."""
    row = session.execute(select(func.coalesce(func.sum(WalletEntry.balance_delta), 0),
                                 func.coalesce(func.sum(WalletEntry.frozen_delta), 0))
                          .where(WalletEntry.user_id == as_uuid(user_id))).one()
    return Decimal(row[0]).quantize(Decimal("0.01")), Decimal(row[1]).quantize(Decimal("0.01"))


def entries_of(session, user_id):
    return list(session.scalars(select(WalletEntry).where(WalletEntry.user_id == as_uuid(user_id))
                                .order_by(WalletEntry.created_at, WalletEntry.id)))


def credit_by_email(session, *, email, points, actor_id=None, note=None):
    """The CLI's credit: the account by e-mail (404 when none)."""
    from models.invare.users import find_by_email

    user = find_by_email(session, email)
    if user is None:
        raise NotFound(USER_NOT_FOUND)
    return credit(session, user_id=user.id, points=points, actor_id=actor_id, note=note)
