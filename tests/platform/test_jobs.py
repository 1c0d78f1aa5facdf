"""Periodic jobs: selection, one pass as of a moment, failures reported, the scheduler's turns."""
import datetime as dt
import threading
from dataclasses import replace

import pytest

from server import jobs
from server.app import load_product

UTC = dt.timezone.utc


def product_with(*entries):
    return replace(load_product("looking"), jobs=tuple(entries))


class TestSelect:
    def test_all_jobs_by_default_and_named_ones_in_order(self):
        a, b = jobs.Job("a", lambda db, now: {}, 60), jobs.Job("b", lambda db, now: {}, 60)
        product = product_with(a, b)
        assert jobs.select(product) == [a, b]
        assert jobs.select(product, ["b"]) == [b]

    def test_an_unknown_name_says_which_jobs_exist(self):
        product = product_with(jobs.Job("report-cleanup", lambda db, now: {}, 60))
        with pytest.raises(jobs.UnknownJob, match=r"looking has no job 'x' \(its jobs: report-cleanup\)"):
            jobs.select(product, ["x"])


class TestParseMoment:
    @pytest.mark.parametrize("text, expected", [
        pytest.param("2030-01-01T00:00:00Z", dt.datetime(2030, 1, 1, tzinfo=UTC), id="Z"),
        pytest.param("2030-01-01T03:00:00+03:00", dt.datetime(2030, 1, 1, tzinfo=UTC), id="offset"),
        pytest.param("2030-01-01T00:00:00", dt.datetime(2030, 1, 1, tzinfo=UTC), id="naive is UTC"),
    ])
    def test_moments(self, text, expected):
        assert jobs.parse_moment(text) == expected

    def test_garbage_is_refused(self):
        with pytest.raises(ValueError):
            jobs.parse_moment("yesterday")


class TestRunOnce:
    def test_each_job_runs_as_of_the_moment_given_and_reports_its_summary(self):
        seen = []
        moment = dt.datetime(2030, 1, 1, tzinfo=UTC)
        job = jobs.Job("count", lambda db, now: seen.append((db, now)) or {"done": 1}, 60)
        results = jobs.run_once(product_with(job), "db", [job], now=moment)
        assert results == [("count", {"done": 1}, None)]
        assert seen == [("db", moment)]

    def test_a_failing_job_is_reported_and_the_next_one_still_runs(self):
        def broken(db, now):
            raise RuntimeError("database said no")

        ok = jobs.Job("ok", lambda db, now: None, 60)
        results = jobs.run_once(product_with(), None, [jobs.Job("broken", broken, 60), ok])
        assert results == [("broken", None, "RuntimeError: database said no"), ("ok", {}, None)]


class TestScheduler:
    def test_runs_due_jobs_on_its_own_database_and_stops(self, tmp_path):
        ran = threading.Event()
        calls = []

        def job(database, now):
            with database.reading() as session:
                calls.append(session.bind.url.database)
            ran.set()
            return {}

        product = product_with(jobs.Job("tick", job, 0.01))
        url = f"sqlite:///{tmp_path / 'jobs.db'}"
        scheduler = jobs.Scheduler([product], lambda p: url)
        scheduler.start()
        try:
            assert ran.wait(10)
        finally:
            scheduler.stop()
        assert not scheduler.is_alive()
        assert calls[0] == str(tmp_path / "jobs.db")
