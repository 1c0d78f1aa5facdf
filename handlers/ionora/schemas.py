"""Response shapes, named after the spec's components. Money is a string ("8999.00") in products,
orders and admin responses, and a JSON number (8099.1) in the cart, favorites and checkout, as the
reference shows."""
from decimal import Decimal

from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper


def money_str(value):
    return None if value is None else f"{Decimal(value):.2f}"


def money_num(value):
    """A JSON number: whole amounts without a fraction (``0``, ``8999``), others as floats (``8099.1``)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


class MoneyStr(fields.Field):
    convert = staticmethod(money_str)

    def _serialize(self, value, attr, obj, **kwargs):
        return money_str(value)


class MoneyNum(fields.Field):
    convert = staticmethod(money_num)

    def _serialize(self, value, attr, obj, **kwargs):
        return money_num(value)


class UserOut(Schema):
    id = fields.String()
    email = fields.String()
    full_name = fields.String()
    phone = fields.String(allow_none=True)
    email_verified = fields.Boolean()
    created_at = IsoZ()
    updated_at = IsoZ()
    last_login = IsoZ()


class AddressOut(Schema):
    id = fields.String()
    address_type = fields.String()
    full_address = fields.String()
    city = fields.String()
    state = fields.String()
    pincode = fields.String()
    country = fields.String()
    is_default = fields.Boolean()
    created_at = IsoZ()


class ProductOut(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    price = MoneyStr()
    discount_percentage = MoneyStr()
    final_price = MoneyStr()
    category = fields.String(allow_none=True)
    stock_quantity = fields.Integer()
    images = fields.List(fields.String())
    specifications = fields.Dict()
    is_active = fields.Boolean()
    created_at = IsoZ()
    updated_at = IsoZ()


class AdminProductOut(ProductOut):
    """What administrators see: the product row, with the storefront's ``external_id``."""

    external_id = fields.String(allow_none=True)


class CartProductOut(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    final_price = MoneyNum()
    images = fields.List(fields.String())
    stock_quantity = fields.Integer()


class CartItemOut(Schema):
    id = fields.String()
    quantity = fields.Integer()
    added_at = IsoZ()
    product = fields.Nested(CartProductOut)
    item_total = fields.Function(lambda line: money_num(line.product.final_price * line.quantity))


class SummaryOut(Schema):
    subtotal = MoneyNum()
    tax = MoneyNum()
    shipping = MoneyNum()
    total = MoneyNum()


class CheckoutSummaryOut(SummaryOut):
    discount = MoneyNum()


class CouponOut(Schema):
    code = fields.String()
    discount_type = fields.String()
    discount_value = MoneyNum()
    min_order_value = MoneyNum()
    max_uses = fields.Integer(allow_none=True)
    remaining_uses = fields.Function(lambda c: None if c.max_uses is None else max(c.max_uses - c.usage_count, 0))
    valid_from = IsoZ()
    valid_until = IsoZ()


class CallbackRequestOut(Schema):
    id = fields.String()
    user_id = fields.String(allow_none=True)
    name = fields.String()
    phone = fields.String()
    state = fields.String()
    created_at = IsoZ()


class TrackingOut(Schema):
    status = fields.String()
    description = fields.String(allow_none=True)
    created_at = IsoZ()


class FavoriteProductOut(Schema):
    id = fields.String()
    name = fields.String()
    description = fields.String(allow_none=True)
    price = MoneyNum()
    discount_percentage = MoneyNum()
    final_price = MoneyNum()
    category = fields.String(allow_none=True)
    images = fields.List(fields.String())
    is_active = fields.Boolean()
    stock_quantity = fields.Integer()
    created_at = IsoZ()
    updated_at = IsoZ()


class FavoriteOut(Schema):
    id = fields.String()
    added_at = IsoZ()
    product = fields.Nested(FavoriteProductOut)


class CheckoutItemOut(Schema):
    id = fields.String()
    product_id = fields.String()
    quantity = fields.Integer()
    name = fields.String(attribute="product.name")
    description = fields.String(attribute="product.description", allow_none=True)
    price = MoneyNum(attribute="product.price")
    final_price = MoneyNum(attribute="product.final_price")
    discount_percentage = MoneyNum(attribute="product.discount_percentage")
    stock_quantity = fields.Integer(attribute="product.stock_quantity")
    images = fields.List(fields.String(), attribute="product.images")
    is_active = fields.Boolean(attribute="product.is_active")
    item_total = fields.Function(lambda line: money_num(line.product.final_price * line.quantity))


class OrderListItemOut(Schema):
    id = fields.String()
    order_number = fields.String()
    status = fields.String()
    payment_status = fields.String()
    total_amount = MoneyStr()
    created_at = IsoZ()
    updated_at = IsoZ()
    items_count = fields.Method("count_items")

    def count_items(self, order):
        return str(self.context_counts.get(order.id, 0))


class AdminOrderListItemOut(OrderListItemOut):
    confirmed_at = IsoZ()
    shipped_at = IsoZ()
    delivered_at = IsoZ()
    user_id = fields.String()
    user_email = fields.String(attribute="user.email")
    user_full_name = fields.String(attribute="user.full_name")


class OrderItemOut(Schema):
    id = fields.String()
    product_id = fields.String()
    quantity = fields.Integer()
    price_at_purchase = MoneyStr()
    subtotal = MoneyStr()
    created_at = IsoZ()
    name = fields.String(attribute="product.name")
    description = fields.String(attribute="product.description", allow_none=True)
    final_price = MoneyStr(attribute="product.final_price")
    images = fields.List(fields.String(), attribute="product.images")


class ShippingAddressOut(AddressOut):
    class Meta:
        exclude = ("created_at",)


class OrderRowOut(Schema):
    """The order's own columns (the admin status change answers with these)."""

    id = fields.String()
    user_id = fields.String()
    order_number = fields.String()
    status = fields.String()
    payment_status = fields.String()
    payment_method = fields.String()
    payment_id = fields.String(allow_none=True)
    shipping_method = fields.String()
    shipping_address_id = fields.String()
    subtotal = MoneyStr()
    tax_amount = MoneyStr()
    shipping_charge = MoneyStr()
    discount_amount = MoneyStr()
    total_amount = MoneyStr()
    razorpay_order_id = fields.String(allow_none=True)
    tracking_number = fields.String(allow_none=True)
    coupon_code = fields.String(allow_none=True)
    created_at = IsoZ()
    updated_at = IsoZ()
    confirmed_at = IsoZ()
    shipped_at = IsoZ()
    delivered_at = IsoZ()


class OrderDetailOut(OrderRowOut):
    class Meta:
        exclude = ("user_id", "payment_id", "shipping_address_id")

    shipping_address = fields.Nested(ShippingAddressOut)
    items = fields.List(fields.Nested(OrderItemOut))
    # The shipping address flattened into the order, as the original's detail query returned it.
    address_id = fields.String(attribute="shipping_address.id")
    address_type = fields.String(attribute="shipping_address.address_type")
    full_address = fields.String(attribute="shipping_address.full_address")
    city = fields.String(attribute="shipping_address.city")
    state = fields.String(attribute="shipping_address.state")
    pincode = fields.String(attribute="shipping_address.pincode")
    country = fields.String(attribute="shipping_address.country")
    is_default = fields.Boolean(attribute="shipping_address.is_default")


class PaidOrderItemOut(Schema):
    product_id = fields.String()
    quantity = fields.Integer()
    price_at_purchase = MoneyStr()
    subtotal = MoneyStr()
    name = fields.String(attribute="product.name")
    final_price = MoneyStr(attribute="product.final_price")


class PaidOrderOut(Schema):
    id = fields.String()
    order_number = fields.String()
    status = fields.String()
    payment_status = fields.String()
    total_amount = MoneyStr()
    items = fields.List(fields.Nested(PaidOrderItemOut))


def summary_out(summary):
    return SummaryOut().dump(summary)


def checkout_summary_out(summary):
    return CheckoutSummaryOut().dump(summary)


def pagination(page):
    return {"page": page.page, "limit": page.limit, "total": page.total, "totalPages": max(1, page.total_pages)}


def order_page_out(order_page, schema_cls):
    schema = schema_cls(many=True)
    schema.context_counts = order_page.item_counts
    return {"orders": schema.dump(order_page.page.items), "pagination": pagination(order_page.page)}


user_out = UserOut()
address_out = AddressOut()
addresses_out = AddressOut(many=True)
product_out = ProductOut()
admin_product_out = AdminProductOut()
coupon_out = CouponOut()
callback_request_out = CallbackRequestOut()
callback_requests_out = CallbackRequestOut(many=True)
tracking_out = TrackingOut(many=True)
products_out = ProductOut(many=True)
cart_items_out = CartItemOut(many=True)
# The hot reads (catalog and cart) dump plain rows with plans made once from the schemas above.
dump_product = dumper(ProductOut())
dump_cart_item = dumper(CartItemOut())
dump_summary = dumper(SummaryOut())
favorites_out = FavoriteOut(many=True)
checkout_items_out = CheckoutItemOut(many=True)
order_detail_out = OrderDetailOut()
order_row_out = OrderRowOut()
paid_order_out = PaidOrderOut()
