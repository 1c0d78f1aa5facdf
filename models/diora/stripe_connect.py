"""A shop's Stripe Connect Express account: created once, on its first onboarding link, and asked
about for its onboarding status. Stripe is called outside any transaction (``gateway`` is
``PRODUCT.runtime.stripe``); the account id is recorded only if the shop still has none, so two
concurrent first calls keep one account."""
from sqlalchemy import select, update

from models.diora.tables.users import User
from models.diora.users import get_user


def account_link(database, gateway, *, user_id, refresh_url, return_url):
    """``(url, account id)``: an onboarding link for the shop's account, created first when needed."""
    with database.reading() as session:
        shop = get_user(session, user_id)
        account_id, email = shop.stripe_account_id, shop.email
    if account_id is None:
        created = gateway.create_express_account(email=email, metadata={"userId": user_id})
        with database.unit_of_work() as uow:
            uow.session.execute(update(User).where(User.id == user_id, User.stripe_account_id.is_(None))
                                .values(stripe_account_id=created).execution_options(synchronize_session=False))
            account_id = uow.session.scalar(select(User.stripe_account_id).where(User.id == user_id))
            uow.commit()
    return gateway.create_account_link(account_id=account_id, refresh_url=refresh_url, return_url=return_url), \
        account_id


def onboarding_status(database, gateway, *, user_id):
    """The reference's fields and the original's ``onboarded`` (charges enabled)."""
    with database.reading() as session:
        account_id = get_user(session, user_id).stripe_account_id
    if account_id is None:
        return {"onboarded": False, "onboardingComplete": False, "accountId": None, "chargesEnabled": False,
                "payoutsEnabled": False, "detailsSubmitted": False, "requirementsDue": []}
    account = gateway.retrieve_account(account_id)
    return {"onboarded": account["charges_enabled"],
            "onboardingComplete": account["details_submitted"] and account["charges_enabled"],
            "accountId": account_id, "chargesEnabled": account["charges_enabled"],
            "payoutsEnabled": account["payouts_enabled"], "detailsSubmitted": account["details_submitted"],
            "requirementsDue": account["requirements_due"]}
