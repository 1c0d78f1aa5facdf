"""Requests tried, 5xx seen and requests/s while the rate-limit Redis is healthy, stopped and hung
(a measurement, not a test).

    .venv/bin/python benchmarks/redis_outage.py [--seconds 5] [--concurrency 8] [--source DIR]

Starts a private ``redis-server`` on a free port (never the shared one on 6379) and
``python -m server serve ionora`` on another free port with ``REDIS_URL`` pointing at it, rate limits on
(scaled up so that no request is refused) and a temporary SQLite database. Then, for each phase, sends
``GET /api/products`` from ``--concurrency`` clients for ``--seconds`` (and at most ``--max-requests``),
each request with a 10 s client timeout: Redis up; Redis stopped (terminated); Redis hung (SIGSTOP).
``--source`` serves another checkout of the code (an older commit, to compare). Compare runs on the
same machine only.
"""
import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_redis(port, directory):
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", directory], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.025)
    sys.exit("redis-server did not start")


async def phase(base, seconds, concurrency, max_requests):
    statuses = Counter()
    tried = 0
    slowest = 0.0
    stop_at = time.monotonic() + seconds

    async def worker(client):
        nonlocal tried, slowest
        while time.monotonic() < stop_at and tried < max_requests:
            tried += 1
            started = time.monotonic()
            try:
                response = await client.get("/api/products")
                statuses[response.status_code] += 1
            except httpx.TimeoutException:
                statuses["timeout"] += 1
            except httpx.TransportError as exc:
                statuses[type(exc).__name__] += 1
            slowest = max(slowest, time.monotonic() - started)

    started = time.monotonic()
    async with httpx.AsyncClient(base_url=base, timeout=10,
                                 limits=httpx.Limits(max_connections=concurrency)) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    elapsed = time.monotonic() - started
    errors = sum(n for code, n in statuses.items() if not isinstance(code, int) or code >= 500)
    return tried, errors, tried / elapsed, slowest, dict(statuses)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=5000)
    parser.add_argument("--source", default=str(ROOT))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        redis_port, port = free_port(), free_port()
        redis = start_redis(redis_port, tmp)
        env = dict(os.environ, APP_ENV="development", RATE_LIMITS="on", RATE_LIMIT_SCALE="100000",
                   REDIS_URL=f"redis://127.0.0.1:{redis_port}/0", IONORA_DATABASE_URL=f"sqlite:///{tmp}/ionora.db",
                   IONORA_JWT_SECRET="benchmark-" + "x" * 40, IONORA_STORAGE_DIR=f"{tmp}/files",
                   PYTHONPATH=args.source)
        server = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "ionora", "--port", str(port), "--no-seed"],
            cwd=args.source, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 90
            while True:
                try:
                    if httpx.get(base + "/api/products", timeout=5).status_code < 500:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("server did not start")
                time.sleep(0.3)
            print(f"Ionora on {base} ({args.source}), Redis on {redis_port}; {args.seconds:g} s per phase, "
                  f"concurrency {args.concurrency}")
            print(f"{'phase':14} {'tried':>6} {'5xx/err':>8} {'req/s':>8} {'slowest s':>10}  statuses")

            def report(name):
                tried, errors, rps, slowest, statuses = asyncio.run(
                    phase(base, args.seconds, args.concurrency, args.max_requests))
                print(f"{name:14} {tried:6d} {errors:8d} {rps:8.1f} {slowest:10.2f}  {statuses}", flush=True)

            report("redis up")
            redis.send_signal(signal.SIGSTOP)
            report("redis hung")
            redis.send_signal(signal.SIGCONT)
            time.sleep(3)
            report("redis back")
            redis.terminate()
            redis.wait(timeout=10)
            report("redis stopped")
        finally:
            if redis.poll() is None:
                redis.send_signal(signal.SIGCONT)
                redis.terminate()
                redis.wait(timeout=10)
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
