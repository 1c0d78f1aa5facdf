"""Order shapes: ``Order`` (with its sides, items and escrow) and the escrow summary."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Money, Uuid


class CompanyRefOut(Schema):
    id = Uuid()
    companyName = fields.String(attribute="company_name")


class UserBriefOut(Schema):
    id = Uuid()
    email = fields.String()
    firstName = fields.String(attribute="first_name", allow_none=True)
    lastName = fields.String(attribute="last_name", allow_none=True)


class ListingRefOut(Schema):
    id = Uuid()
    title = fields.String()


class OrderItemOut(Schema):
    id = Uuid()
    listingId = Uuid(attribute="listing_id")
    listing = fields.Nested(ListingRefOut, allow_none=True)
    quantity = fields.Integer()
    unitPrice = Money(attribute="unit_price")


class EscrowOut(Schema):
    id = Uuid()
    status = fields.String()
    amount = Money()
    buyerFee = Money(attribute="buyer_fee")
    expiresAt = IsoZ(attribute="expires_at")


class OrderOut(Schema):
    id = Uuid()
    status = fields.String()
    orderStatus = fields.Function(lambda order: order.status)
    buyerCompanyId = Uuid(attribute="buyer_company_id")
    buyerCompany = fields.Nested(CompanyRefOut, attribute="buyer_company", allow_none=True)
    buyerUserId = Uuid(attribute="buyer_user_id")
    buyerUser = fields.Nested(UserBriefOut, attribute="buyer_user", allow_none=True)
    sellerCompanyId = Uuid(attribute="seller_company_id")
    sellerCompany = fields.Nested(CompanyRefOut, attribute="seller_company", allow_none=True)
    sellerUserId = Uuid(attribute="seller_user_id")
    sellerUser = fields.Nested(UserBriefOut, attribute="seller_user", allow_none=True)
    createdByUserId = Uuid(attribute="created_by_user_id")
    paymentMethod = fields.String(attribute="payment_method", allow_none=True)
    total = Money()
    escrowHours = fields.Integer(attribute="escrow_hours", allow_none=True)
    escrowId = fields.Function(lambda order: str(order.escrow.id) if order.escrow else None)
    escrow = fields.Nested(EscrowOut, allow_none=True)
    cancelReason = fields.String(attribute="cancel_reason", allow_none=True)
    paidAt = IsoZ(attribute="paid_at", allow_none=True)
    items = fields.List(fields.Nested(OrderItemOut))
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


order_out = dumper(OrderOut())
