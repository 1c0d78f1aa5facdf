"""Advertisements: public reads, administrators' writes."""
from handlers.invare.catalog_out import ad_out
from models.invare import advertisements, database
from models.invare.paging import DEFAULT_LIMIT


def create_ad(body):
    with database.unit_of_work() as uow:
        answer = ad_out(advertisements.create_ad(uow.session, body))
        uow.commit()
    return answer, 201


def list_ads(activeOnly=False, page=1, limit=DEFAULT_LIMIT):
    with database.reading() as session:
        return [ad_out(a) for a in advertisements.list_ads(session, page=page, limit=limit, active_only=activeOnly)], 200


def get_ad(id):
    with database.reading() as session:
        return ad_out(advertisements.get_ad(session, id)), 200


def update_ad(id, body):
    with database.unit_of_work() as uow:
        answer = ad_out(advertisements.update_ad(uow.session, id, body))
        uow.commit()
    return answer, 200


def toggle_ad(id):
    with database.unit_of_work() as uow:
        answer = ad_out(advertisements.toggle_ad(uow.session, id))
        uow.commit()
    return answer, 200


def delete_ad(id):
    with database.unit_of_work() as uow:
        advertisements.delete_ad(uow.session, id)
        uow.commit()
    return {"success": True, "messageKey": "messages.advertisement_deleted"}, 200
