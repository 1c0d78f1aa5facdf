"""Figures for database reliability against a real Ionora server (not a test; nothing is asserted).

    .venv/bin/python benchmarks/database_reliability.py [--bcrypt-rounds 4] [--server-workers 2] [--skip-outage]

1. Concurrent writes on the embedded default (a temporary SQLite file): 60 registrations at once,
   20 adds of one product to one cart at once, 8 checkouts at once for 2 units in stock; requests tried,
   statuses seen, final stock.
2. PostgreSQL outages on a private cluster (needs /usr/lib/postgresql/15/bin or PG_BIN): the time from
   the database stopping to the first answer (and its status), the time from it starting again to the
   first successful answer, the answer time with the postmaster frozen and its sessions gone, and with
   a request stuck behind a table lock.
"""
import argparse
import os
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from contracts.live import free_port, running_server, wait_for

SECRET = "benchmark-secret-" + "x" * 40


def together(count, work):
    barrier = threading.Barrier(count)
    results = [None] * count

    def run(index):
        barrier.wait()
        try:
            results[index] = work(index).status_code
        except Exception as exc:  # noqa: BLE001 (counted as its type)
            results[index] = type(exc).__name__

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Counter(results)


def serve(url, env_extra, workers, log_dir):
    port = free_port()
    env = dict(os.environ, IONORA_DATABASE_URL=url, JWT_SECRET=SECRET, RATE_LIMITS="off", APP_ENV="development",
               **env_extra)
    cmd = [sys.executable, "-m", "server", "serve", "ionora", "--port", str(port), "--workers", str(workers),
           "--no-seed"]
    return running_server(cmd, env, Path(log_dir) / "server.log"), f"http://127.0.0.1:{port}/api"


def concurrent_writes(args):
    from models.ionora import addresses, cart, catalog, users
    from models.ionora.entities import Product
    from models.session import Database
    from server import db as schema
    from server import tokens
    from server.products.ionora import TOKEN_TTL

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/ionora.db"
        schema.upgrade("ionora", url)
        db = Database("bench")
        db.bind(url)

        def bearer(user_id):
            return {"Authorization": "Bearer " + tokens.issue(SECRET, {"sub": str(user_id)}, TOKEN_TTL)[0]}

        with db.unit_of_work() as uow:
            popular = catalog.create_product(uow.session, data={"name": "Popular", "price": 100, "stock_quantity": 100})
            scarce = catalog.create_product(uow.session, data={"name": "Scarce", "price": 500, "stock_quantity": 10})
            carter = users.register(uow.session, email="carter@example.com", password="Password123", full_name="C")
            buyers = []
            for i in range(8):
                user = users.register(uow.session, email=f"buyer{i}@example.com", password="Password123", full_name="B")
                address = addresses.create_address(uow.session, user_id=user.id, data={
                    "full_address": "1 Road", "city": "Pune", "state": "MH", "pincode": "411001", "country": "India"})
                cart.add_item(uow.session, user_id=user.id, product_id=scarce.id, quantity=1)
                buyers.append((user.id, address.id))
            uow.commit()
        with db.unit_of_work() as uow:
            uow.session.get(Product, scarce.id).stock_quantity = 2
            uow.commit()

        server, base = serve(url, {"BCRYPT_ROUNDS": str(args.bcrypt_rounds)}, args.server_workers, tmp)
        with server as proc, httpx.Client(base_url=base, timeout=120, limits=httpx.Limits(max_connections=100)) as c:
            wait_for(f"{base}/openapi.json", proc)
            tag = uuid.uuid4().hex[:6]
            started = time.monotonic()
            regs = together(60, lambda i: c.post("/auth/register", json={
                "email": f"r{tag}{i}@example.com", "password": "Password123", "full_name": "R"}))
            reg_time = time.monotonic() - started
            adds = together(20, lambda i: c.post("/cart", headers=bearer(carter.id),
                                                 json={"product_id": str(popular.id), "quantity": 1}))
            buys = together(8, lambda i: c.post("/checkout/create-order", headers=bearer(buyers[i][0]), json={
                "shipping_address_id": str(buyers[i][1]), "payment_method": "razorpay"}))
        with db.unit_of_work() as uow:
            stock = uow.session.get(Product, scarce.id).stock_quantity
            in_cart = sum(line.quantity for line in cart.lines(uow.session, user_id=carter.id))
        db.engine.dispose()
    print(f"SQLite, {args.server_workers} server worker(s), bcrypt rounds {args.bcrypt_rounds}:")
    print(f"  60 registrations: {dict(regs)} ({reg_time:.1f}s)")
    print(f"  20 cart adds:     {dict(adds)} (quantity in cart {in_cart})")
    print(f"  8 checkouts / 2:  {dict(buys)} (stock left {stock})")
    tried = 88
    failed = sum(n for status, n in (regs + adds + buys).items() if not isinstance(status, int) or status >= 500)
    print(f"  requests tried {tried}, 5xx (or no answer) {failed}")


def timed(call):
    started = time.monotonic()
    try:
        status = call().status_code
    except httpx.HTTPError as exc:
        status = type(exc).__name__
    return status, time.monotonic() - started


def outages(args):
    import psycopg

    from tests import private_postgres

    reason = private_postgres.available()
    if reason:
        print(f"PostgreSQL outages: skipped ({reason})")
        return
    pg = private_postgres.PrivatePostgres()
    try:
        pg.start()
        pg.execute("CREATE DATABASE ionora")
        with tempfile.TemporaryDirectory() as tmp:
            server, base = serve(pg.url("ionora"), {"BCRYPT_ROUNDS": "4"}, 1, tmp)
            with server as proc, httpx.Client(base_url=base, timeout=60) as c:
                wait_for(f"{base}/openapi.json", proc)
                def read():
                    return c.get("/products")

                for _ in range(3):
                    read()
                print("PostgreSQL outages (Ionora GET /api/products, one server worker):")
                stopped_at = time.monotonic()
                pg.stop()
                answers = [timed(read) for _ in range(5)]
                first_answer = time.monotonic() - stopped_at
                print(f"  stopped: statuses {[s for s, _ in answers]}, each within "
                      f"{max(t for _, t in answers) * 1000:.0f} ms (first answer {first_answer:.2f}s after stop returned)")
                pg.start()
                started_at = time.monotonic()
                status, _ = timed(read)
                tries = 1
                while status != 200 and time.monotonic() - started_at < 60:
                    time.sleep(0.05)
                    status, _ = timed(read)
                    tries += 1
                print(f"  started again: first 200 after {time.monotonic() - started_at:.2f}s ({tries} request(s), "
                      "no server restart)")
                pg.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = 'ionora'")
                pg.freeze()
                frozen = [timed(read) for _ in range(3)]
                pg.thaw()
                print(f"  frozen postmaster, sessions gone: {[(s, round(t, 2)) for s, t in frozen]} (status, s)")
                status, _ = timed(read)
                print(f"  thawed: {status}")
                with psycopg.connect(f"host=127.0.0.1 port={pg.port} user=postgres dbname=ionora") as holder:
                    holder.execute("LOCK TABLE products IN ACCESS EXCLUSIVE MODE")
                    locked = timed(read)
                    holder.rollback()
                print(f"  stuck behind a lock: {locked[0]} after {locked[1]:.2f}s; then {timed(read)[0]}")
    finally:
        pg.destroy()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bcrypt-rounds", type=int, default=4)
    ap.add_argument("--server-workers", type=int, default=2)
    ap.add_argument("--skip-outage", action="store_true")
    ap.add_argument("--skip-writes", action="store_true")
    args = ap.parse_args()
    if not args.skip_writes:
        concurrent_writes(args)
    if not args.skip_outage:
        outages(args)


if __name__ == "__main__":
    main()
