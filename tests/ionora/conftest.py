"""Ionora fixtures: the app in a rolled-back transaction, factories that go through the model code,
bearer headers, and the fake Razorpay (which signs payments and webhooks like the real one)."""
import itertools
import json
from decimal import Decimal

import pytest

from models.ionora import addresses, cart, catalog, checkout, coupons, database, orders, users
from server.products.ionora import PRODUCT, issue_token

_serial = itertools.count(1)
PASSWORD = "Password123"


@pytest.fixture
def ionora(product_under_test):
    put = product_under_test("ionora")
    put.begin()
    PRODUCT.runtime.mailer.outbox.clear()
    PRODUCT.runtime.payments.fail_next = 0
    yield put
    put.end()


@pytest.fixture
def client(ionora):
    return ionora.client()


@pytest.fixture
def outbox(ionora):
    return PRODUCT.runtime.mailer.outbox


@pytest.fixture
def gateway(ionora):
    """The fake Razorpay the app uses (development default)."""
    return PRODUCT.runtime.payments


def unique(prefix):
    return f"{prefix}{next(_serial)}"


def bearer(user):
    return {"Authorization": f"Bearer {issue_token(user)}"}


class Factory:
    """Rows made through the real model code, each in its own committed unit of work."""

    def user(self, *, email=None, password=PASSWORD, full_name="Jane Doe", phone="9876543210", admin=False):
        with database.unit_of_work() as uow:
            user = users.register(uow.session, email=email or f"{unique('user')}@example.com", password=password,
                                  full_name=full_name, phone=phone, is_admin=admin)
            uow.commit()
        return user

    def admin(self):
        return self.user(admin=True, full_name="Ada Admin")

    def headers(self, user=None, **kwargs):
        return bearer(user or self.user(**kwargs))

    def address(self, user, **fields):
        data = {"full_address": "123 Street", "city": "Mumbai", "state": "MH", "pincode": "400001",
                "country": "India", **fields}
        with database.unit_of_work() as uow:
            address = addresses.create_address(uow.session, user_id=user.id, data=data)
            uow.commit()
        return address

    def product(self, **fields):
        data = {"name": unique("Ionizer "), "description": "An alkaline water ionizer.", "price": 8999,
                "discount_percentage": 10, "category": "alkaline", "stock_quantity": 12,
                "images": ["https://cdn.example.com/x.png"], "specifications": {"plates": 7}, **fields}
        with database.unit_of_work() as uow:
            product = catalog.create_product(uow.session, data=data)
            uow.commit()
        return product

    def cart_item(self, user, product, quantity=1):
        with database.unit_of_work() as uow:
            line = cart.add_item(uow.session, user_id=user.id, product_id=product.id, quantity=quantity)
            uow.commit()
        return line

    def order(self, user, lines=None, *, address=None, paid=False):
        """A placed order (stock taken, cart emptied); ``paid`` confirms it with a valid signature."""
        lines = lines or [(self.product(), 1)]
        for product, quantity in lines:
            self.cart_item(user, product, quantity)
        address = address or self.address(user)
        gateway = PRODUCT.runtime.payments
        with database.unit_of_work() as uow:
            placed = checkout.place_order(uow.session, user_id=user.id, shipping_address_id=address.id,
                                          payments=gateway)
            uow.commit()
        order = placed.order
        if paid:
            payment_id, signature = gateway.sign_payment(order.razorpay_order_id)
            with database.unit_of_work() as uow:
                checkout.confirm_payment(uow.session, user_id=user.id, order_id=order.id,
                                         razorpay_order_id=order.razorpay_order_id, razorpay_payment_id=payment_id,
                                         razorpay_signature=signature, payments=gateway)
                uow.commit()
        return self.reload_order(order)

    def set_status(self, order, *statuses):
        for status in statuses:
            with database.unit_of_work() as uow:
                orders.change_status(uow.session, order_id=order.id, status=status)
                uow.commit()
        return self.reload_order(order)

    def reload_order(self, order):
        with database.unit_of_work() as uow:
            order = orders.get_order(uow.session, order_id=order.id, full=True)
            uow.commit()  # keeps the loaded attributes (a rollback would expire them)
        return order

    def coupon(self, code=None, *, discount_type="percentage", discount_value=10, **fields):
        with database.unit_of_work() as uow:
            coupon = coupons.create_coupon(uow.session, code=code or unique("SAVE"), discount_type=discount_type,
                                           discount_value=discount_value, **fields)
            uow.commit()
        return coupon

    def reload_coupon(self, coupon):
        with database.unit_of_work() as uow:
            coupon = coupons.find(uow.session, coupon.code)
            uow.commit()
        return coupon

    def reload_product(self, product):
        with database.unit_of_work() as uow:
            product = catalog.get_product(uow.session, product_id=product.id, active_only=False)
            uow.commit()
        return product


@pytest.fixture
def make(ionora):
    return Factory()


def webhook_body(event="payment.captured", order_id="order_ABC123", payment_id="pay_123", amount=967494):
    return json.dumps({"event": event, "payload": {"payment": {"entity": {
        "id": payment_id, "order_id": order_id, "amount": amount}}}}, separators=(",", ":")).encode()


def money(value):
    return f"{Decimal(value):.2f}"
