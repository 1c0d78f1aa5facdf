"""Live fuzzing: `python -m contracts.live [product ...] [--max-examples N] [--max-time S] [--workers N] [--deep]`.

For each implemented product (or those named): a fresh SQLite database in a temporary directory, a fuzz
admin created with `python -m server create-admin`, the server started with `python -m server serve`
on a free port with two worker processes, a bearer token from the product's login (contracts/auth.py),
then the Schemathesis CLI over HTTP with several concurrent workers (concurrent writes must never fail),
every check and every phase (the stateful phase follows the spec's links), configured by
contracts/schemathesis.toml (where exclusions live). Server logs and JUnit reports go to build/live/.
"""
import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

import httpx

from contracts import auth
from contracts.specs import BUILD, ROOT, implemented_products

CONFIG = ROOT / "contracts" / "schemathesis.toml"
OUT = BUILD / "live"
CI_BUDGET = {"max_examples": 10, "max_time": 120, "seed": 20261121, "workers": 4}  # seeded: a build is repeatable
DEEP_BUDGET = {"max_examples": 100, "max_time": 600, "seed": None, "workers": 4}  # under Looking's 15-minute token life
SERVER_WORKERS = 2
# Two Schemathesis runs per product. One worker for the explicit examples, the coverage phase (building
# its Hypothesis filters parses source with `ast`, which is not thread-safe on CPython 3.11: "AST
# constructor recursion depth mismatch") and the stateful phase (its resource checks assume no other
# client changes what a scenario created). Then the fuzzing phase with concurrent workers: simultaneous
# writes must never fail.
RUNS = (("sequential", "examples,coverage,stateful", False), ("concurrent", "fuzzing", True))


def product_env(product, tmpdir):
    return dict(
        os.environ,
        **{f"{product.upper()}_DATABASE_URL": f"sqlite:///{tmpdir}/{product}.db"},
        RATE_LIMITS="off",
        BCRYPT_ROUNDS="4",  # hashing cost only: the fuzzer registers and logs in a lot
    )


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_server(cmd, env, log_path):
    """Start the server command in its own process group, logging to ``log_path``; always stop it."""
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_for(url, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with status {proc.returncode} before serving {url}")
        with contextlib.suppress(httpx.HTTPError):
            # a generous read timeout: on a loaded machine the first spec answer can take seconds, and a
            # try that gives up early only asks again from the start
            patience = httpx.Timeout(max(2.0, deadline - time.monotonic()), connect=2)
            if httpx.get(url, timeout=patience).status_code == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def schemathesis_command(schema_url, token, product, max_examples, max_time, seed=None, workers=1,
                         phases="examples,coverage,fuzzing,stateful", label="all"):
    # Every check runs by default. No `--checks all`: a check named on the command line overrides the
    # per-operation `checks.<name>.enabled = false` exclusions of contracts/schemathesis.toml.
    cmd = [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run", schema_url,
           "--header", f"Authorization: Bearer {token}", "--phases", phases,
           "--max-examples", str(max_examples), "--max-time", str(max_time), "--workers", str(workers),
           "--report", "junit", "--report-junit-path", str(OUT / f"{product}.{label}.junit.xml"), "--no-color"]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    return cmd


def fuzz(product, max_examples, max_time, seed=None, workers=1):
    """Fuzz one product over HTTP; return the Schemathesis exit status (0 = no failures)."""
    from server.app import load_product

    base_path = load_product(product).base_path or ""
    OUT.mkdir(parents=True, exist_ok=True)
    account = auth.Account()
    with tempfile.TemporaryDirectory(prefix=f"live-{product}-") as tmpdir, auth.mail_catcher_for(product) as mailbox:
        env = product_env(product, tmpdir)
        env.update(mailbox.env() if mailbox else {})
        auth.create_admin_cli(product, account, env, ROOT)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}{base_path}"
        log_path = OUT / f"{product}.server.log"
        serve = [sys.executable, "-m", "server", "serve", product, "--port", str(port),
                 "--workers", str(SERVER_WORKERS)]
        with running_server(serve, env, log_path) as proc:
            wait_for(f"{base_url}/openapi.json", proc)
            token = auth.token_over_http(product, base_url, account, mailbox)
            status = 0
            for label, phases, concurrent in RUNS:
                cmd = schemathesis_command(f"{base_url}/openapi.json", token, product, max_examples,
                                           max(1, max_time // len(RUNS)), seed, workers if concurrent else 1,
                                           phases, label)
                status = max(status, subprocess.run(cmd, check=False, cwd=ROOT, env=env).returncode)
        if status:
            print(f"{product}: server log in {log_path.relative_to(ROOT)}")
        return status


def parse(argv):
    ap = argparse.ArgumentParser(prog="python -m contracts.live", description=__doc__.split("\n")[0])
    ap.add_argument("products", nargs="*", help="default: every implemented product")
    ap.add_argument("--deep", action="store_true",
                    help=f"longer local run ({DEEP_BUDGET['max_examples']} examples, {DEEP_BUDGET['max_time']}s)")
    ap.add_argument("--max-examples", type=int, help=f"per operation (default {CI_BUDGET['max_examples']})")
    ap.add_argument("--max-time", type=int,
                    help=f"seconds per product, shared by its two runs (default {CI_BUDGET['max_time']})")
    ap.add_argument("--workers", type=int, help=f"concurrent Schemathesis workers (default {CI_BUDGET['workers']})")
    ap.add_argument("--seed", type=int, help="default: a fixed seed for the CI budget, random with --deep")
    return ap.parse_args(argv)


def main(argv=None):
    args = parse(sys.argv[1:] if argv is None else argv)
    budget = DEEP_BUDGET if args.deep else CI_BUDGET
    max_examples = args.max_examples or budget["max_examples"]
    max_time = args.max_time or budget["max_time"]
    products = args.products or implemented_products()
    if not products:
        print("live: no implemented product yet")
    results = {}
    for product in products:
        started = time.monotonic()
        seed = args.seed if args.seed is not None else budget["seed"]
        results[product] = fuzz(product, max_examples, max_time, seed, args.workers or budget["workers"])
        print(f"live: {product} {'ok' if results[product] == 0 else 'FAILED'} ({time.monotonic() - started:.0f}s)")
    return 1 if any(results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
