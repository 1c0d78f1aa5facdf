"""Listings: public browsing, sellers' own lists, and changes by the seller or an administrator."""
from handlers.invare.catalog_out import listing_out
from models.invare import database, listing_service
from models.invare.callers import Caller
from models.invare.paging import DEFAULT_LIMIT

FILTERS = ("materialId", "companyId", "userId", "categoryId", "isBiddable", "condition", "materialColor", "status",
           "onlyActive")


def create_listing(body, token_info):
    with database.unit_of_work() as uow:
        answer = listing_out(listing_service.create_listing(uow.session, caller=Caller.of(token_info), data=body))
        uow.commit()
    return answer, 201


def list_listings(page=1, limit=DEFAULT_LIMIT, lang=None, token_info=None, **filters):
    filters = {k: v for k, v in filters.items() if k in FILTERS}
    with database.reading() as session:
        found = listing_service.list_listings(session, page=page, limit=limit, filters=filters,
                                              caller=Caller.optional(token_info))
        return [listing_out(item, lang) for item in found], 200


def my_listings(token_info, page=1, limit=DEFAULT_LIMIT, status=None, lang=None):
    return _mine(token_info, "me", page, limit, status, lang)


def my_user_listings(token_info, page=1, limit=DEFAULT_LIMIT, status=None, lang=None):
    return _mine(token_info, "user", page, limit, status, lang)


def my_company_listings(token_info, page=1, limit=DEFAULT_LIMIT, status=None, lang=None):
    return _mine(token_info, "company", page, limit, status, lang)


def get_listing(id, lang=None, token_info=None):
    with database.reading() as session:
        listing = listing_service.get_visible_listing(session, id, Caller.optional(token_info))
        return listing_out(listing, lang), 200


def update_listing(id, body, token_info):
    with database.unit_of_work() as uow:
        listing = listing_service.update_listing(uow.session, caller=Caller.of(token_info), listing_id=id, changes=body)
        answer = listing_out(listing)
        uow.commit()
    return answer, 200


def delete_listing(id, token_info):
    with database.unit_of_work() as uow:
        listing_service.delete_listing(uow.session, caller=Caller.of(token_info), listing_id=id)
        uow.commit()
    return {"success": True, "messageKey": "messages.listing_deleted"}, 200


def _mine(token_info, scope, page, limit, status, lang):
    with database.reading() as session:
        found = listing_service.my_listings(session, caller=Caller.of(token_info), page=page, limit=limit,
                                            status=status, scope=scope)
        return [listing_out(item, lang) for item in found], 200
