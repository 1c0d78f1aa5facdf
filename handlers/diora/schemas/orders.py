"""Order shapes (``openapi/diora/order.yaml``): ``Order``, ``OrderItem``, ``ShopOrder``."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper


def money(value):
    return float(value) if value is not None else None


class OrderItemOut(Schema):
    _id = fields.String(attribute="id")
    productId = fields.String(attribute="product_id", allow_none=True)
    shopId = fields.String(attribute="shop_id")
    name = fields.String()
    image = fields.String()
    price = fields.Function(lambda i: money(i.price))
    quantity = fields.Integer()
    size = fields.String()
    variant = fields.String()


class OrderOut(Schema):
    _id = fields.String(attribute="id")
    orderNumber = fields.String(attribute="order_number")
    userId = fields.String(attribute="user_id")
    subtotal = fields.Function(lambda o: money(o.subtotal))
    shippingFee = fields.Function(lambda o: money(o.shipping_fee))
    total = fields.Function(lambda o: money(o.total))
    status = fields.String()
    orderStatus = fields.Function(lambda o: o.status)
    paymentMethod = fields.String(attribute="payment_method")
    paymentStatus = fields.String(attribute="payment_status")
    refundStatus = fields.String(attribute="refund_status", allow_none=True)
    shippingAddress = fields.Dict(attribute="shipping_address")
    notes = fields.String()
    trackingNumber = fields.String(attribute="tracking_number", allow_none=True)
    estimatedDelivery = IsoZ(attribute="estimated_delivery")
    paidAt = IsoZ(attribute="paid_at")
    cancelledAt = IsoZ(attribute="cancelled_at")
    cancelReason = fields.String(attribute="cancel_reason", allow_none=True)
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


_order = dumper(OrderOut())
order_item = dumper(OrderItemOut())


def order_out(order, items=None):
    return {**_order(order), "items": [order_item(i) for i in (order.items if items is None else items)]}


def customer(user):
    return {"_id": user.id, "fullName": user.full_name, "email": user.email, "avatar": user.avatar}


def shop_order(order, shop_id, buyer):
    """An order as one of its shops sees it: only that shop's lines, and the buyer."""
    return {**order_out(order, [i for i in order.items if i.shop_id == shop_id]), "customer": customer(buyer)}
