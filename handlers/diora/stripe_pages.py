"""Plain pages outside the spec, for people rather than programs: where Stripe sends a shop back after
its Connect onboarding, and in the development mode (``STRIPE_MODE=fake``) the fake Stripe's onboarding
and checkout pages (``integrations/stripe_fake.py``) so a purchase can be walked on one machine."""
import html

import flask

from integrations.stripe_fake import checkout_page
from integrations.stripe_payments import PaymentProviderError

PAGE = "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>"
HTML = {"Content-Type": "text/html; charset=utf-8", "X-Content-Type-Options": "nosniff"}


def page(title, body, status=200):
    return PAGE.format(title=html.escape(title), body=body), status, HTML


def mount(app, runtime):
    """Register the pages on the Flask app. The fake checkout's "Pay" hands its signed
    ``checkout.session.completed`` event to the webhook handling in-process, as Stripe would deliver it."""
    flask_app = app.app

    @flask_app.get("/api/stripe/onboarding/return")
    def stripe_onboarding_return():
        return page("Stripe setup finished", "<p>You can go back to the Diora app now.</p>")

    @flask_app.get("/api/stripe/onboarding/refresh")
    def stripe_onboarding_refresh():
        return page("Stripe setup link expired", "<p>Go back to the Diora app and start the setup again.</p>")

    if runtime.stripe.mode != "fake":
        return

    @flask_app.route("/api/stripe/fake-onboarding/<link_id>", methods=["GET", "POST"])
    def stripe_fake_onboarding(link_id):
        if flask.request.method == "GET":
            return page("Test Stripe onboarding (no real account)",
                        '<form method="post"><button type="submit">Finish onboarding</button></form>')
        try:
            target = runtime.stripe.finish_onboarding(link_id)
        except PaymentProviderError:
            return page("Unknown onboarding link", "", 404)
        return flask.redirect(target, 303)

    @flask_app.route("/api/stripe/fake-checkout/<session_id>", methods=["GET", "POST"])
    def stripe_fake_checkout(session_id):
        try:
            if flask.request.method == "GET":
                details = runtime.stripe.checkout_page_details(session_id)
                return checkout_page(details, pay_action=flask.request.path), 200, HTML
            raw_body, signature = runtime.stripe.complete(session_id)
        except PaymentProviderError as exc:
            return page("Checkout unavailable", f"<p>{html.escape(exc.detail)}</p>", 404)
        from handlers.diora.webhook import deliver

        deliver(raw_body, signature)
        return flask.redirect(runtime.stripe.success_redirect(session_id), 303)
