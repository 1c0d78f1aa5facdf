"""Whole journeys through the social areas, the demo data, and the report clean-up job from the CLI."""
import datetime as dt
import os
import subprocess
import sys
from types import SimpleNamespace

from sqlalchemy import create_engine, func, select, text

from models.base import utcnow
from models.diora import database
from models.diora.seed import seed
from models.diora.tables.comment import Comment
from models.diora.tables.post import Post, PostLike
from tests.diora.conftest import png



def signup(client, name):
    response = client.post("/api/auth/signup", json={"email": f"{name}@example.com", "username": name,
                                                      "fullName": name.title(), "password": "Password123"})
    assert response.status_code == 201, response.text
    body = response.json()
    return body["user"], {"Authorization": f"Bearer {body['token']}"}


def test_signup_post_like_comment_notification_follow_trending_search(client):
    author, as_author = signup(client, "journeyauthor")
    fan, as_fan = signup(client, "journeyfan")
    created = client.post("/api/post/create", headers=as_author, files={"image": ("a.png", png(), "image/png")},
                          data={"caption": "Velvet blazer season"})
    post_id = created.json()["post"]["_id"]
    assert client.put(f"/api/post/like/{post_id}", headers=as_fan).json()["stars"] == 1
    comment = client.post("/api/comment/create", headers=as_fan, json={"postId": post_id, "text": "Stunning"})
    reply = client.post(f"/api/comment/reply/{comment.json()['comment']['_id']}", headers=as_author,
                        json={"text": "Thanks!"})
    assert reply.status_code == 201
    inbox = client.get("/api/notification", headers=as_author).json()
    assert [(n["type"], n["title"]) for n in inbox["notifications"]] == [
        ("comment", "New Comment"), ("like", "New Like")]
    assert inbox["unreadCount"] == 2
    fan_inbox = client.get("/api/notification", headers=as_fan).json()
    assert [n["title"] for n in fan_inbox["notifications"]] == ["New Reply"]
    assert client.put(f"/api/user/follow/{author['_id']}", headers=as_fan).json()["isFollowing"] is True
    trending = client.get("/api/post/trending", headers=as_fan).json()["trendingPosts"]
    assert trending[0]["_id"] == post_id and trending[0]["isLiked"] is True
    assert client.get("/api/post/trending", headers=as_author).json()["trendingPosts"] == []
    found = client.get("/api/search?query=velvet", headers=as_fan).json()
    assert [p["_id"] for p in found["posts"]] == [post_id]
    assert [u["_id"] for u in client.get("/api/search/users?q=", headers=as_fan).json()["users"]] == [author["_id"]]
    me = client.get("/api/user/me", headers=as_fan).json()["user"]
    assert me["likedPosts"] == [post_id]
    assert client.get("/api/user/me", headers=as_author).json()["user"]["posts"] == 1
    comments = client.get(f"/api/comment/post/{post_id}", headers=as_fan).json()["comments"]
    assert [(c["text"], [r["text"] for r in c["replies"]]) for c in comments] == [("Stunning", ["Thanks!"])]


def test_report_moderate_refuse_then_the_suspension_lapses(client, make):
    offender, as_offender = signup(client, "journeyoffender")
    _reporter, as_reporter = signup(client, "journeyreporter")
    admin = make.headers(make.admin())
    filed = client.post("/api/report", headers=as_reporter, json={
        "targetType": "user", "targetId": offender["_id"], "reason": "harassment", "description": "Rude"})
    report_id = filed.json()["report"]["_id"]
    assert client.get("/api/report/stats", headers=admin).json()["stats"]["pending"] >= 1
    done = client.post(f"/api/report/{report_id}/moderate", headers=admin,
                       json={"action": "suspend_user", "duration": 1, "reason": "Harassment"})
    assert done.json()["report"]["status"] == "resolved"
    refused = client.get("/api/post", headers=as_offender)
    assert (refused.status_code, refused.json()["message"]) == (403, "Account is suspended")
    account = make.reload(SimpleNamespace(id=offender["_id"]))
    make.set(account, suspended_until=utcnow() - dt.timedelta(seconds=1))
    assert client.get("/api/post", headers=as_offender).status_code == 200
    assert client.get("/api/notification", headers=as_offender).json()["notifications"][0]["title"] == (
        "Account Suspended ⚠️")


def test_seed_makes_posts_with_likes_and_comments(make, tmp_path):
    settings = SimpleNamespace(storage_dir=tmp_path, public_url="")
    with database.unit_of_work() as uow:
        seed(uow.session, settings)
        uow.commit()
    with database.reading() as session:
        posts = list(session.scalars(select(Post)))
        assert len(posts) == 4
        assert sum(p.stars for p in posts) == session.scalar(select(func.count()).select_from(PostLike)) == 6
        assert session.scalar(select(func.count()).select_from(Comment)) == sum(p.comments_count for p in posts) == 7
    stored = sorted(p.name for p in (tmp_path / "images").iterdir() if p.name.startswith("seed-post-"))
    assert stored == [f"seed-post-{i}.png" for i in range(1, 5)]


def test_the_cleanup_job_from_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'diora.db'}"
    env = {k: v for k, v in os.environ.items() if not k.endswith("_DATABASE_URL")}
    env.update({"DIORA_DATABASE_URL": url, "JWT_SECRET": "c" * 40, "APP_ENV": "development",
                "DATA_DIR": str(tmp_path / "data")})

    def run(*args):
        return subprocess.run([sys.executable, "-m", "server", *args], env=env, capture_output=True, text=True,
                              timeout=120, stdin=subprocess.DEVNULL)

    migrated = run("db", "upgrade", "diora")
    assert migrated.returncode == 0, migrated.stderr
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (id, email, username, full_name, password_hash, bio, is_verified, type, location,"
            " status, followers_count, following_count, posts_count, theme, notification_settings, privacy, onboarding,"
            " shop_categories, shop_rating_sum, shop_review_count, last_active_at, created_at, updated_at) VALUES"
            " ('aaaaaaaaaaaaaaaaaaaaaaaa', 'r@x.io', 'r', 'R', 'x', '', 0, 'user', '', 'active', 0, 0, 0, 'light',"
            " '{}', '{}', '{}', '', 0, 0, '2030-01-01', '2030-01-01', '2030-01-01')"))
        connection.execute(text(
            "INSERT INTO reports (id, reporter_id, item_type, item_id, reason, description, status, priority,"
            " action_taken, evidence_urls, created_at, updated_at) VALUES ('bbbbbbbbbbbbbbbbbbbbbbbb',"
            " 'aaaaaaaaaaaaaaaaaaaaaaaa', 'user', 'aaaaaaaaaaaaaaaaaaaaaaaa', 'spam', '', 'resolved', 'medium',"
            " 'none', '[]', '2030-01-01 00:00:00', '2030-01-01 00:00:00')"))
    early = run("jobs", "run", "diora", "--job", "report-cleanup", "--now", "2030-01-05T00:00:00Z")
    assert early.returncode == 0, early.stderr
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM reports")).scalar() == 1
    late = run("jobs", "run", "diora", "--job", "report-cleanup", "--now", "2030-01-09T00:00:00Z")
    assert late.returncode == 0 and "deleted" in late.stdout + late.stderr, late.stderr
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM reports")).scalar() == 0
    engine.dispose()
