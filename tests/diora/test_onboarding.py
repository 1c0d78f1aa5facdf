"""Onboarding, the shop's set-up and promotion requests."""
import io
import zipfile

import pytest
from PIL import Image

from models.diora import database
from models.diora.tables.promotions import PromotionRequest
from tests.diora.conftest import error, png

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DOC = bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 64 + "WordDocument".encode("utf-16-le") + b"\x00" * 64
FIELDS = {"businessName": "Urban Threads", "businessDescription": "Streetwear", "businessType": "Retail"}


def docx():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<document/>")
    return out.getvalue()


class TestCompleteOnboarding:
    def test_the_clients_onboarding(self, client, make):
        me = make.user()
        response = client.put("/api/user/complete-onboarding", headers=make.headers(me), json={"onboarding": {
            "profile": {"gender": "female", "interests": ["denim"], "completed": True},
            "preferences": {"budgetRange": "50-200", "completed": True}}})
        assert response.status_code == 200
        body = response.json()
        assert body["message"] == "Onboarding completed successfully"
        onboarding = body["user"]["onboarding"]
        assert body["user"]["_id"] == me.id
        assert (onboarding["isComplete"], onboarding["step"]) == (True, 4)
        assert onboarding["completedAt"].endswith("Z")
        assert onboarding["profile"] == {"completed": True, "dateOfBirth": None, "gender": "female", "location": "",
                                         "interests": ["denim"]}
        assert onboarding["preferences"]["budgetRange"] == "50-200"

    def test_the_references_interests_and_location(self, client, make):
        response = client.put("/api/user/complete-onboarding", json={"interests": ["fashion", "streetwear"],
                                                                     "location": "New York"}, headers=make.headers())
        profile = response.json()["user"]["onboarding"]["profile"]
        assert (profile["interests"], profile["location"]) == (["fashion", "streetwear"], "New York")

    def test_an_unknown_gender_is_400(self, client, make):
        response = client.put("/api/user/complete-onboarding", json={"onboarding": {"profile": {"gender": "x"}}},
                              headers=make.headers())
        assert response.status_code == 400
        assert response.json()["field"] == "onboarding.profile.gender"


class TestCompleteShopOnboarding:
    def test_sets_up_the_shop(self, client, make):
        shop = make.shop()
        response = client.put("/api/user/complete-shop-onboarding", headers=make.headers(shop), json={
            "shop": {"location": "Brooklyn", "socialLinks": {"instagram": "@urban"}, "categories": ["Men"]},
            "avatar": "https://cdn.example/a.png", "businessDetails": {"category": "Women", "description": "Premium"}})
        assert response.status_code == 200
        user = response.json()["user"]
        assert (user["_id"], user["avatar"], user["onboarding"]["isComplete"]) == (shop.id, "https://cdn.example/a.png", True)
        assert user["shop"]["categories"] == ["Men", "Women"]
        assert user["shop"]["socialLinks"] == {"facebook": "", "instagram": "@urban", "twitter": "", "tiktok": ""}
        assert make.reload(shop).bio == "Premium"

    def test_a_regular_user_is_403(self, client, make):
        response = client.put("/api/user/complete-shop-onboarding", json={}, headers=make.headers())
        assert response.status_code == 403
        assert response.json()["code"] == "AUTH_002"


class TestUpdateShopDetails:
    def test_the_references_and_the_clients_fields(self, client, make):
        shop = make.shop()
        response = client.put("/api/user/update-shop-details", headers=make.headers(shop), json={
            "businessName": "New Shop Name", "businessDescription": "Updated", "shop": {"website": "https://x.example"}})
        assert response.status_code == 200
        user = response.json()["user"]
        assert (user["fullName"], user["bio"], user["shop"]["website"]) == ("New Shop Name", "Updated", "https://x.example")


class TestRequestPromotion:
    def test_submits_with_documents_and_tells_the_administrators(self, client, make, published):
        admin = make.admin()
        me = make.user(full_name="Jane Doe")
        files = [("proofDocuments", ("license.pdf", PDF, "application/pdf")),
                 ("proofDocuments", ("photo.png", png(), "image/png")),
                 ("proofDocuments", ("cert.docx", docx(), "application/octet-stream")),
                 ("proofDocuments", ("old.doc", DOC, "application/msword"))]
        response = client.post("/api/user/request-promotion", data=FIELDS, files=files, headers=make.headers(me))
        assert response.status_code == 201
        body = response.json()
        assert body == {"status": True, "message": "Promotion request submitted successfully",
                        "requestId": body["requestId"]}
        with database.reading() as session:
            request = session.get(PromotionRequest, body["requestId"])
        assert (request.user_id, request.status, request.business_name) == (me.id, "pending", "Urban Threads")
        assert [(d["originalName"], d["mimetype"]) for d in request.proof_documents] == [
            ("license.pdf", "application/pdf"), ("photo.png", "image/png"),
            ("cert.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            ("old.doc", "application/msword")]
        (note,) = make.notifications(admin)
        assert (note.type, note.title, note.message) == ("system", "New Shop Promotion Request",
                                                         "Jane Doe has requested promotion to shop owner")
        assert note.data == {"requestId": request.id, "userId": me.id}
        assert [(ids, event) for ids, event, _ in published()] == [([admin.id], "notification")]

    def test_a_second_pending_request_is_409(self, client, make):
        me = make.user()
        files = {"proofDocuments": ("a.pdf", PDF, "application/pdf")}
        assert client.post("/api/user/request-promotion", data=FIELDS, files=files, headers=make.headers(me)).status_code == 201
        response = client.post("/api/user/request-promotion", data=FIELDS, files=files, headers=make.headers(me))
        assert response.status_code == 409
        assert response.json() == error("You already have a pending promotion request")

    @pytest.mark.parametrize("kind", ["shop", "admin"])
    def test_only_regular_users_may_ask(self, client, make, kind):
        response = client.post("/api/user/request-promotion", data=FIELDS,
                               files={"proofDocuments": ("a.pdf", PDF, "application/pdf")},
                               headers=make.headers(type=kind))
        assert response.status_code == 403
        assert response.json() == error("Access denied. Only regular users can do this.", "AUTH_002")

    @pytest.mark.parametrize("content", [
        pytest.param(b"MZ\x90\x00 an executable", id="executable"),
        pytest.param(bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 100, id="ole without a word stream"),
        pytest.param(b"PK\x03\x04 not a zip", id="broken zip"),
        pytest.param(b"GIF89a\x01\x00\x01\x00", id="gif"),
    ])
    def test_documents_are_judged_by_their_content(self, client, make, content):
        response = client.post("/api/user/request-promotion", data=FIELDS,
                               files={"proofDocuments": ("fine.pdf", content, "application/pdf")},
                               headers=make.headers())
        assert response.status_code == 400
        body = response.json()
        assert body == error("Proof documents must be JPG, PNG, PDF, DOC or DOCX files (proofDocuments.0)",
                             field="proofDocuments")

    def test_at_most_five_documents(self, client, make):
        files = [("proofDocuments", (f"{i}.pdf", PDF, "application/pdf")) for i in range(6)]
        response = client.post("/api/user/request-promotion", data=FIELDS, files=files, headers=make.headers())
        assert response.status_code == 400
        assert response.json()["message"].endswith("is too long - 'proofDocuments'")

    def test_a_gif_is_an_image_but_not_a_proof_document(self, client, make):
        gif = io.BytesIO()
        Image.new("RGB", (2, 2)).save(gif, "GIF")
        response = client.post("/api/user/request-promotion", data=FIELDS, headers=make.headers(),
                               files={"proofDocuments": ("a.gif", gif.getvalue(), "image/gif")})
        assert response.json() == error("Proof documents must be JPG, PNG, PDF, DOC or DOCX files (proofDocuments.0)",
                                        field="proofDocuments")

    def test_the_business_fields_are_required(self, client, make):
        response = client.post("/api/user/request-promotion", data={"businessName": "X"},
                               files={"proofDocuments": ("a.pdf", PDF, "application/pdf")}, headers=make.headers())
        assert response.status_code == 400
