"""Onboarding, the shop's set-up and the request to become a shop."""
from handlers.diora.files import discard, store_documents
from handlers.diora.publishing import dump_notifications, publish_notifications
from handlers.diora.schemas import ok
from handlers.diora.schemas.users import shop_info
from models.diora import database, promotions, users


def complete_onboarding(body, user):
    with database.unit_of_work() as uow:
        account = users.complete_onboarding(uow.session, user_id=user, onboarding=body.get("onboarding"),
                                            interests=body.get("interests"), location=body.get("location"))
        shown = {"_id": account.id, "onboarding": account.onboarding}
        uow.commit()
    return ok("Onboarding completed successfully", user=shown), 200


def complete_shop_onboarding(body, user):
    with database.unit_of_work() as uow:
        account = users.complete_shop_onboarding(uow.session, user_id=user, onboarding=body.get("onboarding"),
                                                 shop=body.get("shop"), avatar=body.get("avatar"),
                                                 business_details=body.get("businessDetails"))
        shown = {"_id": account.id, "onboarding": account.onboarding, "shop": shop_info(account),
                 "avatar": account.avatar}
        uow.commit()
    return ok("Shop onboarding completed successfully", user=shown), 200


def update_shop_details(body, user):
    with database.unit_of_work() as uow:
        account = users.update_shop_details(uow.session, user_id=user, shop=body.get("shop"),
                                            business_name=body.get("businessName"),
                                            business_description=body.get("businessDescription"))
        shown = {"_id": account.id, "shop": shop_info(account), "fullName": account.full_name, "bio": account.bio}
        uow.commit()
    return ok("Shop details updated successfully", user=shown), 200


def request_promotion(body, user, proofDocuments=None):
    documents = store_documents(proofDocuments, field="proofDocuments")  # judged and stored before the transaction
    try:
        with database.unit_of_work() as uow:
            request, notes = promotions.submit(uow.session, user_id=user, fields=body, documents=documents)
            events = dump_notifications(notes)
            uow.commit()
    except BaseException:
        discard(documents)
        raise
    publish_notifications(events)
    return ok("Promotion request submitted successfully", requestId=request.id), 201
