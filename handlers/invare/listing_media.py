"""A listing's photos and attributes: public reads, changes by its seller or an administrator."""
from handlers.invare.catalog_out import attribute_out, photo_out
from models.invare import database, listing_media
from models.invare.callers import Caller


def add_photo(body, token_info):
    with database.unit_of_work() as uow:
        answer = photo_out(listing_media.add_photo(uow.session, caller=Caller.of(token_info), data=body))
        uow.commit()
    return answer, 201


def list_photos(listingId, token_info):
    with database.reading() as session:
        return photo_out.many(listing_media.photos_of(session, listingId, Caller.of(token_info))), 200


def make_primary(id, token_info):
    with database.unit_of_work() as uow:
        answer = photo_out(listing_media.make_primary(uow.session, caller=Caller.of(token_info), photo_id=id))
        uow.commit()
    return answer, 200


def delete_photo(id, token_info):
    with database.unit_of_work() as uow:
        listing_media.delete_photo(uow.session, caller=Caller.of(token_info), photo_id=id)
        uow.commit()
    return {"success": True, "messageKey": "messages.photo_deleted"}, 200


def add_attribute(body, token_info):
    with database.unit_of_work() as uow:
        answer = attribute_out(listing_media.add_attribute(uow.session, caller=Caller.of(token_info), data=body))
        uow.commit()
    return answer, 201


def list_attributes(listingId, token_info):
    with database.reading() as session:
        return attribute_out.many(listing_media.attributes_of(session, listingId, Caller.of(token_info))), 200


def delete_attribute(id, token_info):
    with database.unit_of_work() as uow:
        listing_media.delete_attribute(uow.session, caller=Caller.of(token_info), attribute_id=id)
        uow.commit()
    return {"success": True, "messageKey": "messages.attribute_deleted"}, 200
