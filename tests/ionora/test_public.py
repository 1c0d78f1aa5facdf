"""Operations the original server had beyond the reference: callback requests, shared wishlists,
order tracking, admin product image upload, and the order detail's flattened address."""
import io
import re
import struct
import zlib

import pytest
from PIL import Image

from tests.ionora.conftest import bearer

GONE = "00000000-0000-4000-8000-000000000000"


def png_bytes():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"\x00\xff\x00\x00"
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def pixels(data):
    with Image.open(io.BytesIO(data)) as image:
        return image.size, list(image.convert("RGB").getdata())


class TestRequestCallback:
    def test_anyone_can_ask(self, client):
        response = client.post("/api/public/callback-request",
                               json={"name": " Jane Doe ", "phone": " 9876543210 ", "state": "Maharashtra"})
        assert response.status_code == 201
        body = response.json()["callbackRequest"]
        assert body == {"id": body["id"], "user_id": None, "name": "Jane Doe", "phone": "9876543210",
                        "state": "Maharashtra", "created_at": body["created_at"]}

    def test_a_signed_in_visitor_is_linked(self, client, make):
        user = make.user()
        body = client.post("/api/public/callback-request", headers=bearer(user),
                           json={"name": "Jane", "phone": "9876543210", "state": "KA"}).json()["callbackRequest"]
        assert body["user_id"] == str(user.id)

    def test_a_bad_token_is_ignored(self, client):
        response = client.post("/api/public/callback-request", headers={"Authorization": "Bearer nonsense"},
                               json={"name": "Jane", "phone": "9876543210", "state": "KA"})
        assert response.status_code == 201 and response.json()["callbackRequest"]["user_id"] is None

    @pytest.mark.parametrize("body, param", [
        pytest.param({"phone": "9876543210", "state": "KA"}, "name", id="no name"),
        pytest.param({"name": "  ", "phone": "9876543210", "state": "KA"}, "name", id="blank name"),
        pytest.param({"name": "Jane", "phone": "12345", "state": "KA"}, "phone", id="short phone"),
        pytest.param({"name": "Jane", "phone": "  12345  ", "state": "KA"}, "phone", id="short after trim"),
        pytest.param({"name": "Jane", "phone": "9876543210"}, "state", id="no state"),
        pytest.param({"name": "Jane", "phone": "9876543210", "state": "KA", "x": 1}, "x", id="unknown field"),
    ])
    def test_invalid_body_is_400(self, client, body, param):
        response = client.post("/api/public/callback-request", json=body)
        assert response.status_code == 400
        assert response.json()["errors"][0]["param"] == param


class TestListCallbackRequests:
    def test_admins_see_them_newest_first(self, client, make):
        for name in ("First", "Second"):
            client.post("/api/public/callback-request", json={"name": name, "phone": "9876543210", "state": "KA"})
        body = client.get("/api/admin/callback-requests?limit=1", headers=bearer(make.admin())).json()
        assert [r["name"] for r in body["callbackRequests"]] == ["Second"]
        assert body["pagination"] == {"page": 1, "limit": 1, "total": 2, "totalPages": 2}

    def test_customers_are_403(self, client, make):
        response = client.get("/api/admin/callback-requests", headers=make.headers())
        assert (response.status_code, response.json()) == (403, {"message": "Forbidden: admin access required."})

    def test_no_token_is_401(self, client):
        assert client.get("/api/admin/callback-requests").status_code == 401


class TestShareFavorites:
    def test_shares_with_a_new_token(self, client, make):
        user = make.user(full_name="Jane Doe")
        product = make.product()
        client.post("/api/favorites", headers=bearer(user), json={"product_id": str(product.id)})
        response = client.post("/api/favorites/share", headers=bearer(user))
        assert response.status_code == 201
        body = response.json()
        assert re.fullmatch(r"[0-9a-f]{32}", body["token"])
        assert body["url"] == f"http://testserver/api/public/wishlist/{body['token']}"
        assert [f["product"]["id"] for f in body["favorites"]] == [str(product.id)]

    def test_sharing_again_replaces_the_token(self, client, make):
        user = make.user()
        client.post("/api/favorites", headers=bearer(user), json={"product_id": str(make.product().id)})
        first = client.post("/api/favorites/share", headers=bearer(user)).json()["token"]
        second = client.post("/api/favorites/share", headers=bearer(user)).json()["token"]
        assert first != second
        assert client.get(f"/api/public/wishlist/{first}").status_code == 404
        assert client.get(f"/api/public/wishlist/{second}").status_code == 200

    def test_empty_wishlist_is_400(self, client, make):
        response = client.post("/api/favorites/share", headers=make.headers())
        assert (response.status_code, response.json()) == (400, {"message": "Add items to your wishlist before sharing."})

    def test_no_token_is_401(self, client):
        assert client.post("/api/favorites/share").status_code == 401


class TestGetSharedWishlist:
    def test_anyone_can_read_it(self, client, make):
        user = make.user(full_name="Jane Doe")
        product = make.product()
        client.post("/api/favorites", headers=bearer(user), json={"product_id": str(product.id)})
        token = client.post("/api/favorites/share", headers=bearer(user)).json()["token"]
        response = client.get(f"/api/public/wishlist/{token}")
        assert response.status_code == 200
        body = response.json()
        assert body["owner"] == {"id": str(user.id), "full_name": "Jane Doe"}
        assert body["favorites"] == client.get("/api/favorites", headers=bearer(user)).json()["favorites"]

    def test_unknown_token_is_404(self, client):
        response = client.get("/api/public/wishlist/" + "0" * 32)
        assert (response.status_code, response.json()) == (404, {"message": "Shared wishlist not found or expired."})


class TestGetOrderTracking:
    def test_every_status_change_is_recorded_oldest_first(self, client, make):
        user = make.user()
        order = make.order(user, paid=True)
        make.set_status(order, "processing", "shipped")
        body = client.get(f"/api/orders/{order.id}/tracking", headers=bearer(user)).json()
        assert [(t["status"], t["description"]) for t in body["tracking"]] == [
            ("pending", "Order placed"),
            ("confirmed", body["tracking"][1]["description"]),
            ("processing", "Status updated to processing"),
            ("shipped", "Status updated to shipped")]
        assert body["tracking"][1]["description"].startswith("Payment pay_")
        assert set(body["tracking"][0]) == {"status", "description", "created_at"}

    def test_cancel_is_recorded(self, client, make):
        user = make.user()
        order = make.order(user)
        client.post(f"/api/orders/{order.id}/cancel", headers=bearer(user))
        body = client.get(f"/api/orders/{order.id}/tracking", headers=bearer(user)).json()
        assert [(t["status"], t["description"]) for t in body["tracking"]] == [
            ("pending", "Order placed"), ("cancelled", "Order cancelled by user")]

    def test_another_users_order_is_404(self, client, make):
        order = make.order(make.user())
        response = client.get(f"/api/orders/{order.id}/tracking", headers=make.headers())
        assert (response.status_code, response.json()) == (404, {"message": "Order not found."})

    def test_no_token_is_401(self, client):
        assert client.get(f"/api/orders/{GONE}/tracking").status_code == 401


class TestOrderDetailFlattenedAddress:
    def test_the_address_is_also_flattened_into_the_order(self, client, make):
        user = make.user()
        address = make.address(user, is_default=True, address_type="home")
        order = make.order(user, address=address)
        body = client.get(f"/api/orders/{order.id}", headers=bearer(user)).json()["order"]
        flattened = {k: body[k] for k in ("address_id", "address_type", "full_address", "city", "state",
                                          "pincode", "country", "is_default")}
        assert flattened == {"address_id": str(address.id), "address_type": "home", "full_address": "123 Street",
                             "city": "Mumbai", "state": "MH", "pincode": "400001", "country": "India",
                             "is_default": True}
        assert body["shipping_address"]["id"] == str(address.id) and body["coupon_code"] is None


class TestUploadProductImage:
    def test_stores_an_image_and_serves_it(self, client, make):
        data = png_bytes()
        response = client.post("/api/admin/products/upload-image", headers=bearer(make.admin()),
                               files={"image": ("photo.bin", io.BytesIO(data), "application/octet-stream")})
        assert response.status_code == 201
        body = response.json()
        assert re.fullmatch(r"products/\d+-[0-9a-f]{32}\.png", body["key"])
        assert body["url"] == f"http://testserver/api/uploads/{body['key']}"
        served = client.get(body["url"].replace("http://testserver", ""))
        assert (served.status_code, served.headers["content-type"], served.headers["x-content-type-options"]) == (
            200, "image/png", "nosniff")
        assert pixels(served.content) == pixels(data)

    def test_stores_the_image_alone_without_what_follows_it(self, client, make):
        data = png_bytes() + b"<html><script>alert(1)</script></html>"
        response = client.post("/api/admin/products/upload-image", headers=bearer(make.admin()),
                               files={"image": ("photo.png", io.BytesIO(data), "image/png")})
        served = client.get(response.json()["url"].replace("http://testserver", ""))
        assert b"<script>" not in served.content and pixels(served.content) == pixels(png_bytes())

    def test_pixel_dimensions_beyond_the_limit_are_400(self, client, make):
        data = io.BytesIO()
        Image.new("1", (9000, 10)).save(data, "PNG")
        response = client.post("/api/admin/products/upload-image", headers=bearer(make.admin()),
                               files={"image": ("wide.png", io.BytesIO(data.getvalue()), "image/png")})
        assert (response.status_code, response.json()) == (400, {
            "message": "Image is too large (at most 8192 pixels a side and 16,777,216 pixels)."})

    def test_content_that_is_not_an_image_is_400(self, client, make):
        response = client.post("/api/admin/products/upload-image", headers=bearer(make.admin()),
                               files={"image": ("evil.png", io.BytesIO(b"<script>alert(1)</script>"), "image/png")})
        assert (response.status_code, response.json()) == (
            400, {"message": "Unsupported file type. Only JPEG, PNG, WEBP, and GIF are allowed."})

    def test_empty_file_is_400(self, client, make):
        response = client.post("/api/admin/products/upload-image", headers=bearer(make.admin()),
                               files={"image": ("x.png", io.BytesIO(b""), "image/png")})
        assert (response.status_code, response.json()) == (400, {"message": "Image file is required."})

    def test_larger_than_5_mb_is_400(self, client, make):
        data = png_bytes() + b"\x00" * (5 * 1024 * 1024)
        response = client.post("/api/admin/products/upload-image", headers=bearer(make.admin()),
                               files={"image": ("big.png", io.BytesIO(data), "image/png")})
        assert (response.status_code, response.json()) == (400, {"message": "Image must be 5 MB or smaller."})

    def test_no_file_is_400(self, client, make):
        response = client.post("/api/admin/products/upload-image", headers=bearer(make.admin()),
                               files={"other": ("x.png", io.BytesIO(png_bytes()), "image/png")})
        assert response.status_code == 400

    def test_customers_are_403(self, client, make):
        response = client.post("/api/admin/products/upload-image", headers=make.headers(),
                               files={"image": ("x.png", io.BytesIO(png_bytes()), "image/png")})
        assert response.status_code == 403

    def test_unknown_image_is_404(self, client):
        response = client.get("/api/uploads/products/1-" + "0" * 32 + ".png")
        assert (response.status_code, response.json()) == (404, {"message": "Image not found."})
