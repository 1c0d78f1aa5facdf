"""Chat: a buyer and a listing's seller talk; nobody else reads or writes; every message is pushed."""
import io
import uuid

import pytest

from handlers.fields import iso_z
from tests.invare.comms_support import (make_listing, make_offer, make_order, make_tender, parsed, pdf, png, pushes,
                                        tender_chat_id, topic)
from tests.invare.conftest import error, invalid


@pytest.fixture
def seller(make):
    return make.member()


@pytest.fixture
def listing(seller):
    return make_listing(seller_user=seller.user)


def start(client, member, listing, **extra):
    body = {"topic": listing.title, "createdByUserId": member.id, "participantUserIds": [member.id],
            "listingId": str(listing.id), **extra}
    response = client.post("/chat", json=body, headers=member.headers)
    assert response.status_code == 201, response.json()
    return response.json()


def ref(member):
    user = member.user
    return {"id": member.id, "email": user.email, "firstName": user.first_name, "lastName": user.last_name}


class TestCreateChat:
    def test_buyer_and_the_listing_seller(self, client, member, seller, listing):
        chat = start(client, member, listing)
        assert chat["topic"] == "Aluminum Scrap" and chat["status"] == "open"
        assert chat["createdBy"] == ref(member) and chat["createdByUserId"] == member.id
        assert chat["listing"] == {"id": str(listing.id), "title": "Aluminum Scrap", "status": "active",
                                   "sellerUserId": seller.id, "sellerUser": ref(seller), "sellerCompanyId": None}
        assert (chat["orderId"], chat["order"], chat["shippingTenderId"], chat["shippingTender"]) == (None, None, None, None)
        assert sorted(p["user"]["id"] for p in chat["participants"]) == sorted([member.id, seller.id])
        created = [p for p in pushes() if p["data"].get("type") == "chat_created"]
        assert sorted(p["topic"] for p in created) == sorted([topic("user", member.id), topic("user", seller.id)])
        assert parsed(created[0]["data"]["chat"])["id"] == chat["id"]

    def test_seller_of_a_company_listing_is_its_owner(self, client, make, member):
        owner = make.member()
        company = make.company(owner.user)
        chat = start(client, member, make_listing(seller_company=company))
        assert owner.id in {p["user"]["id"] for p in chat["participants"]}

    def test_only_the_seller_can_be_invited(self, client, member, other_member, listing):
        response = client.post("/chat", json={"listingId": str(listing.id), "participantUserIds": [other_member.id]},
                               headers=member.headers)
        assert response.status_code == 403
        assert response.json() == error(403, "A chat is between the parties of its listing, order or tender", "Forbidden")

    def test_not_in_someone_elses_name(self, client, member, other_member, listing):
        response = client.post("/chat", json={"listingId": str(listing.id), "createdByUserId": other_member.id},
                               headers=member.headers)
        assert response.json() == error(403, "createdByUserId must be your own id", "Forbidden")

    def test_the_seller_alone_is_no_chat(self, client, seller, listing):
        response = client.post("/chat", json={"listingId": str(listing.id)}, headers=seller.headers)
        assert response.status_code == 400

    def test_unknown_listing(self, client, member):
        response = client.post("/chat", json={"listingId": str(uuid.uuid4())}, headers=member.headers)
        assert response.json() == error(404, "Listing not found", "Not Found")

    @pytest.mark.parametrize("body, messages", [
        ({"listingId": "x"}, ["listingId must be a UUID"]),
        ({"topic": 5}, ["topic must be a string"]),
        ({"nope": 1}, ["property nope should not exist"]),
    ])
    def test_bad_input(self, client, member, body, messages):
        response = client.post("/chat", json=body, headers=member.headers)
        assert response.json() == invalid(*messages)

    def test_needs_a_listing_unless_admin(self, client, member, admin, other_member):
        response = client.post("/chat", json={"participantUserIds": [other_member.id]}, headers=member.headers)
        assert response.status_code == 400
        response = client.post("/chat", json={"participantUserIds": [other_member.id]}, headers=admin.headers)
        assert response.status_code == 201

    def test_about_an_order_between_its_parties(self, client, member, seller, other_member):
        order = make_order(member.user, seller.user)
        response = client.post("/chat", json={"orderId": str(order.id)}, headers=seller.headers)
        assert response.status_code == 201
        assert (response.json()["orderId"], response.json()["order"]) == (
            str(order.id), {"id": str(order.id), "orderStatus": "completed", "status": "completed", "items": []})
        assert sorted(p["user"]["id"] for p in response.json()["participants"]) == sorted([member.id, seller.id])
        response = client.post("/chat", json={"orderId": str(order.id)}, headers=other_member.headers)
        assert response.json() == error(403, "A chat is between the parties of its listing, order or tender", "Forbidden")
        response = client.post("/chat", json={"orderId": str(uuid.uuid4())}, headers=member.headers)
        assert response.json() == error(404, "Order not found", "Not Found")

    def test_an_order_chat_nests_its_items_as_the_reference_shows(self, client, member, seller, listing):
        from decimal import Decimal

        from models.invare import database
        from models.invare.orders import OrderItem

        order = make_order(member.user, seller.user, status="pending")
        with database.unit_of_work() as uow:
            uow.session.add(OrderItem(order_id=order.id, listing_id=listing.id, quantity=2, unit_price=Decimal("100")))
            uow.commit()
        chat = client.post("/chat", json={"orderId": str(order.id)}, headers=member.headers).json()
        item = chat["order"]["items"][0]
        assert chat["order"] == {"id": str(order.id), "orderStatus": "pending", "status": "pending", "items": [
            {"id": item["id"], "listingId": str(listing.id), "quantity": 2, "unitPrice": "100.00",
             "listing": {"id": str(listing.id), "title": "Aluminum Scrap"}}]}
        assert client.get(f"/chat/user/{member.id}", headers=member.headers).json()[0]["order"] == chat["order"]

    def test_about_a_tender_takes_its_carrier(self, client, member, seller, carrier):
        tender = make_tender(make_order(member.user, seller.user), carrier=carrier.user)
        offers = [make_offer(tender, carrier.user, "250.00", notes="Flatbed"), make_offer(tender, seller.user, "199.50")]
        response = client.post("/chat", json={"shippingTenderId": str(tender.id)}, headers=member.headers)
        assert response.status_code == 201
        chat = response.json()
        nested = {"id": str(tender.id), "status": "awarded", "expiresAt": iso_z(tender.expires_at),
                  "order": {"id": str(tender.order_id)}, "chat": {"id": chat["id"]}, "selectedCarrierUserId": carrier.id,
                  "selectedCarrierUser": {"id": carrier.id}, "offers": [  # lowest first
                      {"id": str(offers[1].id), "amount": "199.50", "currency": "SAR", "notes": None,
                       "carrierUser": {"id": seller.id, "firstName": seller.user.first_name,
                                       "lastName": seller.user.last_name}},
                      {"id": str(offers[0].id), "amount": "250.00", "currency": "SAR", "notes": "Flatbed",
                       "carrierUser": {"id": carrier.id, "firstName": carrier.user.first_name,
                                       "lastName": carrier.user.last_name}}]}
        assert (chat["shippingTenderId"], chat["shippingTender"]) == (str(tender.id), nested)
        assert chat["order"]["id"] == str(tender.order_id)
        assert sorted(p["user"]["id"] for p in chat["participants"]) == sorted([member.id, seller.id, carrier.id])
        assert str(tender_chat_id(tender)) == chat["id"]
        message = client.post("/chat/message", json={"chatId": chat["id"], "content": "Pickup at 9"},
                              headers=carrier.headers).json()
        assert message["chat"]["shippingTender"] == nested

    def test_needs_a_token(self, client):
        assert client.post("/chat", json={}).status_code == 401


class TestChatsOfUser:
    def test_own_chats(self, client, member, seller, listing):
        chat = start(client, member, listing)
        for who in (member, seller):
            response = client.get(f"/chat/user/{who.id}", headers=who.headers)
            assert response.status_code == 200 and [c["id"] for c in response.json()] == [chat["id"]]

    def test_an_id_that_routes_nowhere_is_404(self, client, member):
        for path in ("/chat/user/abc%0Adef", "/chat/user/%F0%BF%8B%A2%C3%B9%0A%C2%B6"):
            response = client.get(path, headers=member.headers)
            assert (response.status_code, response.json()) == (404, error(404, "Not Found", "Not Found"))
        response = client.get("/chat/user/abc", headers=member.headers)
        assert (response.status_code, response.json()) == (400, invalid("userId must be a UUID"))

    def test_a_third_user_sees_nothing(self, client, member, other_member, listing):
        start(client, member, listing)
        assert client.get(f"/chat/user/{other_member.id}", headers=other_member.headers).json() == []
        response = client.get(f"/chat/user/{member.id}", headers=other_member.headers)
        assert response.json() == error(403, "You can only read your own chats", "Forbidden")

    def test_admin_reads_anyones(self, client, member, admin, listing):
        start(client, member, listing)
        assert len(client.get(f"/chat/user/{member.id}", headers=admin.headers).json()) == 1

    def test_paged(self, client, member, listing):
        for _ in range(3):
            start(client, member, listing)
        assert len(client.get(f"/chat/user/{member.id}?page=2&limit=2", headers=member.headers).json()) == 1

    def test_needs_a_token(self, client, member):
        assert client.get(f"/chat/user/{member.id}").status_code == 401


class TestChatsOfListing:
    def test_participants_see_theirs_admins_all(self, client, member, other_member, admin, seller, listing):
        mine = start(client, member, listing)
        start(client, other_member, listing)
        assert [c["id"] for c in client.get(f"/chat/listing/{listing.id}", headers=member.headers).json()] == [mine["id"]]
        assert len(client.get(f"/chat/listing/{listing.id}", headers=seller.headers).json()) == 2
        assert len(client.get(f"/chat/listing/{listing.id}", headers=admin.headers).json()) == 2

    def test_unknown_listing(self, client, member):
        response = client.get(f"/chat/listing/{uuid.uuid4()}", headers=member.headers)
        assert response.json() == error(404, "Listing not found", "Not Found")

    def test_needs_a_token(self, client, listing):
        assert client.get(f"/chat/listing/{listing.id}").status_code == 401


class TestSetStatus:
    def test_close_and_reopen(self, client, member, listing):
        chat = start(client, member, listing)
        response = client.patch(f"/chat/{chat['id']}/status", json={"status": "closed"}, headers=member.headers)
        assert response.status_code == 200 and response.json()["status"] == "closed"
        sent = client.post("/chat/message", json={"chatId": chat["id"], "content": "hi"}, headers=member.headers)
        assert sent.json() == error(409, "Chat is closed", "Conflict")
        response = client.patch(f"/chat/{chat['id']}/status", json={"status": "open"}, headers=member.headers)
        assert response.json()["status"] == "open"

    def test_others_cannot(self, client, member, other_member, listing):
        chat = start(client, member, listing)
        response = client.patch(f"/chat/{chat['id']}/status", json={"status": "closed"}, headers=other_member.headers)
        assert response.json() == error(403, "You are not a participant of this chat", "Forbidden")

    def test_bad_status_and_unknown_chat(self, client, member):
        response = client.patch(f"/chat/{uuid.uuid4()}/status", json={"status": "gone"}, headers=member.headers)
        assert response.json() == invalid("status must be one of the following values: open, closed")
        response = client.patch(f"/chat/{uuid.uuid4()}/status", json={"status": "open"}, headers=member.headers)
        assert response.json() == error(404, "Chat not found", "Not Found")

    def test_needs_a_token(self, client):
        assert client.patch(f"/chat/{uuid.uuid4()}/status", json={"status": "open"}).status_code == 401


class TestSendMessage:
    def test_text_pushed_to_the_chat_topic(self, client, member, seller, listing):
        chat = start(client, member, listing)
        response = client.post("/chat/message", json={"chatId": chat["id"], "senderUserId": member.id,
                                                      "content": "Hello there"}, headers=member.headers)
        assert response.status_code == 201
        message = response.json()
        assert message["type"] == "text" and message["content"] == "Hello there"
        assert message["sender"] == ref(member) and message["senderUserId"] == member.id
        assert message["chat"] == {"id": chat["id"], "status": "open", "createdBy": ref(member), "shippingTender": None}
        [push] = pushes(topic("chat", chat["id"]))
        assert push["title"] == "Ada Lovelace" and push["body"] == "Hello there"
        assert push["data"]["type"] == "chat_message" and push["data"]["chatId"] == chat["id"]
        entity = parsed(push["data"]["message"])
        assert entity["id"] == message["id"] and entity["sender"] == ref(member)
        assert entity["attachmentDuration"] is None

    @pytest.mark.parametrize("kind", ["image", "video", "audio", "voice", "file"])
    def test_every_attachment_type(self, client, member, listing, kind):
        chat = start(client, member, listing)
        body = {"chatId": chat["id"], "type": kind, "attachmentUrl": "https://x.test/a", "attachmentName": "a",
                "attachmentMimeType": "application/octet-stream", "attachmentSize": 12, "attachmentDuration": 3}
        response = client.post("/chat/message", json=body, headers=member.headers)
        assert response.status_code == 201
        assert {k: response.json()[k] for k in body if k != "chatId"} == {k: v for k, v in body.items() if k != "chatId"}

    def test_attachment_types_need_a_url_and_text_a_content(self, client, member, listing):
        chat = start(client, member, listing)
        response = client.post("/chat/message", json={"chatId": chat["id"], "type": "image"}, headers=member.headers)
        assert response.status_code == 400 and response.json()["message"] == "attachmentUrl should not be empty"
        response = client.post("/chat/message", json={"chatId": chat["id"]}, headers=member.headers)
        assert response.status_code == 400 and response.json()["message"] == "content should not be empty"

    def test_outsiders_cannot_write(self, client, member, other_member, admin, listing):
        chat = start(client, member, listing)
        response = client.post("/chat/message", json={"chatId": chat["id"], "content": "hi"}, headers=other_member.headers)
        assert response.json() == error(403, "You are not a participant of this chat", "Forbidden")
        response = client.post("/chat/message", json={"chatId": chat["id"], "content": "hi", "senderUserId": member.id},
                               headers=other_member.headers)
        assert response.status_code == 403
        assert pushes(topic("chat", chat["id"])) == []

    def test_bad_input(self, client, member):
        response = client.post("/chat/message", json={"content": "hi"}, headers=member.headers)
        assert response.json() == invalid("chatId should not be empty")
        response = client.post("/chat/message", json={"chatId": str(uuid.uuid4()), "type": "gif"}, headers=member.headers)
        assert response.status_code == 400

    def test_unknown_chat_and_no_token(self, client, member):
        response = client.post("/chat/message", json={"chatId": str(uuid.uuid4()), "content": "x"}, headers=member.headers)
        assert response.status_code == 404
        assert client.post("/chat/message", json={"chatId": str(uuid.uuid4())}).status_code == 401


class TestMessages:
    def test_history_oldest_first_paged(self, client, member, seller, listing):
        chat = start(client, member, listing)
        for index, who in enumerate((member, seller, member)):
            client.post("/chat/message", json={"chatId": chat["id"], "content": f"m{index}"}, headers=who.headers)
        response = client.get(f"/chat/{chat['id']}/messages", headers=seller.headers)
        assert [m["content"] for m in response.json()] == ["m0", "m1", "m2"]
        assert response.json()[1]["sender"]["id"] == seller.id
        page = client.get(f"/chat/{chat['id']}/messages?page=2&limit=2", headers=member.headers).json()
        assert [m["content"] for m in page] == ["m2"]

    def test_outsiders_cannot_read(self, client, member, other_member, admin, listing):
        chat = start(client, member, listing)
        assert client.get(f"/chat/{chat['id']}/messages", headers=other_member.headers).status_code == 403
        assert client.get(f"/chat/{chat['id']}/messages", headers=admin.headers).status_code == 200
        assert client.get(f"/chat/{chat['id']}/messages").status_code == 401
        assert client.get(f"/chat/{uuid.uuid4()}/messages", headers=member.headers).status_code == 404


class TestUploadAttachment:
    def test_image_then_message(self, client, member, listing):
        chat = start(client, member, listing)
        response = client.post(f"/chat/{chat['id']}/attachment?type=image", headers=member.headers,
                               files={"file": ("photo.png", io.BytesIO(png()))})
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["type"] == "image" and body["attachmentMimeType"] == "image/png"
        assert body["attachmentName"] == "photo.png" and body["attachmentSize"] > 0
        assert f"/public/chat-attachments/{chat['id']}/images/" in body["attachmentUrl"]
        sent = client.post("/chat/message", json={"chatId": chat["id"], **body}, headers=member.headers)
        assert sent.status_code == 201 and sent.json()["attachmentUrl"] == body["attachmentUrl"]

    @pytest.mark.parametrize("kind, data, mime", [("image", png, "image/png"), ("file", pdf, "application/pdf")])
    def test_served_where_its_url_points(self, client, member, listing, kind, data, mime):
        chat = start(client, member, listing)
        body = client.post(f"/chat/{chat['id']}/attachment?type={kind}", headers=member.headers,
                           files={"file": ("a", io.BytesIO(data()))}).json()
        path = body["attachmentUrl"][body["attachmentUrl"].index("/public/"):]
        assert path.startswith(f"/public/chat-attachments/{chat['id']}/{kind}s/")
        served = client.get(path)  # no token: browsers load it from an <img>/<audio> tag
        assert (served.status_code, served.headers["content-type"], served.headers["x-content-type-options"]) == (
            200, mime, "nosniff")
        assert len(served.content) == body["attachmentSize"]
        assert client.get(path.replace(chat["id"], chat["id"].upper())).content == served.content

    def test_a_missing_or_malformed_attachment_path(self, client, member, listing):
        chat = start(client, member, listing)
        response = client.get(f"/public/chat-attachments/{chat['id']}/images/{'0' * 24}.png")
        assert (response.status_code, response.json()) == (404, error(404, "File not found", "Not Found"))
        assert client.get(f"/public/chat-attachments/{chat['id']}/secrets/{'0' * 24}.png").status_code == 400
        assert client.get(f"/public/chat-attachments/{chat['id']}/images/..%2F..%2Fx.png").status_code in (400, 404)

    def test_file_by_default_and_type_by_content(self, client, member, listing):
        chat = start(client, member, listing)
        response = client.post(f"/chat/{chat['id']}/attachment", headers=member.headers,
                               files={"file": ("contract.pdf", io.BytesIO(pdf()))})
        assert response.status_code == 201 and response.json()["type"] == "file"
        assert response.json()["attachmentMimeType"] == "application/pdf"
        response = client.post(f"/chat/{chat['id']}/attachment?type=image", headers=member.headers,
                               files={"file": ("fake.png", io.BytesIO(pdf()))})
        assert response.status_code == 400

    def test_missing_file_outsider_and_no_token(self, client, member, other_member, listing):
        chat = start(client, member, listing)
        response = client.post(f"/chat/{chat['id']}/attachment", headers=member.headers,
                               files={"other": ("a.txt", io.BytesIO(b"x"))})
        assert (response.status_code, response.json()) == (400, invalid("property other should not exist"))
        response = client.post(f"/chat/{chat['id']}/attachment", headers=member.headers, data={"caption": "hi"},
                               files={"file": ("a.pdf", io.BytesIO(pdf()))})
        assert (response.status_code, response.json()) == (400, invalid("property caption should not exist"))
        response = client.post(f"/chat/{chat['id']}/attachment", headers=other_member.headers,
                               files={"file": ("a.pdf", io.BytesIO(pdf()))})
        assert response.status_code == 403
        assert client.post(f"/chat/{chat['id']}/attachment").status_code == 401


class TestSubscribe:
    def test_subscribe_and_unsubscribe(self, client, member, listing):
        chat = start(client, member, listing)
        for method in ("POST", "DELETE"):
            response = client.request(method, f"/chat/{chat['id']}/subscribe", json={"deviceToken": "device-1"}, headers=member.headers)
            assert response.status_code == 200 and response.json() == {"success": True}
        changes = [(p["kind"], p["tokens"]) for p in pushes(topic("chat", chat["id"]))]
        assert changes == [("subscribe", ["device-1"]), ("unsubscribe", ["device-1"])]

    def test_outsiders_and_bad_input(self, client, member, other_member, listing):
        chat = start(client, member, listing)
        response = client.post(f"/chat/{chat['id']}/subscribe", json={"deviceToken": "d"}, headers=other_member.headers)
        assert response.status_code == 403
        response = client.post(f"/chat/{chat['id']}/subscribe", json={}, headers=member.headers)
        assert response.json() == invalid("deviceToken should not be empty")
        assert client.request("DELETE", f"/chat/{chat['id']}/subscribe", json={"deviceToken": "d"}).status_code == 401


class TestChatJourney:
    """The client's journey 7: POST /chat -> GET /chat/user -> messages -> send (and attach) -> subscribe."""

    def test_chat_with_the_seller(self, client, member, seller, listing):
        chat = start(client, member, listing)
        assert client.get(f"/chat/user/{member.id}", headers=member.headers).json()[0]["id"] == chat["id"]
        assert client.get(f"/chat/{chat['id']}/messages", headers=member.headers).json() == []
        client.post("/chat/message", json={"chatId": chat["id"], "senderUserId": member.id, "content": "Is it available?"},
                    headers=member.headers)
        upload = client.post(f"/chat/{chat['id']}/attachment?type=image", headers=seller.headers,
                             files={"file": ("scrap.png", io.BytesIO(png()))}).json()
        client.post("/chat/message", json={"chatId": chat["id"], "content": "Yes", **upload}, headers=seller.headers)
        assert client.post(f"/chat/{chat['id']}/subscribe", json={"deviceToken": "t"},
                           headers=member.headers).json() == {"success": True}
        history = client.get(f"/chat/{chat['id']}/messages", headers=member.headers).json()
        assert [(m["type"], m["sender"]["id"]) for m in history] == [("text", member.id), ("image", seller.id)]
        assert [p["kind"] for p in pushes(topic("chat", chat["id"]))] == ["message", "message", "subscribe"]
