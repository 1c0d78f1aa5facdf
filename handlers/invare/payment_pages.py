"""The offline payment fakes' checkout pages, for people rather than programs (outside the spec, like
the other products' fake checkouts): with ``THAWANI_MODE=fake`` / ``EDFAPAY_MODE=fake`` (the default
outside production) a checkout's ``redirectUrl`` is ``/payments/fake/thawani/{sessionId}`` or
``/payments/fake/edfapay/{transaction}`` on this API.

``GET`` shows what is being paid and two buttons; ``POST outcome=paid|failed`` pays or fails it as the
customer would, hands the notification the provider would send to this API's own webhook handling (which
still asks the fake provider what happened, as it asks the real one), and sends the browser where the
provider would: the checkout's success / cancel URL (Thawani) or ``termUrl3ds`` (EdfaPay)."""
import html

import flask

from integrations.payment_provider import PaymentNotFound
from models.errors import DomainError

PAGE = "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
HTML = {"Content-Type": "text/html; charset=utf-8", "X-Content-Type-Options": "nosniff"}


def page(title, body, status=200):
    return PAGE.format(title=html.escape(title), body=body), status, HTML


def _checkout(gateway, reference, deliver):
    if flask.request.method == "GET":
        try:
            return gateway.page(reference, action_url=flask.request.path), 200, HTML
        except PaymentNotFound:
            return page("Unknown checkout", "<p>There is no such test checkout.</p>", 404)
    try:
        done = gateway.complete(reference, outcome=flask.request.form.get("outcome") or "paid")
        deliver(done.webhook.data)
    except PaymentNotFound:
        return page("Unknown checkout", "<p>There is no such test checkout.</p>", 404)
    except DomainError as exc:
        return page("Payment not recorded", f"<p>{html.escape(exc.message)}</p>", 400)
    if done.return_url:
        return flask.redirect(done.return_url, 303)
    return page("Payment " + done.outcome, "<p>You can go back to Invare now.</p>")


def mount(app, runtime):
    """Register the pages of the fakes that are in use on the Flask app."""
    from handlers.invare import payments

    flask_app = app.app
    if runtime.thawani.config.mode == "fake":
        @flask_app.route("/payments/fake/thawani/<session_id>", methods=["GET", "POST"])
        def thawani_fake_checkout(session_id):
            return _checkout(runtime.thawani, session_id, payments.process_thawani)

    if runtime.edfapay.config.mode == "fake":
        @flask_app.route("/payments/fake/edfapay/<transaction_ref>", methods=["GET", "POST"])
        def edfapay_fake_checkout(transaction_ref):
            return _checkout(runtime.edfapay, transaction_ref, payments.process_edfapay)
