"""Serving: every product's ASGI app under uvicorn, in one process or as N worker processes per product.

- **One process** (``--workers 1``): all products share one event loop (uvloop when installed, as in
  the workers and under plain uvicorn). SIGTERM or SIGINT makes every
  server stop accepting, finish its in-flight requests (at most ``GRACEFUL_TIMEOUT`` seconds) and the
  process exits 0. A second SIGINT stops at once.
- **Workers** (``--workers N``): this process binds each product's socket, then starts N worker
  processes per product (spawned: fresh interpreters that set up logging exactly as this one did) and
  watches them. A worker that dies is replaced; one that dies before it ever served means the product
  cannot start, and everything stops with status 1. SIGTERM, SIGINT or SIGHUP
  to this process is passed to every worker as SIGTERM: each drains its in-flight requests and exits;
  a worker still running ``GRACEFUL_TIMEOUT + 5`` seconds later is killed. Nothing outlives ``serve``.
- **Metrics with workers**: ``PROMETHEUS_MULTIPROC_DIR`` (default: a temporary directory) gets one
  subdirectory per product, emptied at start and removed at exit; every worker of the product writes
  there and ``/metrics`` adds them up.
- **Forwarded headers** (``X-Forwarded-For``/``-Proto``) are believed only from the peers listed in
  ``FORWARDED_ALLOW_IPS`` (comma-separated IPs or networks; default none: the peer address is the
  client address, for logs and rate limits).
"""
import asyncio
import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
from multiprocessing.connection import wait

import uvicorn

from server import observability, realtime
from server.settings import Settings

log = logging.getLogger("server.runner")
GRACEFUL_TIMEOUT = 30
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


def uvicorn_options(product, *, host, port=None):
    """Keyword arguments for ``uvicorn.Config`` serving ``product``."""
    trusted = Settings.from_env(product.name).forwarded_allow_ips
    return dict(app=f"server.asgi:{product.name}", factory=True, host=host, port=port or product.port,
                access_log=False, log_config=None, log_level=logging.getLogger().level,
                proxy_headers=bool(trusted), forwarded_allow_ips=",".join(trusted) or None,
                timeout_graceful_shutdown=GRACEFUL_TIMEOUT, server_header=False)


def serve(products, *, host, port=None, workers=1):
    """Serve ``products`` (already migrated) until told to stop; returns the exit status."""
    options = [uvicorn_options(p, host=host, port=port) for p in products]
    if workers > 1:
        return Supervisor(products, options, workers).run()
    # The event loop uvicorn itself (and each worker) runs on: uvloop when installed, else asyncio's.
    with asyncio.Runner(loop_factory=uvicorn.Config(**options[0]).get_loop_factory()) as runner:
        return runner.run(_serve_together(options))


# -- one process -----------------------------------------------------------------------------------

class _Draining(uvicorn.Server):
    """Closes this process's Socket.IO clients first when it stops: their long-polls end at once and
    the clients reconnect, to another worker, by themselves."""

    async def shutdown(self, sockets=None):
        await realtime.close_all()
        await super().shutdown(sockets=sockets)


class _Server(_Draining):
    """A uvicorn server that leaves signals to the runner (several servers share one loop)."""

    @contextlib.contextmanager
    def capture_signals(self):
        yield


async def _serve_together(options):
    servers = [_Server(uvicorn.Config(**o)) for o in options]
    loop = asyncio.get_running_loop()

    def stop(signum):
        log.info("%s: finishing in-flight requests, then stopping", signal.Signals(signum).name)
        for server in servers:
            if server.should_exit and signum == signal.SIGINT:
                server.force_exit = True
            server.should_exit = True

    for signum in STOP_SIGNALS:
        loop.add_signal_handler(signum, stop, signum)
    await asyncio.gather(*(server.serve() for server in servers))
    return 0 if all(server.started for server in servers) else 1


# -- several worker processes per product ----------------------------------------------------------

class _WorkerServer(_Draining):
    """Tells the supervisor once it serves (a worker that dies before that cannot start at all)."""

    def __init__(self, config, ready):
        super().__init__(config)
        self.ready = ready

    async def startup(self, sockets=None):
        await super().startup(sockets=sockets)
        if self.started:
            self.ready.set()


def _worker(options, sockets, ready):
    """A worker process: the same logging as the parent, then one uvicorn server on the shared socket."""
    observability.configure_logging()
    _WorkerServer(uvicorn.Config(**options), ready).run(sockets=sockets)


class Supervisor:
    def __init__(self, products, options, workers):
        self.products = products
        self.options = options
        self.workers = workers
        self.context = multiprocessing.get_context("spawn")
        self.stopping = None
        self.slots = []          # [product name, options, sockets, metrics dir, process, ready event]
        self.metrics_dirs = []   # removed at exit (a configured PROMETHEUS_MULTIPROC_DIR itself stays)

    def run(self):
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._on_signal)
        status = 0
        try:
            self._start_all()
            status = self._watch()
        finally:
            self._stop_all()
            for slot in self.slots:
                for sock in slot[2]:
                    sock.close()
            for directory in self.metrics_dirs:
                shutil.rmtree(directory, ignore_errors=True)
        return status

    def _on_signal(self, signum, frame):
        if self.stopping is None:
            self.stopping = signum
            log.info("%s: workers finish their in-flight requests, then stop", signal.Signals(signum).name)

    def _start_all(self):
        configured = os.environ.get(observability.MULTIPROC_ENV)
        root = configured or tempfile.mkdtemp(prefix="server-metrics-")
        if not configured:
            self.metrics_dirs.append(root)
        for product, options in zip(self.products, self.options):
            sockets = [uvicorn.Config(**options).bind_socket()]
            metrics_dir = observability.prepare_multiprocess_dir(os.path.join(root, product.name))
            self.metrics_dirs.insert(0, metrics_dir)
            for _ in range(self.workers):
                slot = [product.name, options, sockets, metrics_dir, None, 0.0]
                self.slots.append(slot)
                self._spawn(slot)

    def _spawn(self, slot):
        if self.stopping is not None:
            return
        # A spawned process copies this environment at start: each product's workers get its metrics dir.
        with _environment(observability.MULTIPROC_ENV, slot[3]):
            ready = self.context.Event()
            process = self.context.Process(target=_worker, args=(slot[1], slot[2], ready), name=f"{slot[0]}-worker")
            process.start()
        slot[4], slot[5] = process, ready
        log.info("%s: worker %s started", slot[0], process.pid)

    def _watch(self):
        while self.stopping is None:
            wait([slot[4].sentinel for slot in self.slots], timeout=0.5)
            for slot in self.slots:
                process = slot[4]
                if process.is_alive() or self.stopping is not None:
                    continue
                process.join()
                with _environment(observability.MULTIPROC_ENV, slot[3]):
                    observability.worker_exited(process.pid)
                if not slot[5].is_set():
                    log.error("%s: worker %s exited with status %s while starting; stopping",
                              slot[0], process.pid, process.exitcode)
                    return 1
                log.warning("%s: worker %s exited with status %s; starting another",
                            slot[0], process.pid, process.exitcode)
                self._spawn(slot)
        return 0

    def _stop_all(self):
        running = [slot[4] for slot in self.slots if slot[4] is not None and slot[4].is_alive()]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + GRACEFUL_TIMEOUT + 5
        for process in running:
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                log.error("worker %s did not stop in time; killing it", process.pid)
                process.kill()
                process.join()
        if running:
            log.info("all workers stopped")


@contextlib.contextmanager
def _environment(name, value):
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous
