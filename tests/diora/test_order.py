"""Orders: placing them from the cart, reading them, shops moving them along, cancelling."""
import re

import pytest

from models.diora import database
from models.diora.tables.catalog import CartItem
from tests.diora.conftest import error
from tests.diora.shopping import ADDRESS, product, stock_of, to_cart

pytestmark = pytest.mark.usefixtures("diora")


def place(client, make, buyer, **body):
    answer = client.post("/api/order", headers=make.headers(buyer),
                         json={"shippingAddress": ADDRESS, "paymentMethod": "cod", **body})
    assert answer.status_code == 201, answer.json()
    return answer.json()["order"]


def cart_size(user):
    with database.reading() as session:
        return session.query(CartItem).filter_by(user_id=user.id).count()


class TestCreateOrder:
    def test_from_the_cart_with_discounts_and_shipping(self, client, make):
        shop, buyer = make.shop(), make.user()
        shirt = product(shop, price="60.00", discount=10, stock=5)
        socks = product(shop, price="15.00", stock=9, name="Socks")
        to_cart(buyer, shirt, 1, size="M")
        to_cart(buyer, socks, 2)
        answer = client.post("/api/order", headers=make.headers(buyer),
                             json={"shippingAddress": ADDRESS, "paymentMethod": "cod", "notes": "Ring twice"})
        assert answer.status_code == 201
        body = answer.json()
        order = body["order"]
        assert body["message"] == "Order placed successfully"
        assert re.fullmatch(r"ORD\d{6}0001", order["orderNumber"])
        assert [(i["name"], i["price"], i["quantity"], i["size"]) for i in order["items"]] == [
            ("Linen Shirt", 54.0, 1, "M"), ("Socks", 15.0, 2, "")]
        assert (order["subtotal"], order["shippingFee"], order["total"]) == (84.0, 10.0, 94.0)
        assert (order["status"], order["paymentStatus"], order["paymentMethod"]) == ("processing", "pending", "cod")
        assert order["shippingAddress"]["street"] == "123 Main St" and order["notes"] == "Ring twice"
        assert (stock_of(shirt), stock_of(socks)) == (4, 7)
        assert cart_size(buyer) == 0
        note = make.notifications(shop)[0]
        assert (note.type, note.title, note.order_id) == ("order", "New Order", order["_id"])

    def test_free_shipping_over_100_and_numbers_in_sequence(self, client, make):
        shop, buyer = make.shop(), make.user()
        coat = product(shop, price="100.01", stock=3)
        to_cart(buyer, coat)
        first = place(client, make, buyer)
        assert (first["subtotal"], first["shippingFee"], first["total"]) == (100.01, 0.0, 100.01)
        to_cart(buyer, coat)
        second = place(client, make, buyer)
        assert int(second["orderNumber"][-4:]) == int(first["orderNumber"][-4:]) + 1

    def test_the_references_body(self, client, make):
        shop, buyer = make.shop(), make.user()
        shirt = product(shop, price="20.00", stock=4)
        to_cart(buyer, product(shop, name="Other"))
        answer = client.post("/api/order", headers=make.headers(buyer), json={
            "items": [{"productId": shirt.id, "quantity": 2, "price": 0.01}],
            "shippingAddress": {"street": "1 Main St", "city": "New York", "state": "NY", "zipCode": "10001",
                                "country": "USA"}})
        order = answer.json()["order"]
        assert (order["total"], order["paymentMethod"]) == (50.0, "card")
        assert order["shippingAddress"]["address"] == "1 Main St" and order["shippingAddress"]["postalCode"] == "10001"
        assert order["shippingAddress"]["email"] == buyer.email
        assert cart_size(buyer) == 1 and stock_of(shirt) == 2

    def test_out_of_stock_changes_nothing(self, client, make):
        shop, buyer = make.shop(), make.user()
        shirt, socks = product(shop, stock=5), product(shop, stock=1, name="Socks")
        to_cart(buyer, shirt)
        to_cart(buyer, socks, 2)
        answer = client.post("/api/order", headers=make.headers(buyer), json={"shippingAddress": ADDRESS})
        assert answer.status_code == 400
        assert answer.json() == error("Insufficient stock for Socks. Available: 1, Requested: 2", "CART_002",
                                      field="quantity", productId=socks.id, available=1, requested=2)
        assert (stock_of(shirt), stock_of(socks), cart_size(buyer)) == (5, 1, 2)

    def test_empty_cart_is_400(self, client, make):
        answer = client.post("/api/order", headers=make.headers(), json={"shippingAddress": ADDRESS})
        assert answer.status_code == 400 and answer.json() == error("Cart is empty", "CART_001")

    def test_hidden_product_is_404(self, client, make):
        buyer = make.user()
        to_cart(buyer, product(make.shop(), is_hidden=True))
        answer = client.post("/api/order", headers=make.headers(buyer), json={"shippingAddress": ADDRESS})
        assert answer.status_code == 404 and answer.json() == error("Product not found", "PROD_001")

    @pytest.mark.parametrize("body,field", [
        ({}, "shippingAddress"), ({"shippingAddress": {"address": "x"}}, "shippingAddress.city"),
        ({"shippingAddress": ADDRESS, "paymentMethod": "cash"}, "paymentMethod"),
        ({"shippingAddress": ADDRESS, "items": []}, "items")])
    def test_bad_input_is_400(self, client, make, body, field):
        answer = client.post("/api/order", headers=make.headers(), json=body)
        assert answer.status_code == 400 and answer.json()["field"] == field

    def test_anonymous_is_401(self, client):
        assert client.post("/api/order", json={"shippingAddress": ADDRESS}).status_code == 401


class TestListOrders:
    def test_own_orders_newest_first(self, client, make):
        shop, buyer = make.shop(), make.user()
        shirt = product(shop, stock=5)
        to_cart(buyer, shirt)
        first = place(client, make, buyer)
        to_cart(buyer, shirt)
        second = place(client, make, buyer)
        to_cart(make.user(), shirt)
        body = client.get("/api/order?page=1&limit=10", headers=make.headers(buyer)).json()
        assert [o["_id"] for o in body["orders"]] == [second["_id"], first["_id"]]
        assert (body["totalPages"], body["currentPage"], body["totalOrders"]) == (1, 1, 2)


class TestShopOrders:
    def test_only_the_shops_lines_and_the_customer(self, client, make):
        mine, theirs, buyer = make.shop(), make.shop(), make.user(full_name="Jane Buyer")
        to_cart(buyer, product(mine, name="Mine"))
        to_cart(buyer, product(theirs, name="Theirs"))
        order = place(client, make, buyer)
        body = client.get("/api/order/shop?status=pending", headers=make.headers(mine)).json()
        assert [o["_id"] for o in body["orders"]] == [order["_id"]]
        assert [i["name"] for i in body["orders"][0]["items"]] == ["Mine"]
        assert body["orders"][0]["customer"] == {"_id": buyer.id, "fullName": "Jane Buyer", "email": buyer.email,
                                                 "avatar": None}
        assert client.get("/api/order/shop?status=shipped", headers=make.headers(mine)).json()["orders"] == []

    def test_regular_users_are_403(self, client, make):
        answer = client.get("/api/order/shop", headers=make.headers())
        assert answer.status_code == 403 and answer.json()["code"] == "AUTH_002"


class TestGetOrder:
    def test_buyer_shop_and_admin_see_it_others_do_not(self, client, make):
        shop, buyer = make.shop(), make.user()
        to_cart(buyer, product(shop))
        order = place(client, make, buyer)
        for viewer in (buyer, shop, make.admin()):
            answer = client.get(f"/api/order/{order['_id']}", headers=make.headers(viewer))
            assert answer.status_code == 200 and answer.json()["order"] == order
        other = client.get(f"/api/order/{order['_id']}", headers=make.headers(make.user()))
        assert other.status_code == 403 and other.json() == error("Not your order", "AUTH_002")

    def test_unknown_is_404_and_malformed_400(self, client, make):
        headers = make.headers()
        answer = client.get(f"/api/order/{'c' * 24}", headers=headers)
        assert answer.status_code == 404 and answer.json() == error("Order not found", "ORD_001")
        assert client.get("/api/order/nope", headers=headers).status_code == 400


class TestUpdateStatus:
    def test_the_shop_moves_it_forward(self, client, make):
        shop, buyer = make.shop(), make.user()
        to_cart(buyer, product(shop))
        order = place(client, make, buyer)
        url, headers = f"/api/order/{order['_id']}/status", make.headers(shop)
        assert client.patch(url, headers=headers, json={"status": "confirmed"}).json()["order"]["status"] == "confirmed"
        shipped = client.patch(url, headers=headers, json={"status": "shipped", "trackingNumber": "1Z999",
                                                           "estimatedDelivery": "2030-01-20T00:00:00Z"}).json()
        assert shipped["message"] == "Order status updated successfully"
        assert (shipped["order"]["trackingNumber"], shipped["order"]["estimatedDelivery"]) == (
            "1Z999", "2030-01-20T00:00:00.000Z")
        delivered = client.patch(url, headers=headers, json={"status": "delivered"}).json()["order"]
        assert (delivered["status"], delivered["paymentStatus"]) == ("delivered", "paid")
        titles = [n.title for n in make.notifications(buyer)]
        assert titles == ["Order Delivered", "Order Shipped", "Order Confirmed"]
        back = client.patch(url, headers=headers, json={"status": "shipped"})
        assert back.status_code == 409

    def test_only_the_orders_shops_or_an_admin(self, client, make):
        shop, buyer = make.shop(), make.user()
        to_cart(buyer, product(shop))
        order = place(client, make, buyer)
        url = f"/api/order/{order['_id']}/status"
        for outsider in (buyer, make.shop()):
            answer = client.patch(url, headers=make.headers(outsider), json={"status": "confirmed"})
            assert answer.status_code == 403
        assert client.patch(url, headers=make.headers(make.admin()), json={"status": "confirmed"}).status_code == 200

    def test_an_unpaid_card_order_waits(self, client, make):
        shop, buyer = make.shop(), make.user()
        to_cart(buyer, product(shop))
        order = place(client, make, buyer, paymentMethod="card")
        answer = client.patch(f"/api/order/{order['_id']}/status", headers=make.headers(shop), json={"status": "shipped"})
        assert answer.status_code == 409 and answer.json() == error("The order is not paid yet", field="status")

    def test_bad_status_is_400(self, client, make):
        answer = client.patch(f"/api/order/{'c' * 24}/status", headers=make.headers(make.shop()),
                              json={"status": "lost"})
        assert answer.status_code == 400 and answer.json()["field"] == "status"


class TestCancelOrder:
    def test_gives_stock_back_once(self, client, make):
        shop, buyer = make.shop(), make.user()
        shirt = product(shop, stock=3)
        to_cart(buyer, shirt, 2)
        order = place(client, make, buyer)
        assert stock_of(shirt) == 1
        answer = client.patch(f"/api/order/{order['_id']}/cancel", headers=make.headers(buyer),
                              json={"reason": "Changed mind"})
        assert answer.status_code == 200
        body = answer.json()
        assert (body["message"], body["refundStatus"], body["order"]["status"]) == (
            "Order cancelled successfully", None, "cancelled")
        assert stock_of(shirt) == 3
        again = client.patch(f"/api/order/{order['_id']}/cancel", headers=make.headers(buyer))
        assert again.status_code == 409
        assert again.json() == error("Order cannot be cancelled at this stage", field="status")
        assert stock_of(shirt) == 3
        assert make.notifications(shop)[0].title == "Order Cancelled"

    def test_not_after_shipping_and_not_by_others(self, client, make):
        shop, buyer = make.shop(), make.user()
        to_cart(buyer, product(shop))
        order = place(client, make, buyer)
        url = f"/api/order/{order['_id']}/cancel"
        assert client.patch(url, headers=make.headers(make.user())).status_code == 403
        client.patch(f"/api/order/{order['_id']}/status", headers=make.headers(shop), json={"status": "shipped"})
        assert client.patch(url, headers=make.headers(buyer)).status_code == 409
