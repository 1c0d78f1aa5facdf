"""Material categories with their materials: public reads, administrators' writes."""
from handlers.invare.catalog_out import category_out
from models.invare import database, materials


def create_category(body):
    with database.unit_of_work() as uow:
        answer = category_out(materials.create_category(uow.session, body))
        uow.commit()
    return answer, 201


def list_categories(lang=None):
    with database.reading() as session:
        return [category_out(c, lang) for c in materials.list_categories(session)], 200


def get_category(id, lang=None):
    with database.reading() as session:
        return category_out(materials.get_category(session, id), lang), 200


def update_category(id, body):
    with database.unit_of_work() as uow:
        answer = category_out(materials.update_category(uow.session, id, body))
        uow.commit()
    return answer, 200


def delete_category(id):
    with database.unit_of_work() as uow:
        materials.delete_category(uow.session, id)
        uow.commit()
    return {"success": True, "messageKey": "messages.material_category_deleted"}, 200
