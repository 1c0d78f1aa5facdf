"""Scheduled work: a product's periodic jobs (escrow expiry, report clean-up, ...).

A product lists its jobs on ``Product.jobs``. Each :class:`Job` is a function ``run(database, now)``
that does one pass of its work as of ``now`` (an aware UTC datetime) and returns a small summary dict
(``{"refunded": 2}``). A job must be idempotent and safe when two processes run it at the same moment
(row locks, ``SKIP LOCKED`` or conditional updates): ``serve`` runs every job on its schedule, and an
operator may run one by hand at the same time:

    python -m server jobs list
    python -m server jobs run invare [--job escrow-expiry] [--now 2030-01-01T00:00:00Z]

``--now`` runs the jobs as of another moment, so a person (or a test) can see an escrow expire without
waiting for it. A failing job is logged and retried at its next turn; it never stops the server.
"""
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from models.session import Database

log = logging.getLogger("server.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable             # (database, now) -> dict: what the pass did
    every: float              # seconds between passes under ``serve``
    description: str = ""


class UnknownJob(LookupError):
    pass


def utcnow():
    return dt.datetime.now(dt.timezone.utc)


def parse_moment(text):
    """``--now``: an ISO 8601 moment; without an offset it is taken as UTC."""
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def select(product, names=None):
    """The product's jobs, or those named (UnknownJob names the ones it does not have)."""
    jobs = {job.name: job for job in product.jobs}
    if not names:
        return list(jobs.values())
    unknown = [n for n in names if n not in jobs]
    if unknown:
        known = ", ".join(jobs) or "none"
        raise UnknownJob(f"{product.name} has no job {', '.join(map(repr, unknown))} (its jobs: {known})")
    return [jobs[n] for n in names]


def run_once(product, database, jobs, now=None):
    """Run ``jobs`` once, in order; returns ``[(name, summary or None, error text or None)]``."""
    now = now or utcnow()
    results = []
    for job in jobs:
        started = time.perf_counter()
        try:
            summary = job.run(database, now) or {}
        except Exception as exc:  # a job's failure is reported, never raised into the scheduler
            log.exception("job %s.%s failed", product.name, job.name)
            results.append((job.name, None, f"{type(exc).__name__}: {exc}"))
            continue
        took = (time.perf_counter() - started) * 1000
        log.info("job %s.%s as of %s: %s (%.0f ms)", product.name, job.name, now.isoformat(), summary, took)
        results.append((job.name, summary, None))
    return results


class Scheduler(threading.Thread):
    """Runs every product's jobs on their schedule until :meth:`stop`; one thread for all products,
    with its own small connection pool per product (the serving workers keep theirs)."""

    def __init__(self, products, url_for, clock=time.monotonic):
        super().__init__(name="jobs", daemon=True)
        self.entries = [(product, job) for product in products for job in product.jobs]
        self.url_for = url_for
        self.clock = clock
        self.stopping = threading.Event()
        self.databases = {}

    def database(self, product):
        if product.name not in self.databases:
            database = Database(product.name)
            database.bind(self.url_for(product), pool_size=1)
            self.databases[product.name] = database
        return self.databases[product.name]

    def run(self):
        due = {(p.name, j.name): self.clock() + min(j.every, 5.0) for p, j in self.entries}
        while not self.stopping.is_set():
            now = self.clock()
            for product, job in self.entries:
                key = (product.name, job.name)
                if due[key] <= now and not self.stopping.is_set():
                    run_once(product, self.database(product), [job])
                    due[key] = self.clock() + job.every
            wait = min(due.values(), default=now + 60) - self.clock()
            self.stopping.wait(max(0.05, wait))
        for database in self.databases.values():
            database.engine.dispose()

    def stop(self, timeout=10):
        self.stopping.set()
        if self.is_alive():
            self.join(timeout)
