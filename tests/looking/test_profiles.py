"""Profiles: public lists, staff CRUD, approval, submission, search and message updates."""
import base64
import io

import pytest
from PIL import Image

from server.products.looking import PRODUCT

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg==")
PNG_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()
FORBIDDEN = "User not authorized to perform this action"


def pixels(data):
    """What an image shows (stored images are re-encoded, so their bytes differ from the upload's)."""
    with Image.open(io.BytesIO(data)) as image:
        return image.format, image.size, image.mode, image.tobytes()
NO_TOKEN = {"message": "No authorization token provided", "err": None}
NOT_FOUND = {"message": "Profile not found", "err": {"code": "NOT_FOUND", "details": None}}


def missing(permission):
    return {"message": FORBIDDEN, "err": {"name": "PermissionError", "message": f"requires the '{permission}' permission"}}


def without_times(body):
    return {k: v for k, v in body.items() if k not in ("createdAt", "updatedAt")}


def expected(profile, **overrides):
    """The documented Profile shape for a factory-made profile."""
    body = {
        "_id": profile.id, "order": profile.order,
        "details": {"name": profile.name, "age": profile.age, "location": profile.location, "about": profile.about,
                    "pic": {"thumb": profile.pic_thumb, "detail": profile.pic_detail},
                    "position": profile.tag_values("position"), "looking": profile.tag_values("looking"),
                    "tribes": profile.tag_values("tribes"), "ethnos": profile.tag_values("ethnos")},
        "messages": [{"_id": m.id, "text": m.text, "isUser": m.is_user,
                      "timestamp": m.timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")}
                     for m in profile.messages],
        "submitted": profile.submitted, "approved": profile.approved,
    }
    body.update(overrides)
    return body


class TestListApprovedProfiles:
    @pytest.mark.parametrize("path", ["/profiles", "/profiles/verified"])
    def test_only_approved_in_order_as_bare_array(self, client, make, path):
        second = make.profile(order=2, position=["Top", "Versatile"], looking=["Dates"])
        first = make.profile(order=1)
        make.profile(approved=False, order=0)
        response = client.get(path)
        assert response.status_code == 200
        assert [without_times(p) for p in response.json()] == [expected(first), expected(second)]


class TestListSubmittedProfiles:
    def test_pending_only_with_view(self, client, make):
        pending = make.profile(approved=False)
        make.profile(approved=True)
        make.profile(approved=False, submitted=False)
        response = client.get("/profiles/submitted", headers=make.headers("view"))
        assert response.status_code == 200
        assert [p["_id"] for p in response.json()] == [pending.id]

    def test_401_without_token(self, client):
        response = client.get("/profiles/submitted")
        assert (response.status_code, response.json()) == (401, NO_TOKEN)

    def test_403_without_view(self, client, make):
        response = client.get("/profiles/submitted", headers=make.headers("add"))
        assert (response.status_code, response.json()) == (403, missing("view"))

    def test_super_implies_view(self, client, make):
        assert client.get("/profiles/submitted", headers=make.headers("super")).status_code == 200


class TestGetProfile:
    def test_approved_is_public(self, client, make):
        profile = make.profile()
        response = client.get(f"/profiles/{profile.id}")
        assert response.status_code == 200
        assert without_times(response.json()) == expected(profile)

    def test_unapproved_is_404_publicly_and_visible_with_view(self, client, make):
        profile = make.profile(approved=False)
        response = client.get(f"/profiles/{profile.id}")
        assert (response.status_code, response.json()) == (404, NOT_FOUND)
        assert client.get(f"/profiles/{profile.id}", headers=make.headers("view")).status_code == 200

    def test_unknown_is_404(self, client):
        response = client.get("/profiles/" + "a" * 24)
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_malformed_id_is_400(self, client):
        response = client.get("/profiles/123")
        assert response.status_code == 400
        assert response.json()["err"]["details"][0]["field"] == "id"


class TestCreateProfile:
    BODY = {"order": 10, "details": {"name": "Alex", "age": 25, "location": "New York, NY", "about": "My story...",
                                     "position": ["Top"], "pic": {"thumb": PNG_URL, "detail": "profile/x.png"}},
            "messages": [{"text": "Question text", "isUser": False}], "submitted": True, "approved": False}

    def test_creates_and_stores_the_image(self, client, make):
        response = client.post("/profiles", json=self.BODY, headers=make.headers("add"))
        assert response.status_code == 201
        body = response.json()
        profile = body["profile"]
        assert body["_id"] == profile["_id"]
        assert body["message"] == "Profile created successfully"
        assert profile["details"]["pic"] == {"thumb": f"profile/{profile['_id']}_thumbnail.png",
                                             "detail": "profile/x.png"}
        assert (profile["order"], profile["submitted"], profile["approved"]) == (10, True, False)
        assert [m["text"] for m in profile["messages"]] == ["Question text"]
        image = client.get("/uploads/" + profile["details"]["pic"]["thumb"])
        assert (image.status_code, image.headers["content-type"]) == (200, "image/png")
        assert pixels(image.content) == pixels(PNG)

    @pytest.mark.parametrize("pic", [
        pytest.param("data:image/png;base64,not-base64!!", id="bad base64"),
        pytest.param("data:image/png;base64," + base64.b64encode(b"plain text").decode(), id="not an image"),
        pytest.param("data:text/plain;base64,aGVsbG8=", id="not an image type"),
        pytest.param("../../etc/passwd", id="path traversal"),
    ])
    def test_malformed_image_is_the_documented_error_and_stores_nothing(self, client, make, pic):
        body = {"details": {"name": "Alex", "pic": {"thumb": pic}}}
        response = client.post("/profiles", json=body, headers=make.headers("add"))
        assert response.status_code == 400
        assert response.json()["message"] == "There was an error processing the image"
        assert response.json()["err"]["code"] == "IMAGE_ERROR"
        assert client.get("/profiles").json() == []

    @pytest.mark.parametrize("body,field", [
        pytest.param({}, "details", id="missing details"),
        pytest.param({"details": {"age": "old"}}, "details.age", id="age not integer"),
        pytest.param({"details": {"age": 12}}, "details.age", id="age under 18"),
        pytest.param({"details": {"position": "Top"}}, "details.position", id="position not a list"),
        pytest.param({"details": {}, "messages": [{"isUser": True}]}, "messages.0.text", id="message without text"),
        pytest.param({"details": {}, "bogus": 1}, "bogus", id="unknown field"),
    ])
    def test_invalid_body_is_400(self, client, make, body, field):
        response = client.post("/profiles", json=body, headers=make.headers("add"))
        assert response.status_code == 400
        assert field in [d["field"] for d in response.json()["err"]["details"]]

    def test_401_and_403(self, client, make):
        assert client.post("/profiles", json=self.BODY).json() == NO_TOKEN
        response = client.post("/profiles", json=self.BODY, headers=make.headers("view"))
        assert (response.status_code, response.json()) == (403, missing("add"))


class TestUpdateProfile:
    def test_merges_details_and_keeps_the_rest(self, client, make):
        profile = make.profile(name="John", position=["Top"], location="Chicago, IL")
        response = client.put(f"/profiles/{profile.id}", json={"details": {"about": "Updated story...",
                                                                            "tribes": ["Geek"]}},
                              headers=make.headers("update"))
        assert response.status_code == 200
        body = response.json()
        assert body["message"] == "Profile updated successfully"
        details = body["profile"]["details"]
        assert (details["name"], details["about"], details["location"]) == ("John", "Updated story...", "Chicago, IL")
        assert (details["position"], details["tribes"]) == (["Top"], ["Geek"])

    def test_replacing_messages_keeps_known_ids(self, client, make):
        profile = make.profile()
        first = profile.messages[0]
        response = client.put(f"/profiles/{profile.id}", json={"messages": [
            {"_id": first.id, "text": "Edited", "isUser": False}, {"text": "New", "isUser": True}]},
            headers=make.headers("update"))
        messages = response.json()["profile"]["messages"]
        assert [(m["text"], m["isUser"]) for m in messages] == [("Edited", False), ("New", True)]
        assert messages[0]["_id"] == first.id

    def test_empty_body_is_400(self, client, make):
        profile = make.profile()
        response = client.put(f"/profiles/{profile.id}", json={}, headers=make.headers("update"))
        assert response.status_code == 400

    def test_unknown_is_404(self, client, make):
        response = client.put("/profiles/" + "b" * 24, json={"order": 1}, headers=make.headers("update"))
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_401_and_403(self, client, make):
        profile = make.profile()
        assert client.put(f"/profiles/{profile.id}", json={"order": 1}).status_code == 401
        response = client.put(f"/profiles/{profile.id}", json={"order": 1}, headers=make.headers("add"))
        assert (response.status_code, response.json()) == (403, missing("update"))


class TestDeleteProfile:
    def test_deletes(self, client, make):
        profile = make.profile()
        response = client.delete(f"/profiles/{profile.id}", headers=make.headers("delete"))
        assert response.status_code == 200
        assert response.json() == {"message": "Profile deleted successfully", "id": profile.id}
        assert client.get(f"/profiles/{profile.id}").status_code == 404

    def test_unknown_is_404(self, client, make):
        response = client.delete("/profiles/" + "c" * 24, headers=make.headers("delete"))
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_401_and_403(self, client, make):
        profile = make.profile()
        assert client.delete(f"/profiles/{profile.id}").status_code == 401
        response = client.delete(f"/profiles/{profile.id}", headers=make.headers("update"))
        assert (response.status_code, response.json()) == (403, missing("delete"))
        assert client.get(f"/profiles/{profile.id}").status_code == 200


class TestApproveProfile:
    def test_approves(self, client, make):
        profile = make.profile(approved=False)
        response = client.get(f"/profiles/approve/{profile.id}", headers=make.headers("manage"))
        assert response.status_code == 200
        assert response.json() == {"message": "Profile approved",
                                   "profile": {"_id": profile.id, "submitted": True, "approved": True}}

    def test_unknown_is_404(self, client, make):
        response = client.get("/profiles/approve/" + "d" * 24, headers=make.headers("manage"))
        assert (response.status_code, response.json()) == (404, NOT_FOUND)

    def test_401_and_403(self, client, make):
        profile = make.profile(approved=False)
        assert client.get(f"/profiles/approve/{profile.id}").status_code == 401
        response = client.get(f"/profiles/approve/{profile.id}", headers=make.headers("view", "update"))
        assert (response.status_code, response.json()) == (403, missing("manage"))


class TestSubmitStory:
    BODY = {"details": {"name": "Anonymous", "age": 30, "location": "Los Angeles, CA", "about": "My dating story...",
                        "pic": {"thumb": PNG_URL, "detail": PNG_URL}},
            "messages": [{"text": "Tell us your story", "isUser": False},
                         {"text": "I've been using apps for 3 years...", "isUser": True}]}

    def test_submit_then_approve_then_public(self, client, make):
        response = client.post("/profiles/submission", json=self.BODY)
        assert response.status_code == 200
        body = response.json()
        profile_id = body["profile"]["_id"]
        assert body == {"message": "Story submitted successfully. It will be reviewed before publishing.",
                        "profile": {"_id": profile_id, "submitted": True, "approved": False}}
        assert client.get("/profiles").json() == []
        assert [p["_id"] for p in client.get("/profiles/submitted", headers=make.headers("view")).json()] == [profile_id]
        client.get(f"/profiles/approve/{profile_id}", headers=make.headers("manage"))
        [public] = client.get("/profiles").json()
        assert public["_id"] == profile_id
        assert public["details"]["pic"] == {"thumb": f"profile/{profile_id}_thumbnail.png",
                                            "detail": f"profile/{profile_id}_detail.png"}
        assert [m["text"] for m in public["messages"]] == ["Tell us your story", "I've been using apps for 3 years..."]

    def test_cannot_self_approve(self, client):
        response = client.post("/profiles/submission", json=dict(self.BODY, approved=True))
        assert response.status_code == 400
        assert response.json()["err"]["details"][0]["field"] == "approved"

    def test_name_is_required(self, client):
        response = client.post("/profiles/submission", json={"details": {"age": 30}})
        assert response.status_code == 400
        assert response.json()["err"]["details"][0]["field"] == "details.name"

    def test_bad_image_is_400(self, client):
        body = {"details": {"name": "A", "pic": {"thumb": "data:image/png;base64,####"}}}
        response = client.post("/profiles/submission", json=body)
        assert response.status_code == 400
        assert response.json()["message"] == "There was an error processing the image"


class TestFindProfiles:
    @pytest.fixture
    def people(self, make):
        return {
            "john": make.profile(order=1, age=28, position=["Top", "Versatile"], looking=["Dates", "Friends"],
                                 tribes=["Geek"], ethnos=["White"]),
            "marcus": make.profile(order=2, age=34, position=["Bottom"], looking=["Relationship"], tribes=["Bear"],
                                   ethnos=["Black"]),
            "kenji": make.profile(order=3, age=26, position=["Versatile"], looking=["Friends"], tribes=["Geek"],
                                  ethnos=["Asian"]),
            "old": make.profile(order=4, age=50, position=["Top"], looking=["Dates"], tribes=["Bear"]),
            "hidden": make.profile(order=5, age=28, approved=False, position=["Top"]),
        }

    @pytest.mark.parametrize("path,names", [
        pytest.param("/profiles/find", ["john", "marcus", "kenji", "old"], id="no segments"),
        pytest.param("/profiles/find/2", ["john", "marcus"], id="limit"),
        pytest.param("/profiles/find/2/1", ["marcus", "kenji"], id="limit skip"),
        pytest.param("/profiles/find/null/null/27", ["john", "marcus", "old"], id="min age"),
        pytest.param("/profiles/find/null/null/25/35", ["john", "marcus", "kenji"], id="age range"),
        pytest.param("/profiles/find/null/null/null/null/Top|Bottom", ["john", "marcus", "old"], id="position any"),
        pytest.param("/profiles/find/null/null/null/null/null/Friends", ["john", "kenji"], id="looking"),
        pytest.param("/profiles/find/null/null/null/null/null/null/Bear", ["marcus", "old"], id="tribes"),
        pytest.param("/profiles/find/null/null/null/null/null/null/null/Asian|Black", ["marcus", "kenji"], id="ethnos"),
        pytest.param("/profiles/find/10/0/25/35/Top|Versatile/Dates|Friends/Geek/null", ["john", "kenji"],
                     id="documented example"),
        pytest.param("/profiles/find/null/null/null/null/Nobody", [], id="no match"),
    ])
    def test_filters(self, client, make, people, path, names):
        response = client.get(path, headers=make.headers("view"))
        assert response.status_code == 200
        assert [p["_id"] for p in response.json()] == [people[n].id for n in names]

    def test_full_profiles(self, client, make, people):
        [john] = client.get("/profiles/find/1", headers=make.headers("view")).json()
        assert without_times(john) == expected(people["john"])

    @pytest.mark.parametrize("path", ["/profiles/find/ten", "/profiles/find/1/-1", "/profiles/find/1/1/x"])
    def test_bad_numbers_are_400(self, client, make, path):
        assert client.get(path, headers=make.headers("view")).status_code == 400

    def test_401_and_403(self, client, make):
        assert client.get("/profiles/find/1").status_code == 401
        response = client.get("/profiles/find/1", headers=make.headers("add"))
        assert (response.status_code, response.json()) == (403, missing("view"))


class TestListProfiles:
    def test_only_the_documented_fields(self, client, make):
        profile = make.profile(order=1, age=30, position=["Top"], pic={"thumb": "profile/t.png", "detail": "profile/d.png"})
        make.profile(order=2, age=40, position=["Bottom"])
        response = client.get("/profiles/list/null/null/null/null/Top", headers=make.headers("view"))
        assert response.status_code == 200
        assert response.json() == [{"_id": profile.id, "order": 1,
                                    "details": {"name": profile.name, "pic": {"thumb": "profile/t.png"}}}]

    def test_every_segment_variant_routes(self, client, make):
        headers = make.headers("view")
        segments = ["5", "0", "18", "99", "null", "null", "null", "null"]
        for n in range(len(segments) + 1):
            path = "/".join(["/profiles/list"] + segments[:n])
            assert client.get(path, headers=headers).status_code == 200, path

    def test_401_and_403(self, client, make):
        assert client.get("/profiles/list").status_code == 401
        assert client.get("/profiles/list", headers=make.headers("add")).status_code == 403


class TestUpdateMessage:
    def test_updates_text_and_image(self, client, make):
        profile = make.profile()
        message = profile.messages[0]
        response = client.put(f"/profiles/{profile.id}/message/{message.id}",
                              json={"text": "Updated question text", "image": PNG_URL}, headers=make.headers("update"))
        assert response.status_code == 200
        body = response.json()
        assert body["message"] == "Message updated successfully"
        updated = body["profile"]["messages"][0]
        assert (updated["_id"], updated["text"], updated["image"]) == (
            message.id, "Updated question text", f"message/{message.id}.png")
        assert pixels(client.get(f"/uploads/message/{message.id}.png").content) == pixels(PNG)

    def test_unknown_message_is_404(self, client, make):
        profile = make.profile()
        response = client.put(f"/profiles/{profile.id}/message/{'e' * 24}", json={"text": "x"},
                              headers=make.headers("update"))
        assert response.status_code == 404
        assert response.json()["message"] == "Message not found"

    def test_message_of_another_profile_is_404(self, client, make):
        profile, other = make.profile(), make.profile()
        response = client.put(f"/profiles/{profile.id}/message/{other.messages[0].id}", json={"text": "x"},
                              headers=make.headers("update"))
        assert response.status_code == 404

    def test_empty_body_is_400(self, client, make):
        profile = make.profile()
        response = client.put(f"/profiles/{profile.id}/message/{profile.messages[0].id}", json={},
                              headers=make.headers("update"))
        assert response.status_code == 400

    def test_401_and_403(self, client, make):
        profile = make.profile()
        path = f"/profiles/{profile.id}/message/{profile.messages[0].id}"
        assert client.put(path, json={"text": "x"}).status_code == 401
        response = client.put(path, json={"text": "x"}, headers=make.headers("view"))
        assert (response.status_code, response.json()) == (403, missing("update"))


class TestGetUpload:
    def test_unknown_file_is_404(self, client):
        response = client.get("/uploads/profile/nothing.png")
        assert response.status_code == 404
        assert response.json() == {"message": "File not found", "err": {"code": "NOT_FOUND", "details": None}}

    def test_bad_name_is_400(self, client):
        assert client.get("/uploads/profile/..%2Fsecret.png").status_code in (400, 404)
        assert client.get("/uploads/other/x.png").status_code == 400


def test_storage_root_is_per_test_run():
    assert "files" in str(PRODUCT.runtime.storage.root)


class TestFilters:
    """The path segments are validated by the spec; the model refuses bad numbers on its own too."""

    @pytest.mark.parametrize("segments,field", [
        pytest.param(("x",), "limit", id="limit"),
        pytest.param(("1", "÷"), "skip", id="skip"),
        pytest.param(("1", "0", "1\n"), "min", id="trailing newline"),
    ])
    def test_non_numbers_are_invalid_input(self, segments, field):
        from models.errors import InvalidInput
        from models.looking.profiles import Filters

        with pytest.raises(InvalidInput) as caught:
            Filters.from_segments(*segments)
        assert caught.value.field == field

    def test_null_and_pipes(self):
        from models.looking.profiles import Filters

        filters = Filters.from_segments("5", "null", "20", "null", "Top|Versatile", "null", "Geek", None)
        assert (filters.limit, filters.skip, filters.min_age, filters.max_age) == (5, 0, 20, None)
        assert filters.tags == (("position", ("Top", "Versatile")), ("tribes", ("Geek",)))
