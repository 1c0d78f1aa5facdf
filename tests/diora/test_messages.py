"""Messaging over HTTP: conversations (private, group), messages, reading, reactions, deletes, the group
picture, and what each publishes to the members' sockets."""
import pytest

from models.diora import database
from models.diora.tables.messages import Conversation, Message
from tests.diora.conftest import error, png

MISSING = "a" * 24


def private(client, make, me, other):
    response = client.get(f"/api/message/conversations/user/{other.id}", headers=make.headers(me))
    assert response.status_code in (200, 201), response.text
    return response.json()["conversationId"]


def group(client, make, owner, *members, name="Weekend fits"):
    response = client.post("/api/message/conversations/group", headers=make.headers(owner),
                           json={"name": name, "participants": [m.id for m in members]})
    assert response.status_code == 201, response.text
    return response.json()["conversation"]


def send(client, make, user, conversation_id, **body):
    if "text" not in body and "content" not in body:
        body["text"] = "hi"
    return client.post("/api/message/messages", headers=make.headers(user), json={"conversationId": conversation_id, **body})


def history(client, make, user, conversation_id, **query):
    return client.get(f"/api/message/conversations/{conversation_id}/messages", headers=make.headers(user), params=query)


def summary(user):
    return {"_id": user.id, "username": user.username, "fullName": user.full_name, "avatar": None, "type": user.type,
            "isVerified": False, "status": "active"}


class TestGetConversationId:
    def test_starts_once_then_finds_the_same(self, client, make):
        me, other = make.user(), make.user()
        first = client.get(f"/api/message/conversations/user/{other.id}", headers=make.headers(me))
        assert first.status_code == 201
        conversation_id = first.json()["conversationId"]
        assert first.json() == {"status": True, "message": "Conversation created successfully",
                                "conversationId": conversation_id}
        again = client.get(f"/api/message/conversations/user/{me.id}", headers=make.headers(other))
        assert (again.status_code, again.json()) == (200, {"status": True, "conversationId": conversation_id})

    def test_not_with_oneself(self, client, make):
        me = make.user()
        response = client.get(f"/api/message/conversations/user/{me.id}", headers=make.headers(me))
        assert (response.status_code, response.json()) == (400, error("You can't message yourself", field="otherUserId"))

    @pytest.mark.parametrize("moderate", ["ban", "suspend", None])
    def test_unknown_banned_or_suspended_user_is_404(self, client, make, moderate):
        other = make.user()
        if moderate:
            getattr(make, moderate)(other)
        target = other.id if moderate else MISSING
        response = client.get(f"/api/message/conversations/user/{target}", headers=make.headers())
        assert (response.status_code, response.json()) == (404, error("User not found", "USER_001"))

    def test_a_user_who_accepts_no_messages(self, client, make):
        other = make.user(privacy={"profileVisibility": "public", "allowMessages": False, "showOnlineStatus": True})
        response = client.get(f"/api/message/conversations/user/{other.id}", headers=make.headers())
        assert (response.status_code, response.json()) == (403, error("This user does not accept messages", "AUTH_002"))

    def test_bad_id_and_no_token(self, client, make):
        assert client.get("/api/message/conversations/user/nope", headers=make.headers()).status_code == 400
        assert client.get(f"/api/message/conversations/user/{MISSING}").status_code == 401


class TestOpenConversation:
    def test_creates_then_returns_the_existing_one(self, client, make):
        me, other = make.user(), make.user()
        created = client.post("/api/message/conversations", headers=make.headers(me),
                              json={"participantId": other.id, "type": "private"})
        assert created.status_code == 201
        conversation = created.json()["conversation"]
        assert conversation == {
            "_id": conversation["_id"], "type": "private", "name": None, "avatar": None, "avatarId": None,
            "participants": [summary(me), summary(other)], "participantIds": [me.id, other.id],
            "lastMessageId": None, "unreadCount": {me.id: 0, other.id: 0}, "createdBy": me.id,
            "createdAt": conversation["createdAt"], "updatedAt": conversation["updatedAt"]}
        again = client.post("/api/message/conversations", headers=make.headers(other), json={"otherUserId": me.id})
        assert again.status_code == 200 and again.json()["conversation"]["_id"] == conversation["_id"]
        with database.reading() as session:
            assert session.query(Conversation).count() == 1

    @pytest.mark.parametrize("body, field", [
        ({}, None), ({"participantId": "x"}, "participantId"), ({"otherUserId": MISSING, "type": "group"}, "type"),
        ({"otherUserId": MISSING, "extra": 1}, None)])
    def test_invalid_bodies(self, client, make, body, field):
        response = client.post("/api/message/conversations", headers=make.headers(), json=body)
        assert response.status_code == 400
        if field:
            assert response.json()["field"] == field

    def test_needs_a_token(self, client):
        assert client.post("/api/message/conversations", json={"otherUserId": MISSING}).status_code == 401


class TestCreateGroup:
    def test_creates_with_an_info_message_published_to_the_others(self, client, make, published):
        owner, a, b = make.user(), make.user(), make.user()
        conversation = group(client, make, owner, a, b, owner)
        assert conversation["type"] == "group" and conversation["name"] == "Weekend fits"
        assert conversation["participantIds"] == [owner.id, a.id, b.id]
        info = conversation["lastMessageId"]
        assert (info["type"], info["text"], info["senderId"]["_id"]) == (
            "info", f"{owner.username} created the group Weekend fits", owner.id)
        assert conversation["unreadCount"] == {owner.id: 0, a.id: 0, b.id: 0}
        event = {"conversationId": conversation["_id"], "message": info}
        assert published() == [([a.id, b.id], "newMessage", event),
                               ([f"conversation:{conversation['_id']}"], "message", event)]

    def test_fewer_than_two_participants_is_400(self, client, make):
        other = make.user()
        response = client.post("/api/message/conversations/group", headers=make.headers(),
                               json={"name": "G", "participants": [other.id]})
        message = f"['{other.id}'] is too short"
        assert (response.status_code, response.json()) == (400, error(f"{message} (participants)", field="participants",
                                                                      errors=[{"field": "participants", "location": "body",
                                                                               "message": message}]))

    @pytest.mark.parametrize("members, message", [
        ("one twice", "At least 2 participants are required for a group"),
        ("one and me", "At least 2 participants are required for a group"),
        ("ten", "Group chat is limited to 10 members maximum")])
    def test_member_limits(self, client, make, members, message):
        me, other = make.user(), make.user()
        ids = {"one twice": [other.id, other.id], "one and me": [other.id, me.id],
               "ten": [other.id] + [make.user().id for _ in range(9)]}[members]
        response = client.post("/api/message/conversations/group", headers=make.headers(me),
                               json={"name": "G", "participants": ids})
        assert (response.status_code, response.json()) == (400, error(message, field="participants"))

    def test_unknown_or_banned_participants(self, client, make):
        banned = make.user()
        make.ban(banned)
        response = client.post("/api/message/conversations/group", headers=make.headers(),
                               json={"name": "G", "participants": [make.user().id, banned.id]})
        assert (response.status_code, response.json()) == (
            400, error("One or more participants not found", field="participants"))

    @pytest.mark.parametrize("body", [{"participants": []}, {"name": " ", "participants": []},
                                      {"name": "G", "participants": ["x"]}, {"name": "G"}])
    def test_invalid_bodies(self, client, make, body):
        assert client.post("/api/message/conversations/group", headers=make.headers(), json=body).status_code == 400

    def test_needs_a_token(self, client):
        assert client.post("/api/message/conversations/group", json={"name": "G", "participants": []}).status_code == 401


class TestListConversations:
    def test_mine_latest_activity_first_with_unread_counts(self, client, make):
        me, a, b, stranger = make.user(), make.user(), make.user(), make.user()
        first, second = private(client, make, me, a), private(client, make, me, b)
        private(client, make, a, stranger)
        send(client, make, a, first, text="newest")
        response = client.get("/api/message/conversations", headers=make.headers(me))
        assert response.status_code == 200
        body = response.json()
        assert [c["_id"] for c in body["conversations"]] == [first, second]
        assert body["conversations"][0]["unreadCount"] == {me.id: 1, a.id: 0}
        assert body["conversations"][0]["lastMessageId"]["text"] == "newest"
        assert body["pagination"] == {"page": 1, "limit": 50, "total": 2, "totalPages": 1, "hasNextPage": False,
                                      "hasPrevPage": False}

    def test_paged(self, client, make):
        me = make.user()
        for _ in range(3):
            private(client, make, me, make.user())
        body = client.get("/api/message/conversations", headers=make.headers(me), params={"limit": 2, "page": 2}).json()
        assert len(body["conversations"]) == 1 and body["pagination"]["total"] == 3

    @pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"page": 0}])
    def test_invalid_paging(self, client, make, query):
        assert client.get("/api/message/conversations", headers=make.headers(), params=query).status_code == 400

    def test_needs_a_token(self, client):
        assert client.get("/api/message/conversations").status_code == 401


class TestSendMessage:
    def test_text_counts_unread_and_publishes_after_commit(self, client, make, published):
        me, other = make.user(), make.user()
        conversation_id = private(client, make, me, other)
        response = send(client, make, me, conversation_id, content="Hello there!")
        assert response.status_code == 201
        message = response.json()["message"]
        assert response.json() == {"status": True, "message": message}
        assert message == {
            "_id": message["_id"], "conversationId": conversation_id, "senderId": summary(me), "text": "Hello there!",
            "content": "Hello there!", "type": "text", "status": "sent", "replyTo": None, "reactions": {},
            "productId": None, "postId": None, "profileId": None, "imageUrl": None,
            "createdAt": message["createdAt"], "updatedAt": message["updatedAt"]}
        assert published() == [([other.id], "newMessage", {"conversationId": conversation_id, "message": message}),
                               ([f"conversation:{conversation_id}"], "message",
                                {"conversationId": conversation_id, "message": message})]
        listed = client.get("/api/message/conversations", headers=make.headers(other)).json()["conversations"][0]
        assert listed["unreadCount"] == {me.id: 0, other.id: 1}

    def test_shares_and_replies(self, client, make):
        me, other, shown = make.user(), make.user(), make.user()
        conversation_id = private(client, make, me, other)
        first = send(client, make, other, conversation_id, text="look").json()["message"]
        reply = send(client, make, me, conversation_id, type="profile", profileId=shown.id, replyTo=first["_id"])
        assert reply.status_code == 201
        message = reply.json()["message"]
        assert message["profileId"] == summary(shown)
        assert message["replyTo"] == {"_id": first["_id"], "text": "look", "type": "text", "senderId": other.id}
        product = send(client, make, me, conversation_id, type="product", productId="b" * 24).json()["message"]
        image = send(client, make, me, conversation_id, type="image", imageUrl="https://img.example/1.png").json()
        assert product["productId"] == {"_id": "b" * 24}
        assert image["message"]["imageUrl"] == "https://img.example/1.png"

    @pytest.mark.parametrize("body, status, expected", [
        ({"text": ""}, 400, error("Text is required for text messages", field="text")),
        ({"type": "image", "text": None}, 400, None),
        ({"type": "image"}, 400, error("Image URL is required for image messages", field="imageUrl")),
        ({"type": "product"}, 400, error("Product ID is required for product messages", field="productId")),
        ({"type": "post"}, 400, error("Post ID is required for post messages", field="postId")),
        ({"type": "profile"}, 400, error("Profile ID is required for profile messages", field="profileId")),
        ({"type": "info"}, 400, None), ({"type": "deleted"}, 400, None), ({"text": "x" * 5001}, 400, None),
        ({"replyTo": MISSING}, 404, error("Reply message not found")),
        ({"type": "profile", "profileId": MISSING}, 404, error("Profile not found")),
    ])
    def test_refused(self, client, make, body, status, expected):
        me, other = make.user(), make.user()
        conversation_id = private(client, make, me, other)
        response = send(client, make, me, conversation_id, **body)
        assert response.status_code == status, response.text
        if expected:
            assert response.json() == expected
        with database.reading() as session:
            assert session.query(Message).count() == 0

    def test_non_members_and_unknown_conversations_are_404(self, client, make):
        conversation_id = private(client, make, make.user(), make.user())
        for target in (conversation_id, MISSING):
            response = send(client, make, make.user(), target)
            assert (response.status_code, response.json()) == (404, error("Conversation not found"))

    def test_a_banned_sender_is_403_and_no_token_401(self, client, make):
        me, other = make.user(), make.user()
        conversation_id = private(client, make, me, other)
        make.ban(me)
        assert send(client, make, me, conversation_id).status_code == 403
        assert client.post("/api/message/messages", json={"conversationId": conversation_id}).status_code == 401


class TestGetMessages:
    def test_newest_page_first_oldest_first_within(self, client, make):
        me, other = make.user(), make.user()
        conversation_id = private(client, make, me, other)
        for n in range(5):
            send(client, make, me if n % 2 else other, conversation_id, text=f"m{n}")
        page1 = history(client, make, me, conversation_id, limit=2).json()
        page3 = history(client, make, other, conversation_id, limit=2, page=3).json()
        assert [m["text"] for m in page1["messages"]] == ["m3", "m4"]
        assert [m["text"] for m in page3["messages"]] == ["m0"]
        assert page1["pagination"] == {"page": 1, "limit": 2, "total": 5, "totalPages": 3, "hasNextPage": True,
                                       "hasPrevPage": False}

    def test_non_members_404(self, client, make):
        conversation_id = private(client, make, make.user(), make.user())
        response = history(client, make, make.user(), conversation_id)
        assert (response.status_code, response.json()) == (404, error("Conversation not found"))

    @pytest.mark.parametrize("query", [{"limit": 0}, {"limit": 101}, {"page": "x"}])
    def test_invalid_paging(self, client, make, query):
        me, other = make.user(), make.user()
        assert history(client, make, me, private(client, make, me, other), **query).status_code == 400

    def test_needs_a_token(self, client):
        assert client.get(f"/api/message/conversations/{MISSING}/messages").status_code == 401


class TestMarkAsRead:
    def test_resets_my_count_marks_theirs_read_and_publishes(self, client, make, published):
        me, other = make.user(), make.user()
        conversation_id = private(client, make, me, other)
        send(client, make, other, conversation_id, text="one")
        send(client, make, me, conversation_id, text="mine")
        response = client.put(f"/api/message/conversations/{conversation_id}/read", headers=make.headers(me))
        assert (response.status_code, response.json()) == (200, {"status": True, "message": "Conversation marked as read"})
        statuses = {m["text"]: m["status"] for m in history(client, make, me, conversation_id).json()["messages"]}
        assert statuses == {"one": "read", "mine": "sent"}
        conversation = client.get("/api/message/conversations", headers=make.headers(me)).json()["conversations"][0]
        assert conversation["unreadCount"] == {me.id: 0, other.id: 1}
        assert published()[-1] == ([me.id, other.id], "messagesRead", {"conversationId": conversation_id, "userId": me.id})

    def test_non_members_404_and_no_token_401(self, client, make):
        conversation_id = private(client, make, make.user(), make.user())
        assert client.put(f"/api/message/conversations/{conversation_id}/read", headers=make.headers()).status_code == 404
        assert client.put(f"/api/message/conversations/{conversation_id}/read").status_code == 401


class TestToggleReaction:
    def test_toggles_per_emoji_and_user(self, client, make, published):
        me, other = make.user(), make.user()
        conversation_id = private(client, make, me, other)
        message_id = send(client, make, me, conversation_id).json()["message"]["_id"]

        def react(user, emoji):
            return client.put(f"/api/message/messages/{message_id}/reaction", headers=make.headers(user),
                              json={"emoji": emoji})

        assert react(me, "❤️").json() == {"status": True, "message": "Reaction updated", "reactions": {"❤️": [me.id]}}
        assert react(other, "❤️").json()["reactions"] == {"❤️": [me.id, other.id]}
        assert react(other, "😂").json()["reactions"] == {"❤️": [me.id, other.id], "😂": [other.id]}
        assert react(me, "❤️").json()["reactions"] == {"❤️": [other.id], "😂": [other.id]}
        assert published()[-1] == ([me.id, other.id], "messageReaction", {
            "conversationId": conversation_id, "messageId": message_id, "reactions": {"❤️": [other.id], "😂": [other.id]}})
        assert history(client, make, me, conversation_id).json()["messages"][0]["reactions"] == {
            "❤️": [other.id], "😂": [other.id]}

    def test_refusals(self, client, make):
        me, other = make.user(), make.user()
        conversation_id = private(client, make, me, other)
        message_id = send(client, make, me, conversation_id).json()["message"]["_id"]
        url = f"/api/message/messages/{message_id}/reaction"
        assert client.put(url, headers=make.headers(), json={"emoji": "❤️"}).json() == error("Access denied", "AUTH_002")
        assert client.put(f"/api/message/messages/{MISSING}/reaction", headers=make.headers(me),
                          json={"emoji": "❤️"}).json() == error("Message not found")
        for body in ({}, {"emoji": ""}, {"emoji": "x" * 33}):
            assert client.put(url, headers=make.headers(me), json=body).status_code == 400
        client.delete(f"/api/message/messages/{message_id}", headers=make.headers(me))
        response = client.put(url, headers=make.headers(me), json={"emoji": "❤️"})
        assert (response.status_code, response.json()) == (
            400, error("Cannot react to deleted messages", field="messageId"))
        assert client.put(url, json={"emoji": "❤️"}).status_code == 401


class TestDeleteMessage:
    def test_the_sender_soft_deletes(self, client, make, published):
        me, other = make.user(), make.user()
        conversation_id = private(client, make, me, other)
        message_id = send(client, make, me, conversation_id, text="oops").json()["message"]["_id"]
        client.put(f"/api/message/messages/{message_id}/reaction", headers=make.headers(other), json={"emoji": "😂"})
        response = client.delete(f"/api/message/messages/{message_id}", headers=make.headers(me))
        assert (response.status_code, response.json()) == (200, {"status": True, "message": "Message deleted successfully"})
        shown = history(client, make, other, conversation_id).json()["messages"][0]
        assert (shown["type"], shown["text"], shown["content"], shown["reactions"]) == ("deleted", None, None, {})
        assert published()[-1] == ([me.id, other.id], "messageDeleted", {
            "conversationId": conversation_id, "messageId": message_id, "type": "deleted"})
        again = client.delete(f"/api/message/messages/{message_id}", headers=make.headers(me))
        assert (again.status_code, again.json()) == (400, error("Message already deleted", field="messageId"))

    def test_only_the_sender(self, client, make):
        me, other = make.user(), make.user()
        conversation_id = private(client, make, me, other)
        message_id = send(client, make, me, conversation_id).json()["message"]["_id"]
        for stranger in (other, make.user()):
            response = client.delete(f"/api/message/messages/{message_id}", headers=make.headers(stranger))
            assert (response.status_code, response.json()) == (403, error("You can only delete your own messages", "AUTH_002"))
        assert client.delete(f"/api/message/messages/{MISSING}", headers=make.headers(me)).status_code == 404
        assert client.delete(f"/api/message/messages/{message_id}").status_code == 401

    def test_info_messages_stay(self, client, make):
        owner = make.user()
        conversation = group(client, make, owner, make.user(), make.user())
        response = client.delete(f"/api/message/messages/{conversation['lastMessageId']['_id']}",
                                 headers=make.headers(owner))
        assert (response.status_code, response.json()) == (400, error("Info messages cannot be deleted", field="messageId"))


class TestLeaveGroup:
    def test_members_leave_and_the_last_one_deletes_the_group(self, client, make, published):
        owner, a, b = make.user(), make.user(), make.user()
        conversation_id = group(client, make, owner, a, b)["_id"]
        send(client, make, a, conversation_id)
        response = client.put(f"/api/message/conversations/{conversation_id}/leave", headers=make.headers(a))
        assert (response.status_code, response.json()) == (200, {"status": True, "message": "Left group successfully"})
        recipients, event, payload = published()[-2]
        assert (recipients, event, payload["message"]["text"]) == ([owner.id, b.id], "newMessage",
                                                                   f"{a.username} left the group")
        assert history(client, make, a, conversation_id).status_code == 404
        client.put(f"/api/message/conversations/{conversation_id}/leave", headers=make.headers(owner))
        last = client.put(f"/api/message/conversations/{conversation_id}/leave", headers=make.headers(b))
        assert last.json() == {"status": True, "message": "Group and all messages deleted as no members remain"}
        with database.reading() as session:
            assert session.get(Conversation, conversation_id) is None
            assert session.query(Message).filter_by(conversation_id=conversation_id).count() == 0

    def test_refusals(self, client, make):
        me, other = make.user(), make.user()
        conversation_id = private(client, make, me, other)
        response = client.put(f"/api/message/conversations/{conversation_id}/leave", headers=make.headers(me))
        assert (response.status_code, response.json()) == (
            400, error("Can only leave group conversations", field="conversationId"))
        group_id = group(client, make, me, other, make.user())["_id"]
        outsider = client.put(f"/api/message/conversations/{group_id}/leave", headers=make.headers())
        assert (outsider.status_code, outsider.json()) == (403, error("Not a member of this group", "AUTH_002"))
        assert client.put(f"/api/message/conversations/{MISSING}/leave", headers=make.headers()).status_code == 404
        assert client.put(f"/api/message/conversations/{group_id}/leave").status_code == 401


class TestEditGroup:
    def test_renames_with_an_info_message(self, client, make):
        owner, a = make.user(), make.user()
        conversation_id = group(client, make, owner, a, make.user())["_id"]
        response = client.put(f"/api/message/conversations/{conversation_id}/edit", headers=make.headers(a),
                              json={"name": "Sunday best"})
        assert response.status_code == 200
        body = response.json()
        assert (body["message"], body["conversation"]["name"], body["infoMessage"]["text"]) == (
            "Group updated successfully", "Sunday best", f"{a.username} updated the group's name to 'Sunday best'")

    def test_multipart_avatar(self, client, make):
        owner = make.user()
        conversation_id = group(client, make, owner, make.user(), make.user())["_id"]
        response = client.put(f"/api/message/conversations/{conversation_id}/edit", headers=make.headers(owner),
                              data={"name": "Weekend fits"}, files={"avatar": ("a.png", png(), "image/png")})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["conversation"]["avatar"].startswith("http") and body["infoMessage"] is None

    def test_refusals(self, client, make):
        owner = make.user()
        conversation_id = group(client, make, owner, make.user(), make.user())["_id"]
        url = f"/api/message/conversations/{conversation_id}/edit"
        assert client.put(url, headers=make.headers(owner), json={}).json() == error("Group name is required", field="name")
        assert client.put(url, headers=make.headers(owner), json={"name": ""}).status_code == 400
        outsider = client.put(url, headers=make.headers(), json={"name": "x"})
        assert (outsider.status_code, outsider.json()) == (403, error("Not authorized to update this group", "AUTH_002"))
        assert client.put(url, json={"name": "x"}).status_code == 401


class TestAddUsers:
    def test_adds_new_members_skipping_present_ones(self, client, make, published):
        owner, a, b, c = make.user(), make.user(), make.user(), make.user()
        conversation_id = group(client, make, owner, a, b)["_id"]
        response = client.put(f"/api/message/conversations/{conversation_id}/add-user", headers=make.headers(owner),
                              json={"users": [a.id, c.id]})
        assert response.status_code == 200
        body = response.json()
        assert (body["message"], body["added"], body["conversation"]["participantIds"]) == (
            "User added to group successfully", [c.id], [owner.id, a.id, b.id, c.id])
        assert body["conversation"]["lastMessageId"]["text"] == f"{owner.username} added {c.username} to the group"
        assert published()[-2][0] == [a.id, b.id, c.id]
        single = client.put(f"/api/message/conversations/{conversation_id}/add-user", headers=make.headers(c),
                            json={"userId": a.id})
        assert single.json()["added"] == [] and single.json()["message"] == "Everyone is already in the group"

    def test_refusals(self, client, make):
        owner = make.user()
        members = [make.user() for _ in range(8)]
        conversation_id = group(client, make, owner, *members)["_id"]
        url = f"/api/message/conversations/{conversation_id}/add-user"
        full = client.put(url, headers=make.headers(owner), json={"users": [make.user().id, make.user().id]})
        assert (full.status_code, full.json()) == (400, error("Group chat is limited to 10 members maximum", field="users"))
        unknown = client.put(url, headers=make.headers(owner), json={"userId": MISSING})
        assert unknown.json() == error("One or more participants not found", field="users")
        for body in ({}, {"users": []}, {"users": ["x"]}):
            assert client.put(url, headers=make.headers(owner), json=body).status_code == 400
        outsider = client.put(url, headers=make.headers(), json={"userId": make.user().id})
        assert (outsider.status_code, outsider.json()) == (403, error("Not authorized to add users", "AUTH_002"))
        assert client.put(url, json={"userId": MISSING}).status_code == 401


class TestUploadGroupPhoto:
    def test_sets_the_picture(self, client, make):
        owner = make.user()
        conversation_id = group(client, make, owner, make.user(), make.user())["_id"]
        response = client.post(f"/api/upload/group-photo/{conversation_id}", headers=make.headers(owner),
                               files={"photo": ("p.png", png(), "image/png")})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["message"] == "Group photo uploaded successfully"
        assert body["photoUrl"] == body["avatar"] == body["conversation"]["avatar"]
        assert body["avatarId"] == body["conversation"]["avatarId"] and body["avatarId"].startswith("images/")
        assert client.get(body["photoUrl"].split("/api", 1)[1].join(["/api", ""])).status_code == 200

    def test_refusals(self, client, make):
        owner, other = make.user(), make.user()
        conversation_id = group(client, make, owner, other, make.user())["_id"]
        url = f"/api/upload/group-photo/{conversation_id}"
        missing = client.post(url, headers=make.headers(owner), files={"other": ("p.png", png(), "image/png")})
        assert missing.status_code == 400
        wrong = client.post(url, headers=make.headers(owner), files={"photo": ("p.png", b"not an image", "image/png")})
        assert wrong.status_code == 400 and wrong.json()["field"] == "photo"
        outsider = client.post(url, headers=make.headers(), files={"photo": ("p.png", png(), "image/png")})
        assert (outsider.status_code, outsider.json()) == (403, error("Not authorized to update this group", "AUTH_002"))
        private_id = private(client, make, owner, other)
        response = client.post(f"/api/upload/group-photo/{private_id}", headers=make.headers(owner),
                               files={"photo": ("p.png", png(), "image/png")})
        assert response.json() == error("Can only update group photo for group conversations", field="conversationId")
        assert client.post(f"/api/upload/group-photo/{MISSING}", headers=make.headers(owner),
                           files={"photo": ("p.png", png(), "image/png")}).status_code == 404
        assert client.post(url, files={"photo": ("p.png", png(), "image/png")}).status_code == 401


class TestSeed:
    def test_demo_users_have_a_conversation_and_a_group(self, make):
        from models.diora.seed import seed
        from models.diora.tables.messages import Participant
        from models.diora.tables.users import User

        with database.unit_of_work() as uow:
            seed(uow.session)
            uow.commit()
        with database.reading() as session:
            names = {u.id: u.username for u in session.query(User)}
            rooms = {}
            for row in session.query(Participant):
                rooms.setdefault(row.conversation_id, set()).add(names[row.user_id])
            kinds = {c.id: c.type for c in session.query(Conversation)}
            texts = [m.text for m in session.query(Message).order_by(Message.created_at, Message.id)]
        assert sorted((kinds[c], sorted(members)) for c, members in rooms.items()) == [
            ("group", ["alice", "bob", "carol"]), ("private", ["alice", "bob"])]
        assert "Thrifted! Urban Threads has similar." in texts and "alice created the group Weekend fits" in texts
