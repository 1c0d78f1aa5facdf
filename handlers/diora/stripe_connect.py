"""A shop's Stripe Connect Express onboarding (``/stripe``)."""
from handlers.diora.schemas import ok
from models.diora import database, stripe_connect
from server.products.diora import PRODUCT, public_url

RETURN_PATH = "/api/stripe/onboarding/return"
REFRESH_PATH = "/api/stripe/onboarding/refresh"


def create_account_link(user):
    url, account_id = stripe_connect.account_link(database, PRODUCT.runtime.stripe, user_id=user,
                                                  refresh_url=public_url(REFRESH_PATH),
                                                  return_url=public_url(RETURN_PATH))
    return ok(url=url, accountId=account_id), 200


def check_onboarding_status(user):
    return ok(**stripe_connect.onboarding_status(database, PRODUCT.runtime.stripe, user_id=user)), 200
