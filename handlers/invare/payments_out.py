"""Payment shapes: ``Payment`` (with its order reference) and the hosted checkouts' answers."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ, dumper
from handlers.invare.fields import Money, Uuid
from models.invare import payments


class PaymentOut(Schema):
    id = Uuid()
    orderId = Uuid(attribute="order_id")
    order = fields.Function(lambda payment: {"id": str(payment.order_id)} if payment.order_id else None)
    amount = Money()
    currency = fields.String()
    chargedAmount = fields.Function(lambda payment: None if payment.charged_amount is None else str(
        payments.charge(payment.charged_amount, payment.charged_currency, 1)))
    chargedCurrency = fields.String(attribute="charged_currency", allow_none=True)
    method = fields.String()
    status = fields.String()
    transactionId = fields.String(attribute="transaction_id", allow_none=True)
    providerReference = fields.String(attribute="provider_ref", allow_none=True)
    failureReason = fields.String(attribute="failure_reason", allow_none=True)
    createdByUserId = Uuid(attribute="created_by_user_id")
    paidAt = IsoZ(attribute="paid_at", allow_none=True)
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


payment_out = dumper(PaymentOut())
