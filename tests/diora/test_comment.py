"""Comments and replies on posts."""
import pytest

from tests.diora.conftest import error
from tests.diora.social import load, make_comment, make_post

NO_ID = "0" * 24


def author_of(user):
    return {"_id": user.id, "username": user.username, "fullName": user.full_name, "avatar": None,
            "type": user.type, "isVerified": False, "status": "active"}


class TestCreateComment:
    def test_text_from_the_client_content_from_the_reference(self, client, make, published):
        me, owner = make.user(), make.user()
        post = make_post(owner)
        response = client.post("/api/comment/create", headers=make.headers(me),
                               json={"postId": post.id, "text": " Great outfit! ", "userId": owner.id})
        assert response.status_code == 201
        body = response.json()
        comment = body["comment"]
        assert body == {"status": True, "message": "Comment created successfully", "comment": {
            "_id": comment["_id"], "postId": post.id, "parentId": None, "text": "Great outfit!",
            "content": "Great outfit!", "user": author_of(me), "replies": [], "createdAt": comment["createdAt"]}}
        other = make.user()
        response = client.post("/api/comment/create", headers=make.headers(other),
                               json={"postId": post.id, "content": "Love it"})
        assert response.status_code == 201 and response.json()["comment"]["text"] == "Love it"
        assert load(post.id).comments_count == 2
        [note] = make.notifications(owner)
        assert (note.type, note.title, note.message, note.image_url) == (
            "comment", "New Comment", f"{other.username} and {me.username} commented on your post", post.image_url)
        assert [event for _u, event, _p in published()] == ["notification", "notification"]

    @pytest.mark.parametrize("body, field", [
        ({"text": "x"}, "postId"),
        ({"postId": NO_ID, "text": "   "}, "text"),
        ({"postId": NO_ID, "content": ""}, "content"),
        ({"postId": "nope", "text": "x"}, "postId"),
        ({"postId": NO_ID, "text": 5}, "text"),
    ])
    def test_invalid_input_is_400(self, client, make, body, field):
        response = client.post("/api/comment/create", headers=make.headers(), json=body)
        assert response.status_code == 400 and response.json()["field"] == field

    def test_text_or_content_is_required(self, client, make):
        response = client.post("/api/comment/create", headers=make.headers(), json={"postId": NO_ID})
        assert response.status_code == 400
        assert response.json() == error("text or content is required (text)", field="text", errors=[
            {"field": "text", "location": "body", "message": "text or content is required"}])

    def test_unknown_post_is_404(self, client, make):
        response = client.post("/api/comment/create", headers=make.headers(), json={"postId": NO_ID, "text": "x"})
        assert (response.status_code, response.json()) == (404, error("Post not found"))

    def test_needs_a_token(self, client):
        assert client.post("/api/comment/create", json={"postId": NO_ID, "text": "x"}).status_code == 401

    def test_a_suspended_account_is_refused(self, client, make):
        me = make.user()
        make.suspend(me)
        response = client.post("/api/comment/create", headers=make.headers(me), json={"postId": NO_ID, "text": "x"})
        assert response.status_code == 403


class TestReply:
    def test_a_reply_notifies_the_comment_author(self, client, make):
        owner, commenter, replier = make.user(), make.user(), make.user()
        post = make_post(owner)
        parent = make_comment(commenter, post)
        response = client.post(f"/api/comment/reply/{parent.id}", headers=make.headers(replier),
                               json={"content": "Thanks", "postId": post.id})
        assert response.status_code == 201
        body = response.json()
        assert body["message"] == "Reply created successfully"
        assert (body["comment"]["parentId"], body["comment"]["text"]) == (parent.id, "Thanks")
        [note] = make.notifications(commenter)
        assert (note.title, note.message, note.action_url) == (
            "New Reply", f"{replier.username} replied to your comment", f"/post/{post.id}")

    def test_a_reply_to_a_reply_joins_the_thread(self, client, make):
        post = make_post(make.user())
        top = make_comment(make.user(), post)
        first = make_comment(make.user(), post, parent=top)
        response = client.post(f"/api/comment/reply/{first.id}", headers=make.headers(), json={"text": "me too"})
        assert response.json()["comment"]["parentId"] == top.id

    def test_unknown_parent_or_wrong_post_is_404(self, client, make):
        post, other = make_post(make.user()), make_post(make.user())
        parent = make_comment(make.user(), post)
        for comment_id, body in ((NO_ID, {"text": "x"}), (parent.id, {"text": "x", "postId": other.id})):
            response = client.post(f"/api/comment/reply/{comment_id}", headers=make.headers(), json=body)
            assert (response.status_code, response.json()) == (404, error("Parent comment not found"))

    def test_needs_text(self, client, make):
        response = client.post(f"/api/comment/reply/{NO_ID}", headers=make.headers(), json={"postId": NO_ID})
        assert response.status_code == 400
        assert response.json() == error("text or content is required (text)", field="text", errors=[
            {"field": "text", "location": "body", "message": "text or content is required"}])
        blank = client.post(f"/api/comment/reply/{NO_ID}", headers=make.headers(), json={"text": " \n"})
        assert (blank.status_code, blank.json()["field"]) == (400, "text")

    def test_needs_a_token(self, client):
        assert client.post(f"/api/comment/reply/{NO_ID}", json={"text": "x"}).status_code == 401


class TestPostComments:
    def test_newest_first_paged_with_replies_oldest_first(self, client, make):
        owner, a, b = make.user(), make.user(), make.user()
        post = make_post(owner)
        first = make_comment(a, post, "first")
        second = make_comment(b, post, "second")
        r1 = make_comment(b, post, "r1", parent=first)
        r2 = make_comment(owner, post, "r2", parent=first)
        body = client.get(f"/api/comment/post/{post.id}?limit=1&page=2", headers=make.headers()).json()
        assert body["pagination"] == {"currentPage": 2, "totalPages": 2, "totalComments": 2, "hasNextPage": False,
                                      "hasPrevPage": True, "page": 2, "limit": 1, "total": 2}
        [comment] = body["comments"]
        assert (comment["_id"], [r["_id"] for r in comment["replies"]]) == (first.id, [r1.id, r2.id])
        assert comment["replies"][1]["user"] == author_of(owner)
        page1 = client.get(f"/api/comment/post/{post.id}?limit=1", headers=make.headers()).json()
        assert [c["_id"] for c in page1["comments"]] == [second.id]

    def test_unknown_post_is_404(self, client, make):
        assert client.get(f"/api/comment/post/{NO_ID}", headers=make.headers()).status_code == 404

    def test_needs_a_token(self, client):
        assert client.get(f"/api/comment/post/{NO_ID}").status_code == 401


class TestDeleteComment:
    def test_the_author_deletes_with_replies_and_the_notification_goes(self, client, make):
        owner, me = make.user(), make.user()
        post = make_post(owner)
        comment = make_comment(me, post)
        make_comment(owner, post, parent=comment)
        response = client.delete(f"/api/comment/{comment.id}", headers=make.headers(me))
        assert response.json() == {"status": True, "message": "Comment deleted successfully"}
        assert load(post.id).comments_count == 0
        assert make.notifications(owner) == []

    def test_the_post_owner_and_an_admin_may_others_not(self, client, make):
        owner = make.user()
        post = make_post(owner)
        one, two = make_comment(make.user(), post), make_comment(make.user(), post)
        response = client.delete(f"/api/comment/{one.id}", headers=make.headers())
        assert (response.status_code, response.json()) == (
            403, error("Not authorized to delete this comment", "AUTH_002"))
        assert client.delete(f"/api/comment/{one.id}", headers=make.headers(owner)).status_code == 200
        assert client.delete(f"/api/comment/{two.id}", headers=make.headers(make.admin())).status_code == 200

    def test_unknown_is_404(self, client, make):
        response = client.delete(f"/api/comment/{NO_ID}", headers=make.headers())
        assert (response.status_code, response.json()) == (404, error("Comment not found"))

    def test_needs_a_token(self, client):
        assert client.delete(f"/api/comment/{NO_ID}").status_code == 401
