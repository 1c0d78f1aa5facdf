"""Server and PostgreSQL CPU time per request for Ionora's hot reads (not a test).

    .venv/bin/python benchmarks/ionora_cpu.py [--products 10000[,200000...]] [--requests 2000] [--concurrency 16]
        [--rounds 2] [--endpoints list,item,search,cart,health] [--floor] [--keep]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres] [--baseline DIR]

Creates a temporary PostgreSQL database, migrates it, loads a synthetic catalog of N products (one in a
hundred mentions "alkaline"), starts ``python -m server serve ionora --workers 1`` on a free port (rate
limits off, development settings), registers a user with 3 products in the cart, then drives each
endpoint with a bounded number of keep-alive requests from a client in another process and reads:

- server CPU: utime + stime of the server process and its children, from ``/proc/<pid>/stat``;
- PostgreSQL CPU: utime + stime of the backends connected to the benchmark database (``pg_stat_activity``
  pids, read from ``/proc``), so PostgreSQL must run on this machine.

CPU per request stays stable on a busy machine where requests/s does not. ``--floor`` also measures a bare
Connexion FlaskApp with one trivial operation (the framework's own cost) in the same rounds, and reports
each endpoint's server CPU above it. ``--asyncapp`` adds the same app on Connexion's AsyncApp
(``benchmarks/ionora_asyncapp.py``, for comparison; with ``--floor`` also a bare AsyncApp). ``--baseline DIR``
adds the same server run from another checkout of this repository (``git worktree add DIR <commit>``), on the
same database and in the same rounds, so that a change is measured against its parent under the same load.
Rounds are interleaved (server order alternates). The database is dropped at the end unless ``--keep``.
Several sizes (``--products 15,200000``) are measured one after another, each on its own database, and a last
table sets PostgreSQL's CPU per request at each size beside its ratio to the smallest (how a read scales).
"""
import argparse
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")
SEARCH_WORD = "alkaline"

CATALOG_SQL = """
INSERT INTO products (id, name, description, price, discount_percentage, final_price, category, stock_quantity,
                      images, specifications, is_active, created_at, updated_at)
SELECT id, name, description, price, discount, round(price * (1 - discount / 100), 2), category, 1000,
       jsonb_build_array('https://img.example/p' || i || '.jpg'),
       jsonb_build_object('plates', 5 + i % 9, 'ph_range', '4.0-10.0'), TRUE, created_at, created_at
FROM (
  SELECT i, overlay(overlay(md5('ionora-bench-' || i) placing '4' from 13) placing '8' from 17)::uuid AS id,
         'Ionizer Model ' || i AS name,
         'Water ionizer with ' || (5 + i % 9) || ' titanium plates. ' ||
           CASE WHEN i % 100 = 3 THEN 'Makes alkaline hydrogen rich water.'
                ELSE 'Clean filtered drinking water.' END AS description,
         (1000 + ((i::bigint * 7919) % {n}) + 0.50)::numeric(12, 2) AS price,
         ((i % 4) * 5)::numeric(5, 2) AS discount,
         (ARRAY['premium', 'standard', 'portable', 'filter', 'accessory'])[1 + i % 5] AS category,
         timestamptz '2025-01-01 00:00:00+00' + i * interval '1 second' AS created_at
  FROM generate_series(1, {n}) AS i
) AS src
"""

# The framework floor: a bare Connexion FlaskApp with one trivial operation and nothing of ours.
FLOOR_SPEC = """
openapi: 3.0.3
info: {title: floor, version: "1"}
paths:
  /health:
    get:
      operationId: floor_app.health
      responses:
        "200": {description: ok}
"""
FLOOR_APP = """
import os
import connexion


def health():
    return {"status": "ok"}, 200


SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "floor.yaml")
app = connexion.FlaskApp(__name__)
app.add_api(SPEC)
async_app = connexion.AsyncApp(__name__)
async_app.add_api(SPEC)
"""

# The load generator: keep-alive connections in threads, a fixed number of requests, in its own process.
CLIENT = r"""
import http.client, json, sys, threading, time
host, port, path, total, conns, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
headers = {"Authorization": "Bearer " + token} if token else {}
lock = threading.Lock()
state = {"left": total, "bad": 0}
def worker():
    c = http.client.HTTPConnection(host, port, timeout=30)
    while True:
        with lock:
            if state["left"] <= 0:
                break
            state["left"] -= 1
        c.request("GET", path, headers=headers)
        r = c.getresponse()
        r.read()
        if r.status != 200:
            with lock:
                state["bad"] += 1
    c.close()
t0 = time.perf_counter()
threads = [threading.Thread(target=worker) for _ in range(conns)]
[t.start() for t in threads]
[t.join() for t in threads]
print(json.dumps({"seconds": time.perf_counter() - t0, "bad": state["bad"]}))
"""


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def proc_cpu(pids):
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / TICK


def descendants(root):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                ppid = int(Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


class Server:
    def __init__(self, name, cmd, cwd, env, port, logdir):
        self.name, self.cmd, self.cwd, self.env, self.port = name, cmd, cwd, env, port
        self.log = open(Path(logdir) / f"{name}.log", "w")
        self.proc = None

    @property
    def base(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self.proc = subprocess.Popen(self.cmd, cwd=self.cwd, env=self.env, stdout=self.log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        for _ in range(600):
            try:
                urllib.request.urlopen(self.base + "/health", timeout=1).read()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit(f"{self.name} exited; see {self.log.name}")
                time.sleep(0.1)
        raise SystemExit(f"{self.name} did not come up; see {self.log.name}")

    def cpu(self):
        return proc_cpu(descendants(self.proc.pid))

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def http_json(method, url, body=None, token=None):
    request = urllib.request.Request(url, method=method, data=json.dumps(body).encode() if body is not None else None)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def libpq(url):
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backend_cpu(admin, database):
    rows = admin.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (database,)).fetchall()
    return proc_cpu([pid for (pid,) in rows])


def drive(server, path, total, conns, token):
    out = subprocess.run([sys.executable, "-c", CLIENT, "127.0.0.1", str(server.port), path, str(total), str(conns),
                          token or ""], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--products", default="10000",
                    help="catalog size; several sizes separated by commas are measured one after another")
    ap.add_argument("--requests", type=int, default=2_000, help="requests per endpoint per round")
    ap.add_argument("--concurrency", type=int, default=16)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--endpoints", default="list,item,search,cart,health")
    ap.add_argument("--floor", action="store_true", help="also measure a bare Connexion FlaskApp (the floor)")
    ap.add_argument("--asyncapp", action="store_true",
                    help="also measure the same app on Connexion's AsyncApp (and, with --floor, AsyncApp's floor)")
    ap.add_argument("--postgres-url", default=os.environ.get(
        "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    ap.add_argument("--baseline", help="another checkout of this repository to measure beside this one")
    ap.add_argument("--keep", action="store_true", help="keep the benchmark database")
    ap.add_argument("--json", help="append one JSON line per measurement to this file")
    args = ap.parse_args()
    sizes = [int(size) for size in str(args.products).split(",")]
    by_size = {}
    for size in sizes:
        by_size[size] = measure(args, size)
    if len(sizes) > 1:
        print(f"\nPostgreSQL CPU ms/req by catalog size ({', '.join(map(str, sizes))} products), and its ratio to the "
              f"smallest")
        print("| endpoint | server | " + " | ".join(f"{size}" for size in sizes) + " | ratio largest/smallest |")
        print("|---|---|" + "---:|" * (len(sizes) + 1))
        for key in by_size[sizes[0]]:
            if key[1].startswith("floor") or key[0] == "health":
                continue
            dbs = [statistics.median(r["db_cpu_ms"] for r in by_size[size][key]) for size in sizes]
            ratio = f"{dbs[-1] / dbs[0]:.1f}x" if dbs[0] else "-"
            print(f"| {key[0]} | {key[1]} | " + " | ".join(f"{db:.2f}" for db in dbs) + f" | {ratio} |")


def measure(args, products):
    """One catalog size: load, start the servers, drive every endpoint; returns the rows per (endpoint, server)."""
    name = f"bench_ionora_{secrets.token_hex(3)}"
    admin = psycopg.connect(libpq(args.postgres_url), autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    db_url = make_url(args.postgres_url).set(database=name).render_as_string(hide_password=False)
    workdir = Path(tempfile.mkdtemp(prefix="ionora-cpu-"))
    servers = []
    try:
        env = {**os.environ, "IONORA_DATABASE_URL": db_url, "RATE_LIMITS": "off", "APP_ENV": "development",
               "VALIDATE_RESPONSES": "off", "IONORA_STORAGE_DIR": str(workdir / "uploads"),
               "IONORA_JWT_SECRET": secrets.token_hex(32)}  # one secret: every server accepts the token
        env.pop("REDIS_URL", None)
        subprocess.run([sys.executable, "-m", "server", "db", "upgrade", "ionora"], cwd=ROOT, env=env, check=True,
                       capture_output=True)
        started = time.time()
        with psycopg.connect(libpq(db_url), autocommit=True) as conn:
            conn.execute(CATALOG_SQL.format(n=int(products)))
            conn.execute("ANALYZE products")
            first = [str(r[0]) for r in conn.execute("SELECT id FROM products ORDER BY created_at LIMIT 3")]
        print(f"{products} products loaded in {time.time() - started:.1f}s into {name}", flush=True)

        port = free_port()
        servers.append(Server("ionora", [sys.executable, "-m", "server", "serve", "ionora", "--port", str(port),
                                         "--workers", "1", "--no-seed", "--host", "127.0.0.1"],
                              ROOT, env, port, workdir))
        if args.baseline:
            port = free_port()
            servers.append(Server("baseline", [sys.executable, "-m", "server", "serve", "ionora", "--port", str(port),
                                               "--workers", "1", "--no-seed", "--host", "127.0.0.1"],
                                  Path(args.baseline).resolve(), env, port, workdir))
        if args.floor:
            (workdir / "floor.yaml").write_text(FLOOR_SPEC)
            (workdir / "floor_app.py").write_text(textwrap.dedent(FLOOR_APP))
            port = free_port()
            servers.append(Server("floor", [sys.executable, "-m", "uvicorn", "floor_app:app", "--app-dir",
                                            str(workdir), "--port", str(port), "--host", "127.0.0.1",
                                            "--no-access-log", "--log-level", "warning"],
                                  workdir, env, port, workdir))
        if args.asyncapp:
            port = free_port()
            servers.append(Server("ionora-asyncapp", [sys.executable, "-m", "uvicorn", "--factory",
                                                      "benchmarks.ionora_asyncapp:create", "--port", str(port),
                                                      "--host", "127.0.0.1", "--no-access-log"],
                                  ROOT, env, port, workdir))
            if args.floor:
                port = free_port()
                servers.append(Server("floor-asyncapp", [sys.executable, "-m", "uvicorn", "floor_app:async_app",
                                                         "--app-dir", str(workdir), "--port", str(port), "--host",
                                                         "127.0.0.1", "--no-access-log", "--log-level", "warning"],
                                      workdir, env, port, workdir))
        for server in servers:
            server.start()
        ours = servers[0]
        email = f"bench-{secrets.token_hex(4)}@example.com"
        token = http_json("POST", ours.base + "/api/auth/register",
                          {"email": email, "password": "Password123!", "full_name": "Bench User",
                           "phone": "9876543210"})["token"]
        for product_id in first:
            http_json("POST", ours.base + "/api/cart", {"product_id": product_id, "quantity": 1}, token)
        paths = {"list": "/api/products?page=1&limit=20", "item": f"/api/products/{first[0]}",
                 "search": f"/api/products/search?q={SEARCH_WORD}", "cart": "/api/cart", "health": "/health"}
        wanted = args.endpoints.split(",")
        for server in servers:  # warm up: first requests build Connexion's stack and fill caches
            for key in wanted if not server.name.startswith("floor") else ["health"]:
                drive(server, paths[key], 200, 4, token if key == "cart" else None)

        results = {}
        for rnd in range(args.rounds):
            for key in wanted:
                order = servers if rnd % 2 == 0 else servers[::-1]
                for server in order:
                    if server.name.startswith("floor") and key != "health":
                        continue
                    cpu0, db0 = server.cpu(), backend_cpu(admin, name)
                    run = drive(server, paths[key], args.requests, args.concurrency, token if key == "cart" else None)
                    cpu1, db1 = server.cpu(), backend_cpu(admin, name)
                    row = {"endpoint": key, "server": server.name, "round": rnd + 1, "products": products,
                           "requests": args.requests, "rps": round(args.requests / run["seconds"], 1),
                           "server_cpu_ms": round((cpu1 - cpu0) * 1000 / args.requests, 3),
                           "db_cpu_ms": round(max(0.0, db1 - db0) * 1000 / args.requests, 3)
                           if not server.name.startswith("floor") else 0,
                           "non200": run["bad"], "load1": os.getloadavg()[0]}
                    results.setdefault((key, server.name), []).append(row)
                    print(json.dumps(row), flush=True)
                    if args.json:
                        with open(args.json, "a") as fh:
                            fh.write(json.dumps(row) + "\n")
        def floor_of(name):
            rows = results.get(("health", name)) or results.get(("health", "floor")) or [{"server_cpu_ms": 0}]
            return statistics.median(r["server_cpu_ms"] for r in rows)

        print(f"\n{products} products, {args.requests} requests x {args.rounds} rounds per endpoint, "
              f"{args.concurrency} connections (medians)")
        print("| endpoint | server | rps | server CPU ms/req | above floor | PostgreSQL CPU ms/req | total CPU ms/req |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for (key, server_name), rows in results.items():
            cpu = statistics.median(r["server_cpu_ms"] for r in rows)
            db = statistics.median(r["db_cpu_ms"] for r in rows)
            rps = statistics.median(r["rps"] for r in rows)
            floor = floor_of("floor-asyncapp" if server_name.endswith("asyncapp") else "floor")
            above = f"{cpu - floor:+.2f}" if args.floor and not server_name.startswith("floor") else ""
            bad = sum(r["non200"] for r in rows)
            print(f"| {key} | {server_name} | {rps:.0f} | {cpu:.2f} | {above} | {db:.2f} | {cpu + db:.2f} |"
                  + (f" non-200: {bad}" if bad else ""))
        return results
    finally:
        for server in servers:
            server.stop()
        if not args.keep:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            print(f"kept database {name}")
        admin.close()


if __name__ == "__main__":
    main()
