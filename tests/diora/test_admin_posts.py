"""Administrators moderating posts: /admin/posts/search, /admin/posts/{postId}/hide and /show."""
from models.diora import database
from models.diora.tables.post import Post
from tests.diora.conftest import error
from tests.diora.social import make_post

UNKNOWN = "d" * 24


class TestSearchPosts:
    def test_every_post_most_reported_first_with_its_author_and_counts(self, client, make):
        author = make.user(username="poster")
        quiet = make_post(author, caption="Quiet denim fit")
        hidden = make_post(author, caption="Hidden denim fit", hidden=True, likes=[make.user()])
        make_post(author, caption="Wool coat")
        with database.unit_of_work() as uow:
            uow.session.get(Post, hidden.id).reports = 3
            uow.commit()
        answer = client.get("/api/admin/posts/search?query=DENIM", headers=make.headers(make.admin()))
        assert answer.status_code == 200
        body = answer.json()
        assert [p["_id"] for p in body["posts"]] == [hidden.id, quiet.id]
        first = body["posts"][0]
        assert (first["reports"], first["isHidden"], first["likes"], first["comments"]) == (3, True, 1, 0)
        assert first["user"] == {"_id": author.id, "username": "poster", "fullName": author.full_name,
                                 "status": "active"}
        assert body["pagination"]["total"] == 2

    def test_filters(self, client, make):
        author, other = make.user(), make.user()
        hidden = make_post(author, hidden=True)
        shown = make_post(author)
        make_post(other)
        admin = make.headers(make.admin())
        found = client.get(f"/api/admin/posts/search?userId={author.id}&hidden=false", headers=admin).json()["posts"]
        assert [p["_id"] for p in found] == [shown.id]
        found = client.get("/api/admin/posts/search?q=&hidden=true", headers=admin).json()["posts"]
        assert [p["_id"] for p in found] == [hidden.id]

    def test_other_users_are_403_and_no_token_401(self, client, make):
        answer = client.get("/api/admin/posts/search", headers=make.headers())
        assert (answer.status_code, answer.json()["code"]) == (403, "AUTH_002")
        assert client.get("/api/admin/posts/search").status_code == 401


class TestHidePost:
    def test_hides_it_from_everyone_but_admins_and_tells_the_author(self, client, make):
        author, viewer = make.user(), make.user()
        post = make_post(author, caption="Fit check")
        answer = client.post(f"/api/admin/posts/{post.id}/hide", headers=make.headers(make.admin()),
                             json={"reason": "Spam"})
        assert answer.status_code == 200
        body = answer.json()
        assert (body["status"], body["message"], body["post"]["isHidden"]) == (True, "Post hidden successfully", True)
        note = make.notifications(author)[0]
        assert (note.type, note.post_id) == ("warning", post.id)
        assert note.message == "One of your posts was hidden. Reason: Spam"
        assert client.get(f"/api/post/{post.id}", headers=make.headers(viewer)).status_code == 404

    def test_an_unknown_post_is_404_and_users_are_403(self, client, make):
        answer = client.post(f"/api/admin/posts/{UNKNOWN}/hide", headers=make.headers(make.admin()), json={})
        assert (answer.status_code, answer.json()) == (404, error("Post not found", answer.json().get("code")))
        answer = client.post(f"/api/admin/posts/{UNKNOWN}/hide", headers=make.headers(), json={})
        assert (answer.status_code, answer.json()["code"]) == (403, "AUTH_002")


class TestShowPost:
    def test_shows_it_again(self, client, make):
        author, viewer = make.user(), make.user()
        post = make_post(author, hidden=True)
        answer = client.post(f"/api/admin/posts/{post.id}/show", headers=make.headers(make.admin()))
        assert answer.status_code == 200
        assert (answer.json()["message"], answer.json()["post"]["isHidden"]) == ("Post shown successfully", False)
        assert client.get(f"/api/post/{post.id}", headers=make.headers(viewer)).status_code == 200
        assert make.notifications(author) == []

    def test_unknown_is_404(self, client, make):
        answer = client.post(f"/api/admin/posts/{UNKNOWN}/show", headers=make.headers(make.admin()))
        assert answer.status_code == 404
