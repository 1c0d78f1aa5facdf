"""User journeys through the generated Python clients, against a real server.

For each product: regenerate ``<product>_client`` from the spec (contracts.sdk; any generator warning
fails), start ``python -m server serve`` on a fresh database (a SQLite file, or a new PostgreSQL database
with TEST_DATABASE=postgresql) with an administrator made by ``create-admin`` (contracts.journey), and
walk the journey with the client's functions only. Statuses come from ``*.sync_detailed``; bodies from
the parsed models, so a spec change that breaks generation, renames an operation or a field, or no longer
describes what the server answers, fails here. The server validates its own responses too.
"""
import hashlib
import hmac
import re
import secrets
from http import HTTPStatus
from uuid import UUID

import httpx

from contracts.journey import live_server
from contracts.sdk import generate

TIMEOUT = httpx.Timeout(15.0)


def clients(package, base_url):
    """An anonymous client and a factory for bearer clients; undocumented statuses raise."""

    def bearer(token):
        return package.AuthenticatedClient(base_url=base_url, token=token, timeout=TIMEOUT,
                                           raise_on_unexpected_status=True)

    return package.Client(base_url=base_url, timeout=TIMEOUT, raise_on_unexpected_status=True), bearer


def ok(response, status=HTTPStatus.OK):
    """The parsed body of a response that must have ``status``."""
    assert response.status_code == status, f"expected {status}, got {response.status_code}: {response.content[:500]!r}"
    return response.parsed


class TestLookingJourney:
    """Admin login → public story submission → review queue → approval → public list and search."""

    def test_submit_review_approve_find(self, databases):
        generate("looking")
        import looking_client
        from looking_client.api.auth import auth_login
        from looking_client.api.profiles import (
            profiles_approve_profile,
            profiles_find_profiles_by_limit_to_max,
            profiles_find_profiles_by_limit_to_pos,
            profiles_list_approved_profiles,
            profiles_list_submitted_profiles,
            profiles_list_verified_profiles,
            profiles_submit_story,
        )
        from looking_client.models import (
            Error,
            LoginRequest,
            ProfileDetailsInput,
            StorySubmission,
            ThreadMessageInput,
        )

        with live_server("looking", database_url=databases.url_for("looking_journey")) as server:
            anonymous, bearer = clients(looking_client, server.base_url)

            # Staff login (the administrator holds every permission).
            login = ok(auth_login.sync_detailed(client=anonymous, body=LoginRequest(
                username=server.admin.username, password=server.admin.password)))
            assert (login.status, login.authorized) == (200, True)
            assert login.user.username == "journey-admin"
            assert {p.value for p in login.user.can} >= {"view", "manage", "super"}
            staff = bearer(login.token)

            # Fresh database, no demo data: nothing is public yet.
            assert ok(profiles_list_approved_profiles.sync_detailed(client=anonymous)) == []

            # A visitor submits a story without any token.
            submitted = ok(profiles_submit_story.sync_detailed(client=anonymous, body=StorySubmission(
                details=ProfileDetailsInput(name="Journey Sam", age=30, location="Portland, OR",
                                            about="Met on the ferry.", position=["Top"], looking=["Dates"],
                                            tribes=["Geek"], ethnos=["Latino"]),
                messages=[ThreadMessageInput(text="Tell us your story", is_user=False),
                          ThreadMessageInput(text="It started on a ferry.", is_user=True)])))
            assert submitted.message == "Story submitted successfully. It will be reviewed before publishing."
            assert (submitted.profile.submitted, submitted.profile.approved) == (True, False)
            story_id = submitted.profile.field_id
            assert re.fullmatch(r"[0-9a-f]{24}", story_id)

            # Not public until approved, under either public list.
            assert ok(profiles_list_approved_profiles.sync_detailed(client=anonymous)) == []
            assert ok(profiles_list_verified_profiles.sync_detailed(client=anonymous)) == []

            # The review queue needs a token, and shows the whole submission to staff.
            refused = ok(profiles_list_submitted_profiles.sync_detailed(client=anonymous), HTTPStatus.UNAUTHORIZED)
            assert isinstance(refused, Error)
            assert (refused.message, refused.err) == ("No authorization token provided", None)
            [queued] = ok(profiles_list_submitted_profiles.sync_detailed(client=staff))
            assert (queued.field_id, queued.submitted, queued.approved) == (story_id, True, False)
            details = queued.details
            assert (details.name, details.age, details.location, details.about) == (
                "Journey Sam", 30, "Portland, OR", "Met on the ferry.")
            assert (details.position, details.looking, details.tribes, details.ethnos) == (
                ["Top"], ["Dates"], ["Geek"], ["Latino"])
            assert [(m.text, m.is_user) for m in queued.messages] == [
                ("Tell us your story", False), ("It started on a ferry.", True)]

            # Search only ever finds approved profiles.
            assert ok(profiles_find_profiles_by_limit_to_pos.sync_detailed(
                "10", "0", "25", "35", "Top|Versatile", client=staff)) == []

            # Approval publishes it and empties the queue.
            approved = ok(profiles_approve_profile.sync_detailed(story_id, client=staff))
            assert approved.message == "Profile approved"
            assert (approved.profile.field_id, approved.profile.submitted, approved.profile.approved) == (
                story_id, True, True)
            [public] = ok(profiles_list_approved_profiles.sync_detailed(client=anonymous))
            assert (public.field_id, public.details.name, public.approved) == (story_id, "Journey Sam", True)
            assert [p.field_id for p in ok(profiles_list_verified_profiles.sync_detailed(client=anonymous))] == [
                story_id]
            assert ok(profiles_list_submitted_profiles.sync_detailed(client=staff)) == []

            # /profiles/find/10/0/25/35/Top|Versatile: age 30 and position Top match.
            [found] = ok(profiles_find_profiles_by_limit_to_pos.sync_detailed(
                "10", "0", "25", "35", "Top|Versatile", client=staff))
            assert (found.field_id, found.details.name, found.details.position) == (story_id, "Journey Sam", ["Top"])
            # `null` segments are no filter.
            assert [p.field_id for p in ok(profiles_find_profiles_by_limit_to_pos.sync_detailed(
                "null", "null", "null", "null", "null", client=staff))] == [story_id]
            # A position it does not have, or an age range it is outside of, finds nothing.
            assert ok(profiles_find_profiles_by_limit_to_pos.sync_detailed(
                "10", "0", "25", "35", "Bottom|Versatile", client=staff)) == []
            assert ok(profiles_find_profiles_by_limit_to_max.sync_detailed(
                "10", "0", "31", "40", client=staff)) == []
            # Search needs the `view` permission: an anonymous caller is refused.
            refused = ok(profiles_find_profiles_by_limit_to_pos.sync_detailed(
                "10", "0", "25", "35", "Top", client=anonymous), HTTPStatus.UNAUTHORIZED)
            assert refused.message == "No authorization token provided"


# Ionora's Razorpay keys for the server under test; the fake provider signs and verifies with these.
RAZORPAY_KEY_ID = "rzp_test_journey"
RAZORPAY_KEY_SECRET = "journey-key-secret-" + secrets.token_hex(8)


def razorpay_signature(order_id, payment_id, key_secret=RAZORPAY_KEY_SECRET):
    """What Razorpay Checkout hands the browser: hex HMAC-SHA256 of ``order_id|payment_id``."""
    return hmac.new(key_secret.encode(), f"{order_id}|{payment_id}".encode(), hashlib.sha256).hexdigest()


class TestIonoraJourney:
    """Register → address → browse → cart → validate → create order → pay → the order, confirmed and paid."""

    def test_register_to_paid_order(self, databases):
        generate("ionora")
        import ionora_client
        from ionora_client.api.admin import admin_create_product
        from ionora_client.api.auth import auth_login, auth_register
        from ionora_client.api.cart import cart_add_cart_item, cart_get_cart
        from ionora_client.api.checkout import (
            checkout_confirm_payment,
            checkout_create_order,
            checkout_validate_cart,
        )
        from ionora_client.api.orders import orders_get_order, orders_list_orders
        from ionora_client.api.products import (
            products_get_product,
            products_list_products,
        )
        from ionora_client.api.user import users_create_address, users_list_addresses
        from ionora_client.models import (
            AddressCreate,
            AddressType,
            CartAddRequest,
            CreateOrderRequest,
            CreateOrderRequestPaymentMethod,
            LoginRequest,
            OrderStatus,
            PaymentConfirmation,
            PaymentConfirmedMessage,
            PaymentStatus,
            ProductCreate,
            ProductsListProductsSort,
            RegisterRequest,
        )

        razorpay = {"RAZORPAY_MODE": "fake", "RAZORPAY_KEY_ID": RAZORPAY_KEY_ID,
                    "RAZORPAY_KEY_SECRET": RAZORPAY_KEY_SECRET, "RAZORPAY_WEBHOOK_SECRET": "journey-webhook-secret"}
        with live_server("ionora", database_url=databases.url_for("ionora_journey"), extra_env=razorpay) as server:
            anonymous, bearer = clients(ionora_client, server.base_url)

            # Set-up through the API: the administrator stocks the (empty) catalog.
            admin_login = ok(auth_login.sync_detailed(client=anonymous, body=LoginRequest(
                email=server.admin.email, password=server.admin.password)))
            admin = bearer(admin_login.token)
            ionizer = ok(admin_create_product.sync_detailed(client=admin, body=ProductCreate(
                name="Journey Ionizer", price=10000, discount_percentage=10, category="journey-alkaline",
                stock_quantity=5, description="Nine plates.")), HTTPStatus.CREATED).product
            assert (ionizer.price, ionizer.discount_percentage, ionizer.final_price) == ("10000.00", "10.00", "9000.00")
            cartridge = ok(admin_create_product.sync_detailed(client=admin, body=ProductCreate(
                name="Journey Cartridge", price=1500, category="journey-filters", stock_quantity=50)),
                HTTPStatus.CREATED).product

            # Register (the email is trimmed and lower-cased).
            registered = ok(auth_register.sync_detailed(client=anonymous, body=RegisterRequest(
                email="Journey.Buyer@Example.com", password="journey-pass-1", full_name="Journey Buyer",
                phone="9876543210")), HTTPStatus.CREATED)
            assert (registered.user.email, registered.user.full_name, registered.user.phone) == (
                "journey.buyer@example.com", "Journey Buyer", "9876543210")
            buyer = bearer(registered.token)

            # An address: shipping by default, and the default one.
            address = ok(users_create_address.sync_detailed(client=buyer, body=AddressCreate(
                full_address="221B Marine Drive", city="Mumbai", state="MH", pincode="400001", country="India",
                is_default=True)), HTTPStatus.CREATED).address
            assert (address.address_type, address.is_default, address.city) == (AddressType.SHIPPING, True, "Mumbai")
            assert [a.id for a in ok(users_list_addresses.sync_detailed(client=buyer)).addresses] == [address.id]

            # Browse: the whole catalog, then filtered by category and by price after discount.
            page = ok(products_list_products.sync_detailed(client=anonymous, sort=ProductsListProductsSort.PRICE_ASC))
            assert [p.id for p in page.products] == [cartridge.id, ionizer.id]
            assert (page.pagination.page, page.pagination.total, page.pagination.total_pages) == (1, 2, 1)
            [alkaline] = ok(products_list_products.sync_detailed(client=anonymous, category="journey-alkaline")).products
            assert (alkaline.id, alkaline.name, alkaline.stock_quantity) == (ionizer.id, "Journey Ionizer", 5)
            cheap = ok(products_list_products.sync_detailed(client=anonymous, max_price=2000)).products
            assert [p.id for p in cheap] == [cartridge.id]
            assert ok(products_list_products.sync_detailed(client=anonymous, category="journey-alkaline",
                                                           max_price=2000)).products == []

            # Two ionizers in the cart: 18000 + 18 % tax, free shipping from 5000.
            cart = ok(cart_add_cart_item.sync_detailed(client=buyer, body=CartAddRequest(
                product_id=ionizer.id, quantity=2)))
            [line] = cart.items
            assert (line.product.id, line.quantity, line.product.final_price, line.item_total) == (
                ionizer.id, 2, 9000, 18000)
            totals = (18000, 3240, 0, 21240)
            assert (cart.summary.subtotal, cart.summary.tax, cart.summary.shipping, cart.summary.total) == totals

            checked = ok(checkout_validate_cart.sync_detailed(client=buyer))
            assert (checked.valid, checked.issues) == (True, [])
            assert [(i.product_id, i.quantity, i.item_total) for i in checked.items] == [(ionizer.id, 2, 18000)]
            assert (checked.summary.subtotal, checked.summary.tax, checked.summary.shipping,
                    checked.summary.total) == totals

            # Place the order: pending, stock held, cart emptied, a Razorpay order for the total in paise.
            created = ok(checkout_create_order.sync_detailed(client=buyer, body=CreateOrderRequest(
                shipping_address_id=address.id, payment_method=CreateOrderRequestPaymentMethod.RAZORPAY)),
                HTTPStatus.CREATED)
            order_id, order_number = created.order.id, created.order.order_number
            assert isinstance(order_id, UUID)
            assert re.fullmatch(r"ION-\d{4}-\d{4}", order_number)
            assert (created.amount, created.currency.value, created.key_id) == (2124000, "INR", RAZORPAY_KEY_ID)
            assert re.fullmatch(r"order_[A-Za-z0-9]{14}", created.razorpay_order_id)
            assert (created.order.totals.subtotal, created.order.totals.total) == (18000, 21240)
            assert ok(cart_get_cart.sync_detailed(client=buyer)).items == []
            assert ok(products_get_product.sync_detailed(ionizer.id, client=anonymous)).product.stock_quantity == 3
            [pending] = ok(orders_list_orders.sync_detailed(client=buyer)).orders
            assert (pending.id, pending.status, pending.payment_status) == (
                order_id, OrderStatus.PENDING, PaymentStatus.PENDING)

            # Pay: Razorpay Checkout's payment id and signature, as the browser would post them.
            payment_id = "pay_" + secrets.token_hex(7)
            paid = ok(checkout_confirm_payment.sync_detailed(client=buyer, body=PaymentConfirmation(
                order_id=order_id, razorpay_order_id=created.razorpay_order_id, razorpay_payment_id=payment_id,
                razorpay_signature=razorpay_signature(created.razorpay_order_id, payment_id))))
            assert paid.message == PaymentConfirmedMessage.PAYMENT_PROCESSED_SUCCESSFULLY
            assert (paid.order.id, paid.order.order_number, paid.order.status, paid.order.payment_status,
                    paid.order.total_amount) == (order_id, order_number, OrderStatus.CONFIRMED, PaymentStatus.PAID,
                                                 "21240.00")
            assert [(i.product_id, i.quantity, i.subtotal) for i in paid.order.items] == [
                (ionizer.id, 2, "18000.00")]

            # The order list and the order itself: confirmed and paid.
            orders = ok(orders_list_orders.sync_detailed(client=buyer))
            [listed] = orders.orders
            assert (listed.id, listed.order_number, listed.status, listed.payment_status, listed.total_amount,
                    listed.items_count) == (order_id, order_number, OrderStatus.CONFIRMED, PaymentStatus.PAID,
                                            "21240.00", "1")
            assert orders.pagination.total == 1
            assert [o.id for o in ok(orders_list_orders.sync_detailed(
                client=buyer, status=OrderStatus.CONFIRMED)).orders] == [order_id]
            assert ok(orders_list_orders.sync_detailed(client=buyer, status=OrderStatus.PENDING)).orders == []

            detail = ok(orders_get_order.sync_detailed(order_id, client=buyer)).order
            assert (detail.status, detail.payment_status, detail.payment_method, detail.shipping_method) == (
                OrderStatus.CONFIRMED, PaymentStatus.PAID, "razorpay", "standard")
            assert (detail.subtotal, detail.tax_amount, detail.shipping_charge, detail.discount_amount,
                    detail.total_amount) == ("18000.00", "3240.00", "0.00", "0.00", "21240.00")
            assert detail.razorpay_order_id == created.razorpay_order_id
            assert detail.confirmed_at is not None and detail.shipped_at is None
            assert (detail.shipping_address.id, detail.shipping_address.full_address) == (
                address.id, "221B Marine Drive")
            [item] = detail.items
            assert (item.product_id, item.name, item.quantity, item.final_price, item.subtotal) == (
                ionizer.id, "Journey Ionizer", 2, "9000.00", "18000.00")

            # Razorpay retries the callback: the same confirmation is answered, not applied twice.
            again = ok(checkout_confirm_payment.sync_detailed(client=buyer, body=PaymentConfirmation(
                order_id=order_id, razorpay_order_id=created.razorpay_order_id, razorpay_payment_id=payment_id,
                razorpay_signature=razorpay_signature(created.razorpay_order_id, payment_id))))
            assert (again.message, again.order.status, again.order.payment_status) == (
                PaymentConfirmedMessage.ORDER_ALREADY_PROCESSED, OrderStatus.CONFIRMED, PaymentStatus.PAID)

            # The signature really is checked with the configured secret: one made with the development
            # default secret fails the payment and releases the stock (1500 + 270 tax + 250 shipping).
            ok(cart_add_cart_item.sync_detailed(client=buyer, body=CartAddRequest(product_id=cartridge.id)))
            second = ok(checkout_create_order.sync_detailed(client=buyer, body=CreateOrderRequest(
                shipping_address_id=address.id)), HTTPStatus.CREATED)
            assert (second.amount, second.order.totals.shipping, second.order.totals.total) == (202000, 250, 2020)
            assert ok(products_get_product.sync_detailed(cartridge.id, client=anonymous)).product.stock_quantity == 49
            forged = ok(checkout_confirm_payment.sync_detailed(client=buyer, body=PaymentConfirmation(
                order_id=second.order.id, razorpay_order_id=second.razorpay_order_id, razorpay_payment_id=payment_id,
                razorpay_signature=razorpay_signature(second.razorpay_order_id, payment_id,
                                                      key_secret="ionora-fake-key-secret"))),
                HTTPStatus.BAD_REQUEST)
            assert forged.message == "Invalid payment signature."
            assert ok(products_get_product.sync_detailed(cartridge.id, client=anonymous)).product.stock_quantity == 50
            failed = ok(orders_get_order.sync_detailed(second.order.id, client=buyer)).order
            assert (failed.status, failed.payment_status, failed.total_amount) == (
                OrderStatus.PENDING, PaymentStatus.FAILED, "2020.00")
            assert [o.id for o in ok(orders_list_orders.sync_detailed(
                client=buyer, status=OrderStatus.CONFIRMED)).orders] == [order_id]


# A licence as the promotion's proof document (accepted by its content as a PDF).
PROOF_PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
DIORA_ADDRESS = {"name": "Jane Doe", "address": "123 Main St", "city": "New York", "postalCode": "10001",
                 "phone": "+15550100", "email": "jane@example.com"}


def small_png():
    """A real 8×8 PNG made with Pillow (the server decodes and re-encodes it)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 40, 90)).save(out, format="PNG")
    return out.getvalue()


class TestDioraJourney:
    """Sign up → promotion to a shop → admin approval → shop set-up and Stripe Connect link → product →
    another user's cart → order → Stripe Checkout (the fake's page) → paid → shipped → delivered →
    review → the shop's analytics."""

    def test_promotion_to_delivered_order_and_review(self, databases):
        generate("diora")
        import diora_client
        from diora_client.api.admin import promotion_review_decide, promotion_review_list_requests
        from diora_client.api.auth import auth_login, auth_signup
        from diora_client.api.cart import cart_add_to_cart, cart_get_cart
        from diora_client.api.orders import (
            order_create_order,
            order_get_order,
            order_shop_orders,
            order_update_status,
            payment_flow_create_stripe_session,
        )
        from diora_client.api.payments import (
            stripe_connect_check_onboarding_status,
            stripe_connect_create_account_link,
        )
        from diora_client.api.product import product_create_product, product_get_product
        from diora_client.api.shop import shop_create_shop, shop_get_analytics
        from diora_client.api.user import onboarding_request_promotion, user_get_me
        from diora_client.models import (
            CartAdd,
            OrderPaymentMethod,
            OrderPaymentStatus,
            OrderRequest,
            OrderRequestPaymentMethod,
            OrderStatus,
            OrderStatusRequest,
            OrderStatusRequestStatus,
            ProductForm,
            PromotionDecision,
            PromotionDecisionAction,
            PromotionRequestForm,
            ReviewCreate,
            ReviewCreateTargetType,
            ReviewSaved,
            ShopCreate,
            SignupRequest,
            StripeSessionRequest,
        )
        from diora_client.types import File

        with live_server("diora", database_url=databases.url_for("diora_journey")) as server:
            anonymous, bearer = clients(diora_client, server.base_url)

            def sign_up(username, full_name):
                signed = ok(auth_signup.sync_detailed(client=anonymous, body=SignupRequest(
                    email=f"{username}@example.com", username=username, full_name=full_name,
                    password="journey-pass-1")), HTTPStatus.CREATED)
                assert (signed.status, signed.user.username, signed.user.type_.value) == (True, username, "user")
                return signed.user, bearer(signed.token)

            founder_user, founder = sign_up("velvet.lane", "Vera Lane")
            buyer_user, buyer = sign_up("jane.doe", "Jane Doe")

            # The administrator made by create-admin signs in with its username.
            admin_login = ok(auth_login.sync_detailed(client=anonymous, body={
                "username": server.admin.username, "password": server.admin.password}))
            assert admin_login.user.type_.value == "admin"
            admin = bearer(admin_login.token)

            # A regular user asks to become a shop, with a proof document (multipart).
            asked = ok(onboarding_request_promotion.sync_detailed(client=founder, body=PromotionRequestForm(
                business_name="Velvet Lane", business_description="Evening wear", business_type="retail",
                proof_documents=[File(payload=PROOF_PDF, file_name="licence.pdf", mime_type="application/pdf")])),
                HTTPStatus.CREATED)
            assert re.fullmatch(r"[0-9a-f]{24}", asked.request_id)

            # The administrator's queue holds it; approving makes the requester a shop.
            queue = ok(promotion_review_list_requests.sync_detailed(client=admin))
            assert [(r.field_id, r.status.value) for r in queue.requests] == [(asked.request_id, "pending")]
            decided = ok(promotion_review_decide.sync_detailed(asked.request_id, client=admin, body=PromotionDecision(
                action=PromotionDecisionAction.APPROVE, comments="Welcome")))
            assert (decided.request.field_id, decided.request.status.value) == (asked.request_id, "approved")
            me = ok(user_get_me.sync_detailed(client=founder)).user
            assert (me.field_id, me.type_.value, me.full_name) == (founder_user.field_id, "shop", "Velvet Lane")
            assert ok(promotion_review_list_requests.sync_detailed(client=admin)).requests == []

            # The new shop sets up its shop and gets a Stripe Connect onboarding link (the fake Stripe).
            shop = ok(shop_create_shop.sync_detailed(client=founder, body=ShopCreate(
                name="Velvet Lane", description="Evening wear for every night")), HTTPStatus.CREATED).shop
            assert (shop.field_id, shop.name, shop.type_.value) == (founder_user.field_id, "Velvet Lane", "shop")
            link = ok(stripe_connect_create_account_link.sync_detailed(client=founder))
            # The fake's pages are addressed from DIORA_PUBLIC_URL, else from the host and port the request
            # came in on: the link opens on this very server.
            assert re.fullmatch(re.escape(server.base_url) + r"/stripe/fake-onboarding/link_\w+", link.url)
            assert link.account_id.startswith("acct_")
            onboarding = ok(stripe_connect_check_onboarding_status.sync_detailed(client=founder))
            assert (onboarding.account_id, onboarding.onboarded) == (link.account_id, False)

            # A product with a real PNG image (multipart).
            dress = ok(product_create_product.sync_detailed(client=founder, body=ProductForm(
                name="Silk Dress", description="Floor length", price=120.0, discount=25.0, stock=2,
                category='["dresses"]', sizes='["S","M"]',
                image=[File(payload=small_png(), file_name="dress.png", mime_type="image/png")])),
                HTTPStatus.CREATED).product
            assert (dress.shop_id, dress.name, dress.price, dress.discount, dress.final_price, dress.stock) == (
                founder_user.field_id, "Silk Dress", 120.0, 25.0, 90.0, 2)
            assert (dress.category, dress.sizes, len(dress.image_url)) == (["dresses"], ["S", "M"], 1)

            # Another user fills the cart and orders by card: 90 + 10 shipping (free only above 100).
            cart = ok(cart_add_to_cart.sync_detailed(client=buyer, body=CartAdd(
                product_id=dress.field_id, quantity=1, size="S")))
            assert [(i.product_id.field_id, i.quantity, i.size) for i in cart.cart.products] == [
                (dress.field_id, 1, "S")]
            assert (cart.cart.total_items, cart.cart.subtotal) == (1, 90.0)
            placed = ok(order_create_order.sync_detailed(client=buyer, body=OrderRequest(
                shipping_address=DIORA_ADDRESS, payment_method=OrderRequestPaymentMethod.CARD)), HTTPStatus.CREATED)
            order = placed.order
            assert re.fullmatch(r"ORD\d{10}", order.order_number)
            assert (order.user_id, order.subtotal, order.shipping_fee, order.total) == (
                buyer_user.field_id, 90.0, 10.0, 100.0)
            assert (order.status, order.payment_method, order.payment_status) == (
                OrderStatus.PROCESSING, OrderPaymentMethod.CARD, OrderPaymentStatus.PENDING)
            [line] = order.items
            assert (line.product_id, line.shop_id, line.price, line.quantity, line.size) == (
                dress.field_id, founder_user.field_id, 90.0, 1, "S")
            assert ok(cart_get_cart.sync_detailed(client=buyer)).cart.products == []
            assert ok(product_get_product.sync_detailed(dress.field_id, client=buyer)).product.stock == 1

            # Stripe Checkout: the fake's session URL is a page of the app; paying there is a person's POST
            # on an HTML page (not an API operation), so plain httpx does it. Its signed
            # checkout.session.completed event reaches the webhook handling in-process.
            session = ok(payment_flow_create_stripe_session.sync_detailed(client=buyer, body=StripeSessionRequest(
                order_id=order.field_id)))
            assert session.session_id.startswith("cs_test_")
            assert session.session_url == session.url
            checkout_path = f"/api/stripe/fake-checkout/{session.session_id}"
            assert session.url == server.base_url.removesuffix("/api") + checkout_path
            paid = httpx.post(session.url, timeout=TIMEOUT)
            assert paid.status_code == HTTPStatus.SEE_OTHER, paid.text[:500]

            confirmed = ok(order_get_order.sync_detailed(order.field_id, client=buyer)).order
            assert (confirmed.status, confirmed.order_status, confirmed.payment_status) == (
                OrderStatus.CONFIRMED, OrderStatus.CONFIRMED, OrderPaymentStatus.PAID)
            assert confirmed.paid_at is not None

            # The shop sees it, ships and delivers it.
            [shop_order] = ok(order_shop_orders.sync_detailed(client=founder)).orders
            assert shop_order.field_id == order.field_id
            shipped = ok(order_update_status.sync_detailed(order.field_id, client=founder, body=OrderStatusRequest(
                status=OrderStatusRequestStatus.SHIPPED, tracking_number="TRK123"))).order
            assert (shipped.status, shipped.tracking_number) == (OrderStatus.SHIPPED, "TRK123")
            delivered = ok(order_update_status.sync_detailed(order.field_id, client=founder, body=OrderStatusRequest(
                status=OrderStatusRequestStatus.DELIVERED))).order
            assert (delivered.status, delivered.payment_status) == (OrderStatus.DELIVERED, OrderPaymentStatus.PAID)
            mine = ok(order_get_order.sync_detailed(order.field_id, client=buyer)).order
            assert (mine.status, mine.payment_status, mine.tracking_number) == (
                OrderStatus.DELIVERED, OrderPaymentStatus.PAID, "TRK123")

            # The buyer reviews the product: a verified purchase. POST /review accepts multipart or JSON, and
            # openapi-python-client 0.x writes that operation's module without importing `Unset` (its body
            # is typed `ReviewForm | ReviewCreate | Unset`), so `diora_client.api.review.review_create_review`
            # cannot be imported. This step goes through the client's own httpx client with the generated
            # request and answer models instead.
            answer = buyer.get_httpx_client().post("/review", json=ReviewCreate(
                target_id=dress.field_id, target_type=ReviewCreateTargetType.PRODUCT, rating=5,
                comment="Perfect fit").to_dict())
            assert answer.status_code == HTTPStatus.CREATED, answer.text[:500]
            review = ReviewSaved.from_dict(answer.json()).review
            assert (review.target_id, review.target_type.value, review.rating, review.comment,
                    review.verified_purchase, review.user.field_id) == (
                dress.field_id, "product", 5, "Perfect fit", True, buyer_user.field_id)
            rated = ok(product_get_product.sync_detailed(dress.field_id, client=buyer)).product
            assert (rated.rating, rated.review_count) == (5.0, 1)

            # The shop's analytics show the sale.
            analytics = ok(shop_get_analytics.sync_detailed(client=founder)).analytics
            assert (analytics.summary.total_orders, analytics.summary.total_revenue,
                    analytics.summary.total_products) == (1, 90.0, 1)
            assert (analytics.total_sales, analytics.orders_count, analytics.units_sold) == (90.0, 1, 1)
            [top] = analytics.top_products
            assert (top.product_id, top.name, top.total_sold, top.revenue) == (dress.field_id, "Silk Dress", 1, 90.0)
            [recent] = analytics.recent_orders
            assert (recent.field_id, recent.status) == (order.field_id, "delivered")
