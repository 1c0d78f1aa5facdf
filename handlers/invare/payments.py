"""Payments: records, reads, administrators' status changes and deletes, Thawani and EdfaPay hosted
checkouts and their webhooks (``models.invare.payments`` decides; the providers are
``PRODUCT.runtime.thawani`` / ``PRODUCT.runtime.edfapay``, see ``integrations/thawani.py`` and
``integrations/edfapay.py``).

A checkout is three steps, so that no database transaction waits on a provider: the payment is chosen
(or made) and committed, the provider is asked for a checkout, and its reference is stored. When the
provider fails, the payment stays ``pending`` without a reference and the next checkout reuses it.
"""
import logging

import flask

from handlers.invare.payments_out import payment_out
from integrations import thawani
from models.errors import InvalidInput
from models.invare import database, payments
from models.invare.callers import Caller
from models.invare.users import User
from server.products.invare import PRODUCT, public_url

log = logging.getLogger("handlers.invare.payments")
TEXT = {"Content-Type": "text/plain"}
THAWANI_OUTCOMES = {"paid": "paid", "cancelled": "failed"}
EDFAPAY_OUTCOMES = {"success": "paid", "failed": "failed"}


def _write(work):
    with database.unit_of_work() as uow:
        answer = work(uow.session)
        uow.commit()
    return answer


def create_payment(body, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: payment_out(payments.create(s, caller, body))), 201


def get_payment(id, token_info):
    with database.reading() as session:
        return payment_out(payments.view(session, Caller.of(token_info), id)), 200


def order_payments(orderId, token_info):
    with database.reading() as session:
        return payment_out.many(payments.for_order(session, Caller.of(token_info), orderId)), 200


def change_status(id, status, token_info):
    caller = Caller.of(token_info)
    return _write(lambda s: payment_out(payments.change_status(s, caller, id, status))), 200


def delete_payment(id, token_info):
    caller = Caller.of(token_info)
    _write(lambda s: payments.delete(s, caller, id))
    return {"success": True, "messageKey": "messages.payment_deleted"}, 200


# -- hosted checkouts -------------------------------------------------------------------------------------

def _absolute(url):
    """The fakes' pages live on this API: a bare path gets the API's address."""
    return public_url(url) if url.startswith("/") else url


def _begin(caller, order_id, provider, currency, rate=1, payer_email=None):
    """Step one: the payment (committed), as plain values, and the caller's account for the payer.
    ``amount`` is what the provider is asked for: the order total in ``currency`` at ``rate``."""
    def work(session):
        payment, order = payments.start_checkout(session, caller, order_id, provider=provider, currency=currency,
                                                 rate=rate, payer_email=payer_email)
        user = session.get(User, caller.id)
        return {"payment_id": str(payment.id), "order_id": str(order.id), "amount": payment.charged_amount,
                "first_name": user.first_name if user else None, "last_name": user.last_name if user else None}
    return _write(work)


def _stored(payment_id, reference):
    _write(lambda s: payments.checkout_started(s, payment_id, reference))


def thawani_checkout(orderId, body, token_info):
    caller = Caller.of(token_info)
    started = _begin(caller, orderId, "thawani", thawani.CURRENCY, rate=PRODUCT.runtime.thawani.config.omr_per_sar)
    session = PRODUCT.runtime.thawani.create_session(
        reference=started["payment_id"], amount=started["amount"], description=f"Invare order {started['order_id']}",
        success_url=body["successUrl"], cancel_url=body["cancelUrl"], customer_email=caller.email or None,
        metadata={"orderId": started["order_id"], "paymentId": started["payment_id"]})
    _stored(started["payment_id"], session.session_id)
    return {"paymentId": started["payment_id"], "sessionId": session.session_id,
            "redirectUrl": _absolute(session.redirect_url)}, 201


def _payer(given, started, caller):
    """The payer EdfaPay is sent: what the client gave, the account's names and e-mail where it gave none,
    and the caller's address when it sent no ``ip``."""
    payer = {key: value for key, value in (given or {}).items() if value not in (None, "")}
    payer.setdefault("email", caller.email)
    if started["first_name"]:
        payer.setdefault("firstName", started["first_name"])
    if started["last_name"]:
        payer.setdefault("lastName", started["last_name"])
    if flask.request.remote_addr:
        payer.setdefault("ip", flask.request.remote_addr)
    return payer


def edfapay_checkout(orderId, body, token_info):
    caller = Caller.of(token_info)
    gateway = PRODUCT.runtime.edfapay
    body = body or {}
    currency = (body.get("currency") or gateway.config.currency).upper()
    if currency != payments.ORDER_CURRENCY:  # no rate to charge a SAR total in another currency
        raise InvalidInput(f"EdfaPay checkouts are charged in {payments.ORDER_CURRENCY}, the currency orders "
                           "are priced in", field="currency")
    email = ((body.get("payer") or {}).get("email") or caller.email or "").strip()
    started = _begin(caller, orderId, "edfapay", currency, payer_email=email or None)
    checkout = gateway.create_checkout(
        reference=started["payment_id"], amount=started["amount"], currency=currency,
        description=body.get("description") or "Order Payment", payer=_payer(body.get("payer"), started, caller),
        success_url=body["termUrl3ds"], notification_url=public_url("/payments/edfapay/webhook"))
    _stored(started["payment_id"], checkout.transaction_ref)
    return {"paymentId": started["payment_id"], "redirectUrl": _absolute(checkout.redirect_url)}, 201


# -- webhooks ---------------------------------------------------------------------------------------------

def process_thawani(payload):
    """A Thawani webhook (the parsed JSON, or raw bytes): the session it names is retrieved from Thawani,
    and what Thawani says is applied to the payment the session belongs to. Returns the outcome."""
    session_id = thawani.parse_webhook(payload)
    state = PRODUCT.runtime.thawani.retrieve_session(session_id)
    outcome = THAWANI_OUTCOMES.get(state.payment_status, "pending")
    with database.unit_of_work() as uow:
        payment = payments.provider_payment(uow.session, state.reference)
        result = payments.apply_outcome(uow.session, payment.id, outcome=outcome, amount=state.amount,
                                        reason="Cancelled on Thawani" if outcome == "failed" else None)
        uow.commit()
    log.info("thawani webhook for session %s (payment %s): %s", session_id, state.reference, result)
    return result


def process_edfapay(form):
    """An EdfaPay callback (form fields): its ``hash`` must check out with the payer e-mail the payment was
    started with; then EdfaPay's transaction-status call decides. Returns the outcome."""
    gateway = PRODUCT.runtime.edfapay
    fields = {str(k): v for k, v in dict(form or {}).items()}
    with database.reading() as session:
        payment = payments.provider_payment(session, fields.get("order_id"))
        (amount, currency), payment_id, email = payments.charged(payment), payment.id, payment.payer_email
    callback = gateway.verify_callback(fields, payer_email=email or "")
    if callback.action and callback.action.upper() != "SALE":
        log.info("edfapay %s callback for payment %s ignored", callback.action, payment_id)
        return "ignored"
    if callback.amount is not None and callback.amount != amount:
        raise InvalidInput("The payment amount does not match", field="amount")
    status = gateway.transaction_status(order_id=str(payment_id), trans_id=callback.trans_id)
    if status.currency and currency and status.currency.upper() != currency.upper():
        raise InvalidInput("The payment currency does not match", field="currency")
    outcome = EDFAPAY_OUTCOMES.get(status.status, "pending")
    with database.unit_of_work() as uow:
        result = payments.apply_outcome(uow.session, payment_id, outcome=outcome, amount=status.amount,
                                        reason=callback.decline_reason or "Declined on EdfaPay",
                                        transaction_id=callback.trans_id)
        uow.commit()
    log.info("edfapay callback for payment %s (transaction %s): %s", payment_id, callback.trans_id, result)
    return result


def thawani_webhook(body=None):
    payload = body if isinstance(body, dict) else flask.request.get_data(cache=True)
    return {"received": True, "outcome": process_thawani(payload)}, 200


def edfapay_webhook(body=None, **fields):
    form = flask.request.form.to_dict() or (body if isinstance(body, dict) else fields)
    process_edfapay(form)
    return "OK", 200, TEXT
