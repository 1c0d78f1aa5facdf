"""The job cancelling card orders never paid, run once from the command line against a SQLite file."""
import datetime as dt
import os
import subprocess
import sys
from decimal import Decimal

from models.diora import orders, users
from models.diora.tables.catalog import Product
from models.diora.tables.orders import Order
from models.session import Database
from server import db as schema
from tests.diora.shopping import ADDRESS


def test_cancel_unpaid_orders_from_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'diora.db'}"
    schema.upgrade("diora", url)
    database = Database("diora-job-cli")
    database.bind(url)
    with database.unit_of_work() as uow:
        shop = users.create_account(uow.session, email="s@example.com", username="shop", full_name="Shop",
                                    password_hash="x", type="shop")
        buyer = users.create_account(uow.session, email="b@example.com", username="buyer", full_name="Buyer",
                                     password_hash="x")
        uow.session.flush()
        item = Product(shop_id=shop.id, name="Coat", description="", price=Decimal("50.00"), stock=2)
        uow.session.add(item)
        uow.session.flush()
        order, _ = orders.place_order(uow.session, user_id=buyer.id, shipping_address=ADDRESS, payment_method="card",
                                      items=[{"productId": item.id, "quantity": 2}])
        order_id, item_id = order.id, item.id
        uow.commit()
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update({"DIORA_DATABASE_URL": url, "JWT_SECRET": "c" * 40, "APP_ENV": "development",
                "DATA_DIR": str(tmp_path / "data")})
    later = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=25)).isoformat()
    ran = subprocess.run([sys.executable, "-m", "server", "jobs", "run", "diora", "--job", "cancel-unpaid-orders",
                          "--now", later], env=env, capture_output=True, text=True, timeout=120,
                         stdin=subprocess.DEVNULL)
    assert ran.returncode == 0, ran.stderr
    assert "cancelled" in ran.stdout
    with database.reading() as session:
        assert session.get(Order, order_id).status == "cancelled"
        assert session.get(Product, item_id).stock == 2
    database.engine.dispose()
