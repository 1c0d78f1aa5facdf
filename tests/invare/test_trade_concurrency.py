"""Races on a real, committed database (a SQLite file, or a fresh PostgreSQL database where the row locks
matter) with separate connections from real threads: point checkouts never spend the same points twice,
and two escrow-expiry runs at once refund each escrow once. Also the jobs through the command line."""
import datetime as dt
import os
import subprocess
import sys
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from models.errors import RuleViolation
from models.invare import orders, users, wallet
from models.invare.callers import Caller
from models.invare.escrow import Escrow
from models.invare.listings import Listing
from models.invare.materials import Material
from models.invare.wallet import WalletEntry
from models.session import Database
from tests.support import races

CHECKOUTS = 10
AFFORDABLE = 3


@pytest.fixture(scope="module")
def race_url(tmp_path_factory):
    with races.database_url("invare", tmp_path_factory, label="trade") as url:
        yield url


@pytest.fixture(scope="module")
def race_db(race_url):
    database = Database("invare-race")
    database.bind(race_url, pool_size=CHECKOUTS + 2)
    yield database
    database.engine.dispose()


def run_together(count, work):
    return races.run_together(work, count)


def person(database, name):
    with database.unit_of_work() as uow:
        user = users.create_user(uow.session, data={"email": f"{name}-{uuid.uuid4().hex[:8]}@example.com",
                                                    "firstName": name})
        uow.commit()
        return Caller(id=user.id, email=user.email)


def listing_of(database, seller, stock=100):
    with database.unit_of_work() as uow:
        material = Material(name="PET", unit_of_measure="ton", i18n={})
        uow.session.add(material)
        uow.session.flush()
        listing = Listing(title="Bales", unit_of_measure="ton", starting_price=Decimal("10.00"), stock_amount=stock,
                          status="active", is_biddable=False, material_id=material.id, seller_user_id=seller.id,
                          materials_states=[], i18n={})
        uow.session.add(listing)
        uow.commit()
        return listing.id


def place(database, buyer, listing_id):
    with database.unit_of_work() as uow:
        order = orders.create_order(uow.session, buyer, {"items": [{"listingId": str(listing_id), "quantity": 1}]})
        uow.commit()
        return order.id


def assert_ledger(database, *callers):
    with database.reading() as session:
        for caller in callers:
            user = session.get(users.User, caller.id)
            assert (user.points_balance, user.frozen_points) == wallet.ledger_totals(session, caller.id)
            assert user.points_balance >= 0 and user.frozen_points >= 0


def test_concurrent_point_checkouts_never_spend_the_same_points_twice(race_db):
    seller, buyer = person(race_db, "seller"), person(race_db, "buyer")
    listing_id = listing_of(race_db, seller)
    with race_db.unit_of_work() as uow:
        wallet.credit(uow.session, user_id=buyer.id, points=str(10 * AFFORDABLE))
        uow.commit()
    placed = [place(race_db, buyer, listing_id) for _ in range(CHECKOUTS)]

    def pay(index):
        with race_db.unit_of_work() as uow:
            order = orders.checkout_points(uow.session, buyer, placed[index])
            uow.commit()
            return order.status

    results = run_together(CHECKOUTS, pay)
    assert sorted(r if isinstance(r, str) else r.message for r in results) == \
        ["Insufficient points balance"] * (CHECKOUTS - AFFORDABLE) + ["paid"] * AFFORDABLE
    assert all(isinstance(r, (str, RuleViolation)) for r in results)
    with race_db.reading() as session:
        user = session.get(users.User, buyer.id)
        assert (user.points_balance, user.frozen_points) == (Decimal("0.00"), Decimal("30.00"))
    assert_ledger(race_db, buyer, seller)


def paid_orders(race_db, count):
    seller, buyer = person(race_db, "seller"), person(race_db, "buyer")
    listing_id = listing_of(race_db, seller)
    with race_db.unit_of_work() as uow:
        wallet.credit(uow.session, user_id=buyer.id, points=str(10 * count))
        uow.commit()
    ids = [place(race_db, buyer, listing_id) for _ in range(count)]
    for order_id in ids:
        with race_db.unit_of_work() as uow:
            orders.checkout_points(uow.session, buyer, order_id)
            uow.commit()
    return buyer, seller, ids


def test_two_escrow_expiry_runs_at_once_refund_each_escrow_once(race_db):
    buyer, seller, ids = paid_orders(race_db, 6)
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=13)
    results = run_together(2, lambda _: orders.expire_escrows(race_db, moment))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r["refunded"] for r in results) >= 6  # (earlier tests' escrows in this database expire too)
    with race_db.reading() as session:
        refunds = session.execute(select(WalletEntry.order_id, func.count()).where(
            WalletEntry.order_id.in_(ids), WalletEntry.kind == "refund").group_by(WalletEntry.order_id)).all()
        assert sorted(count for _, count in refunds) == [1] * 6
        assert session.scalar(select(func.count()).select_from(Escrow).where(
            Escrow.order_id.in_(ids), Escrow.status == "refunded")) == 6
        user = session.get(users.User, buyer.id)
        assert (user.points_balance, user.frozen_points) == (Decimal("60.00"), Decimal("0.00"))
    assert_ledger(race_db, buyer, seller)


def test_the_jobs_run_through_the_command_line(race_url, race_db, tmp_path):
    buyer, seller, ids = paid_orders(race_db, 1)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update({"INVARE_DATABASE_URL": race_url, "JWT_SECRET": "c" * 40, "APP_ENV": "development",
                "DATA_DIR": str(tmp_path / "data")})
    moment = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    result = subprocess.run([sys.executable, "-m", "server", "jobs", "run", "invare", "--now", moment], env=env,
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "invare escrow-expiry: {'refunded':" in result.stdout
    assert "invare tender-expiry: {'expired':" in result.stdout
    with race_db.reading() as session:
        assert session.get(orders.Order, ids[0]).status == "cancelled"
    assert_ledger(race_db, buyer, seller)
