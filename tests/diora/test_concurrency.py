"""Races on a real, committed database (a SQLite file or a fresh PostgreSQL database) with separate
connections from real threads: follow counters and aggregated notifications stay exact."""
import secrets

import pytest
from sqlalchemy import func, select

from models.diora import follows, notifications, users
from models.diora.tables.notifications import Notification
from models.diora.tables.users import Follow, User
from tests.support import races

RACERS = 8
POST = "c" * 24


@pytest.fixture(scope="module")
def race_db(tmp_path_factory):
    with races.database("diora", tmp_path_factory, label="race", pool_size=RACERS + 2) as database:
        yield database


def account(database, prefix):
    with database.unit_of_work() as uow:
        tag = secrets.token_hex(4)
        user = users.create_account(uow.session, email=f"{prefix}{tag}@example.com", username=f"{prefix}{tag}",
                                    full_name=prefix, password_hash="x")
        uow.commit()
        return user.id


def run_together(work, count=RACERS):
    return races.run_together(work, count)


def test_many_follow_and_like_at_once(race_db):
    target = account(race_db, "star")
    fans = [account(race_db, "fan") for _ in range(RACERS)]

    def follow_and_like(index):
        with race_db.unit_of_work() as uow:
            follows.toggle_follow(uow.session, follower_id=fans[index], target_id=target)
            uow.commit()
        with race_db.unit_of_work() as uow:
            notifications.notify_like(uow.session, post_id=POST, owner_id=target, liker_id=fans[index])
            uow.commit()

    results = run_together(follow_and_like)
    assert results == [None] * RACERS
    with race_db.reading() as session:
        assert session.get(User, target).followers_count == RACERS
        assert session.scalar(select(func.count()).select_from(Follow).where(Follow.followed_id == target)) == RACERS
        likes = list(session.scalars(select(Notification).where(Notification.user_id == target,
                                                                Notification.type == "like")))
        assert len(likes) == 1 and sorted(likes[0].from_user_ids) == sorted(fans)
        assert session.scalar(select(func.count()).select_from(Notification).where(
            Notification.user_id == target, Notification.type == "follow")) == RACERS


def test_two_accounts_following_each_other_at_once_do_not_deadlock(race_db):
    a, b = account(race_db, "a"), account(race_db, "b")
    pairs = [(a, b), (b, a)]

    def follow(index):
        follower, target = pairs[index]
        with race_db.unit_of_work() as uow:
            follows.toggle_follow(uow.session, follower_id=follower, target_id=target)
            uow.commit()

    assert run_together(follow, count=2) == [None, None]
    with race_db.reading() as session:
        assert [(u.followers_count, u.following_count) for u in (session.get(User, a), session.get(User, b))] == [
            (1, 1), (1, 1)]
