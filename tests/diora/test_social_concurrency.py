"""Races on a real, committed database with separate connections from real threads: likes keep an
exact counter, one user's toggles stay consistent, two report clean-ups delete each row once."""
import datetime as dt
import secrets

import pytest
from sqlalchemy import func, select

from models.base import utcnow
from models.diora import post as posts
from models.diora import report as reports
from models.diora.tables.notifications import Notification
from models.diora.tables.post import Post, PostLike
from models.diora.tables.report import Report
from tests.conftest import BACKEND
from tests.diora.test_concurrency import account, race_db  # noqa: F401  (the module's race database)
from tests.support import races

LIKERS = 50


together = races.run_together


def a_post(database, owner):
    with database.unit_of_work() as uow:
        shown = posts.create_post(uow.session, user_id=owner, caption="race", image=("http://x/a.png", "images/a.png"))
        uow.commit()
        return shown.rows[0][0].id


def toggle(database, post_id, user_id):
    with database.unit_of_work() as uow:
        liked, _post, _ids, _notes = posts.toggle_like(uow.session, post_id=post_id, user_id=user_id)
        uow.commit()
    return liked


@pytest.mark.skipif(BACKEND == "sqlite", reason="fifty writers at once outwait SQLite's busy timeout on a loaded "
                                               "machine; SQLite serializes writers anyway (BEGIN IMMEDIATE)")
def test_fifty_distinct_likers_at_once_give_exactly_fifty(race_db):  # noqa: F811
    owner = account(race_db, "owner")
    post_id = a_post(race_db, owner)
    likers = [account(race_db, "liker") for _ in range(LIKERS)]
    results = together(lambda i: toggle(race_db, post_id, likers[i]), LIKERS)
    assert results == [True] * LIKERS
    with race_db.reading() as session:
        assert session.get(Post, post_id).stars == LIKERS
        assert session.scalar(select(func.count()).select_from(PostLike).where(PostLike.post_id == post_id)) == LIKERS
        [note] = session.scalars(select(Notification).where(Notification.user_id == owner, Notification.type == "like"))
        assert sorted(note.from_user_ids) == sorted(likers)


def test_one_users_twenty_toggles_at_once_stay_consistent(race_db):  # noqa: F811
    post_id = a_post(race_db, account(race_db, "owner"))
    me = account(race_db, "clicker")
    results = together(lambda i: toggle(race_db, post_id, me), 20)
    assert all(isinstance(r, bool) for r in results)
    assert results.count(True) == results.count(False) == 10
    with race_db.reading() as session:
        likes = session.scalar(select(func.count()).select_from(PostLike).where(PostLike.post_id == post_id))
        assert (session.get(Post, post_id).stars, likes) == (0, 0)


def test_two_cleanups_at_once_delete_each_report_once(race_db):  # noqa: F811
    reporter = account(race_db, "reporter")
    old = utcnow() - dt.timedelta(days=8)
    tag = secrets.token_hex(8)[:24].ljust(24, "0")
    with race_db.unit_of_work() as uow:
        for _ in range(30):
            uow.session.add(Report(reporter_id=reporter, item_type="user", item_id=tag, reason="spam", description="",
                                   status="resolved", priority="medium", action_taken="none", evidence_urls=[],
                                   created_at=old, updated_at=old))
        uow.commit()
    results = together(lambda _i: reports.run_cleanup(race_db, utcnow()), 2)
    assert sum(r["deleted"] for r in results) == 30
    with race_db.reading() as session:
        assert session.scalar(select(func.count()).select_from(Report).where(Report.item_id == tag)) == 0
