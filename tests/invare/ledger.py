"""The wallet invariant, checked after every trade test: each user's ``pointsBalance`` and
``frozenPoints`` equal the sums of their ledger rows, and no balance is negative.

A test module imports :func:`ledger_balanced` (an autouse fixture) to have it checked after each test."""
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.invare import database
from models.invare.users import User
from models.invare.wallet import WalletEntry


def unbalanced():
    """Users whose balances differ from their ledger, or are negative: ``[(email, balance, frozen, sums)]``."""
    sums = (select(WalletEntry.user_id, func.sum(WalletEntry.balance_delta).label("balance"),
                   func.sum(WalletEntry.frozen_delta).label("frozen"))
            .group_by(WalletEntry.user_id).subquery())
    stmt = select(User.email, User.points_balance, User.frozen_points, sums.c.balance, sums.c.frozen).outerjoin(
        sums, sums.c.user_id == User.id)
    wrong = []
    with database.reading() as session:
        for email, balance, frozen, ledger_balance, ledger_frozen in session.execute(stmt):
            expected = (Decimal(ledger_balance or 0).quantize(Decimal("0.01")),
                        Decimal(ledger_frozen or 0).quantize(Decimal("0.01")))
            if (Decimal(balance), Decimal(frozen)) != expected or balance < 0 or frozen < 0:
                wrong.append((email, balance, frozen, expected))
    return wrong


@pytest.fixture(autouse=True)
def ledger_balanced(invare):
    yield
    assert unbalanced() == []
