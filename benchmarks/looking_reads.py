"""Requests/s and p50/p99 latency for a few Looking reads against a real server (not a test).

    .venv/bin/python benchmarks/looking_reads.py [--requests 2000] [--concurrency 16] [--workers 1]
                                                  [--database-url URL]

Starts ``python -m server serve looking`` on a free port with a seeded temporary SQLite database (or the
URL given), warms up, then measures each read with a bounded number of requests from one client
process on loopback, and stops the server. Compare runs on the same machine only.
"""
import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def measure(client, path, headers, total, concurrency):
    latencies = []
    queue = iter(range(total))

    async def worker():
        for _ in queue:
            started = time.perf_counter()
            response = await client.get(path, headers=headers)
            latencies.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:200]}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "rps": total / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
    }


async def run(base, total, concurrency):
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_connections=concurrency)) as client:
        login = await client.post("/auth/login", json={"username": "admin", "password": "looking-admin-1"})
        headers = {"Authorization": f"Bearer {login.json()['token']}"}
        profiles = (await client.get("/profiles")).json()
        reads = [
            ("GET /profiles", "/profiles", {}),
            ("GET /profiles/{id}", f"/profiles/{profiles[0]['_id']}", {}),
            ("GET /profiles/list (view)", "/profiles/list", headers),
            ("GET /profiles/find/10/0/20/40/Top|Versatile", "/profiles/find/10/0/20/40/Top|Versatile", headers),
        ]
        for _, path, hdrs in reads:
            await measure(client, path, hdrs, min(200, total), concurrency)
        print(f"{'operation':45} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
        for name, path, hdrs in reads:
            result = await measure(client, path, hdrs, total, concurrency)
            print(f"{name:45} {result['rps']:8.0f} {result['p50']:8.2f} {result['p99']:8.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = dict(os.environ, RATE_LIMITS="off", APP_ENV="development",
                   LOOKING_DATABASE_URL=args.database_url or f"sqlite:///{tmp}/looking.db",
                   LOOKING_STORAGE_DIR=f"{tmp}/files")
        server = subprocess.Popen(
            [sys.executable, "-m", "server", "serve", "looking", "--port", str(port), "--workers", str(args.workers)],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(base + "/profiles", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    sys.exit("server did not start")
                time.sleep(0.3)
            print(f"Looking on {base}, {args.workers} worker(s), {args.requests} requests per read, "
                  f"concurrency {args.concurrency}")
            asyncio.run(run(base, args.requests, args.concurrency))
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
