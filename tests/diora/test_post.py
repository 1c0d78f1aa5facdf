"""The feed: posts, likes, trending posts."""
import pytest

from tests.diora.conftest import error, jpeg, png
from tests.diora.social import ago, like, load, make_post

NO_POST = "0" * 24


def post_body(post, owner, *, liked=False, stars=0, comments=0, hidden=False):
    return {"_id": post.id, "imageUrl": post.image_url, "imageId": post.image_id, "caption": post.caption,
            "stars": stars, "likes": stars, "comments": comments, "commentsCount": comments, "isHidden": hidden,
            "isLiked": liked, "createdAt": post.created_at.strftime("%Y-%m-%dT%H:%M:%S.") +
            f"{post.created_at.microsecond // 1000:03d}Z",
            "user": {"_id": owner.id, "username": owner.username, "fullName": owner.full_name, "avatar": None,
                     "type": owner.type, "isVerified": False, "status": "active"}}


class TestCreatePost:
    def test_a_post_with_an_image_and_caption(self, client, make):
        me = make.user()
        response = client.post("/api/post/create", headers=make.headers(me),
                               files={"image": ("fit.png", png(), "image/png")}, data={"caption": " Fit "})
        assert response.status_code == 201
        body = response.json()
        post = load(body["post"]["_id"])
        assert body == {"status": True, "message": "Post created successfully", "post": post_body(post, me)}
        assert post.caption == "Fit" and post.image_url.endswith(post.image_id)
        assert make.reload(me).posts_count == 1
        assert client.get(f"/api/user/{me.id}", headers=make.headers()).json()["user"]["posts"] == 1

    def test_jpeg_by_content(self, client, make):
        response = client.post("/api/post/create", headers=make.headers(),
                               files={"image": ("x.bin", jpeg(), "application/octet-stream")})
        assert response.status_code == 201 and response.json()["post"]["imageId"].endswith(".jpg")

    @pytest.mark.parametrize("files, message", [
        ({"caption": (None, "just words")}, "'image' is a required property"),
        ({"image": ("fake.png", b"not an image at all", "image/png")},
         "Only JPG, PNG, GIF and WebP images are allowed"),
    ])
    def test_refuses_a_missing_or_fake_image(self, client, make, files, message):
        me = make.user()
        response = client.post("/api/post/create", headers=make.headers(me), files=files)
        assert response.status_code == 400
        assert response.json()["message"].startswith(message)
        assert make.reload(me).posts_count == 0

    def test_a_field_the_form_does_not_take_is_400(self, client, make):
        me = make.user()
        response = client.post("/api/post/create", headers=make.headers(me),
                               files={"image": ("a.png", png(), "image/png"), "mood": (None, "sunny")})
        assert response.status_code == 400
        message = "Extra formData parameter(s) mood not in spec"
        assert response.json() == error(message, errors=[{"field": None, "location": "body", "message": message}])
        assert make.reload(me).posts_count == 0

    def test_too_large_a_body_is_413(self, client, make):
        big = b"\0" * (10551296 + 1)
        response = client.post("/api/post/create", headers=make.headers(),
                               files={"image": ("big.png", big, "image/png")})
        assert response.status_code == 413

    def test_needs_a_token(self, client):
        assert client.post("/api/post/create", files={"image": ("a.png", png(), "image/png")}).status_code == 401

    def test_a_suspended_account_is_refused(self, client, make):
        me = make.user()
        make.suspend(me)
        response = client.post("/api/post/create", headers=make.headers(me),
                               files={"image": ("a.png", png(), "image/png")})
        assert response.status_code == 403 and response.json()["code"] == "USER_002"


class TestGetPosts:
    def test_newest_first_paged(self, client, make):
        me, author = make.user(), make.user()
        old = make_post(author, caption="old", created_at=ago(days=2))
        new = make_post(author, caption="new", likes=[me])
        response = client.get("/api/post?limit=1", headers=make.headers(me))
        assert response.status_code == 200
        assert response.json() == {"status": True, "posts": [post_body(new, author, liked=True, stars=1)],
                                   "pagination": {"page": 1, "limit": 1, "total": 2, "totalPages": 2,
                                                  "hasNextPage": True, "hasPrevPage": False}}
        second = client.get("/api/post/?page=2&limit=1", headers=make.headers(me)).json()
        assert [p["_id"] for p in second["posts"]] == [old.id]

    def test_hidden_posts_and_inactive_owners_are_left_out_except_for_admins(self, client, make):
        author, banned, suspended = make.user(), make.user(), make.user()
        shown = make_post(author)
        hidden = make_post(author, hidden=True)
        of_banned, of_suspended = make_post(banned), make_post(suspended)
        make.ban(banned)
        make.suspend(suspended)
        ids = [p["_id"] for p in client.get("/api/post", headers=make.headers()).json()["posts"]]
        assert ids == [shown.id]
        ids = {p["_id"] for p in client.get("/api/post", headers=make.headers(make.admin())).json()["posts"]}
        assert ids == {shown.id, hidden.id, of_banned.id, of_suspended.id}

    @pytest.mark.parametrize("query", ["page=0", "limit=0", "limit=101", "page=x"])
    def test_bad_paging_is_400(self, client, make, query):
        response = client.get(f"/api/post?{query}", headers=make.headers())
        assert response.status_code == 400

    def test_needs_a_token(self, client):
        assert client.get("/api/post").status_code == 401


class TestGetPost:
    def test_one_post(self, client, make):
        author = make.user()
        post = make_post(author)
        response = client.get(f"/api/post/{post.id}", headers=make.headers())
        assert response.json() == {"status": True, "post": post_body(post, author)}

    @pytest.mark.parametrize("post_id", [NO_POST, "nothex"])
    def test_unknown_is_404(self, client, make, post_id):
        response = client.get(f"/api/post/{post_id}", headers=make.headers())
        assert response.status_code in (400, 404)

    def test_unknown_answers_post_not_found(self, client, make):
        response = client.get(f"/api/post/{NO_POST}", headers=make.headers())
        assert (response.status_code, response.json()) == (404, error("Post not found"))

    def test_hidden_is_404_for_others(self, client, make):
        post = make_post(make.user(), hidden=True)
        assert client.get(f"/api/post/{post.id}", headers=make.headers()).status_code == 404
        assert client.get(f"/api/post/{post.id}", headers=make.headers(make.admin())).status_code == 200

    def test_needs_a_token(self, client):
        assert client.get(f"/api/post/{NO_POST}").status_code == 401


class TestLikePost:
    def test_like_then_unlike(self, client, make, published):
        me, author = make.user(), make.user()
        post = make_post(author)
        response = client.put(f"/api/post/like/{post.id}", headers=make.headers(me))
        assert response.json() == {"status": True, "message": "Post liked successfully", "liked": True, "stars": 1,
                                   "user": {"likedPosts": [post.id]}, "post": {"_id": post.id, "stars": 1}}
        [note] = make.notifications(author)
        assert (note.type, note.title, note.message) == ("like", "New Like", f"{me.username} liked your post")
        assert [(users, event) for users, event, _ in published()] == [([author.id], "notification")]
        me_now = client.get("/api/user/me", headers=make.headers(me)).json()["user"]
        assert me_now["likedPosts"] == [post.id]
        response = client.put(f"/api/post/like/{post.id}", headers=make.headers(me))
        assert response.json() == {"status": True, "message": "Post unliked successfully", "liked": False,
                                   "stars": 0, "user": {"likedPosts": []}, "post": {"_id": post.id, "stars": 0}}
        assert make.notifications(author) == []
        assert load(post.id).stars == 0

    def test_aggregates_likers(self, client, make):
        author, a, b, c = make.user(), make.user(), make.user(), make.user()
        post = make_post(author, likes=[a, b])
        client.put(f"/api/post/like/{post.id}", headers=make.headers(c))
        [note] = make.notifications(author)
        assert note.message == f"{c.username}, {b.username} and 1 other liked your post"

    def test_liking_ones_own_post_notifies_nobody(self, client, make):
        me = make.user()
        post = make_post(me)
        assert client.put(f"/api/post/like/{post.id}", headers=make.headers(me)).json()["stars"] == 1
        assert make.notifications(me) == []

    def test_unknown_or_hidden_post_is_404(self, client, make):
        hidden = make_post(make.user(), hidden=True)
        for post_id in (NO_POST, hidden.id):
            response = client.put(f"/api/post/like/{post_id}", headers=make.headers())
            assert (response.status_code, response.json()) == (404, error("Post not found"))

    def test_needs_a_token(self, client):
        assert client.put(f"/api/post/like/{NO_POST}").status_code == 401

    def test_a_banned_account_is_refused(self, client, make):
        me = make.user()
        post = make_post(make.user())
        make.ban(me)
        assert client.put(f"/api/post/like/{post.id}", headers=make.headers(me)).status_code == 403
        assert load(post.id).stars == 0


class TestUserPosts:
    def test_an_accounts_posts_newest_first(self, client, make):
        author, other = make.user(), make.user()
        first = make_post(author, created_at=ago(hours=1))
        second = make_post(author)
        make_post(other)
        body = client.get(f"/api/post/user/{author.id}", headers=make.headers()).json()
        assert [p["_id"] for p in body["posts"]] == [second.id, first.id]
        assert body["pagination"]["total"] == 2

    def test_a_banned_account_is_404(self, client, make):
        author = make.user()
        make.ban(author)
        response = client.get(f"/api/post/user/{author.id}", headers=make.headers())
        assert (response.status_code, response.json()) == (404, error("User not found", "USER_001"))

    def test_needs_a_token(self, client, make):
        assert client.get(f"/api/post/user/{NO_POST}").status_code == 401


class TestLikedPosts:
    def test_most_recent_like_first_with_liked_at(self, client, make):
        me, author = make.user(), make.user()
        a, b = make_post(author), make_post(author)
        like(me, b.id)
        like(me, a.id)
        posts = client.get(f"/api/post/user/{me.id}/liked", headers=make.headers(me)).json()["posts"]
        assert [p["_id"] for p in posts] == [a.id, b.id]
        assert all(p["isLiked"] and p["likedAt"].endswith("Z") for p in posts)

    def test_unknown_user_is_404(self, client, make):
        assert client.get(f"/api/post/user/{NO_POST}/liked", headers=make.headers()).status_code == 404

    def test_needs_a_token(self, client):
        assert client.get(f"/api/post/user/{NO_POST}/liked").status_code == 401


class TestTrending:
    def test_engagement_decays_with_age_and_the_caller_is_left_out(self, client, make):
        me, author = make.user(), make.user()
        fans = [make.user() for _ in range(3)]
        fresh = make_post(author, caption="fresh")
        popular_old = make_post(author, caption="old but liked", created_at=ago(days=1), likes=fans)
        stale = make_post(author, caption="stale", created_at=ago(days=10), likes=fans)
        make_post(me, likes=fans)
        body = client.get("/api/post/trending", headers=make.headers(me)).json()
        # log2(4) - 0.5 = 1.5 beats log2(1) = 0 beats log2(4) - 5 = -3
        assert [p["_id"] for p in body["trendingPosts"]] == [popular_old.id, fresh.id, stale.id]
        assert body["posts"] == body["trendingPosts"]

    def test_limit(self, client, make):
        author = make.user()
        for _ in range(3):
            make_post(author)
        assert len(client.get("/api/post/trending?limit=2", headers=make.headers()).json()["posts"]) == 2

    def test_needs_a_token(self, client):
        assert client.get("/api/post/trending").status_code == 401


class TestDeletePost:
    def test_the_author_deletes(self, client, make):
        me = make.user()
        post = make_post(me)
        response = client.delete(f"/api/post/{post.id}", headers=make.headers(me))
        assert response.json() == {"status": True, "message": "Post deleted successfully"}
        assert load(post.id) is None and make.reload(me).posts_count == 0

    def test_another_user_is_403_and_an_admin_may(self, client, make):
        post = make_post(make.user())
        response = client.delete(f"/api/post/{post.id}", headers=make.headers())
        assert (response.status_code, response.json()) == (403, error("You can only delete your own posts", "AUTH_002"))
        assert client.delete(f"/api/post/{post.id}", headers=make.headers(make.admin())).status_code == 200

    def test_needs_a_token(self, client):
        assert client.delete(f"/api/post/{NO_POST}").status_code == 401


class TestSharedInMessages:
    def test_a_shared_post_must_exist_and_shows_its_summary(self, client, make):
        me, friend, author = make.user(), make.user(), make.user()
        post = make_post(author, caption="share me")
        opened = client.post("/api/message/conversations", headers=make.headers(me),
                             json={"participantId": friend.id, "type": "private"})
        conversation_id = opened.json()["conversation"]["_id"]
        missing = client.post("/api/message/messages", headers=make.headers(me),
                              json={"conversationId": conversation_id, "type": "post", "postId": NO_POST})
        assert (missing.status_code, missing.json()["message"]) == (404, "Post not found")
        sent = client.post("/api/message/messages", headers=make.headers(me),
                           json={"conversationId": conversation_id, "type": "post", "postId": post.id})
        assert sent.json()["message"]["postId"] == {
            "_id": post.id, "imageUrl": post.image_url, "caption": "share me", "stars": 0,
            "user": {"_id": author.id, "username": author.username, "avatar": None}}
