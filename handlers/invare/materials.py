"""Materials (public reads, administrators' writes) and favorite materials."""
from handlers.invare.catalog_out import favorite_out, material_out
from models.invare import database, materials
from models.invare.callers import Caller
from models.invare.paging import DEFAULT_LIMIT


def create_material(body):
    with database.unit_of_work() as uow:
        answer = material_out(materials.create_material(uow.session, body))
        uow.commit()
    return answer, 201


def list_materials(page=1, limit=DEFAULT_LIMIT, categoryId=None, lang=None):
    with database.reading() as session:
        found = materials.list_materials(session, page=page, limit=limit, category_id=categoryId)
        return [material_out(m, lang) for m in found], 200


def get_material(id, lang=None):
    with database.reading() as session:
        return material_out(materials.get_material(session, id), lang), 200


def update_material(id, body):
    with database.unit_of_work() as uow:
        answer = material_out(materials.update_material(uow.session, id, body))
        uow.commit()
    return answer, 200


def delete_material(id):
    with database.unit_of_work() as uow:
        materials.delete_material(uow.session, id)
        uow.commit()
    return {"success": True, "messageKey": "messages.material_deleted"}, 200


def my_favorites(token_info, lang=None):
    with database.reading() as session:
        return [material_out(m, lang) for m in materials.favorites_of(session, Caller.of(token_info).id)], 200


def user_favorites(userId, lang=None):
    with database.reading() as session:
        return [material_out(m, lang) for m in materials.favorites_of(session, userId)], 200


def add_user_favorites(userId, body):
    with database.unit_of_work() as uow:
        found = materials.add_favorites(uow.session, user_id=userId, material_ids=body["materialIds"])
        answer = [material_out(m) for m in found]
        uow.commit()
    return answer, 201


def add_favorite(id, token_info):
    return _favorite(id, Caller.of(token_info).id)


def add_favorite_for(id, body):
    return _favorite(id, body["userId"])


def remove_favorite(id, token_info, body=None):
    with database.unit_of_work() as uow:
        materials.unfavorite(uow.session, caller=Caller.of(token_info), path_id=id,
                             material_id=(body or {}).get("materialId"))
        uow.commit()
    return {"success": True, "messageKey": "messages.favorite_removed"}, 200


def _favorite(material_id, user_id):
    with database.unit_of_work() as uow:
        answer = favorite_out(materials.favorite(uow.session, user_id=user_id, material_id=material_id))
        uow.commit()
    return answer, 201
