"""Accounts: administrators manage everyone; a user reads, changes and closes only their own."""
from handlers.invare.schemas import user_out
from models.invare import database, users
from models.invare.callers import Caller
from models.invare.paging import DEFAULT_LIMIT


def create_user(body):
    with database.unit_of_work() as uow:
        user = users.create_user(uow.session, data=body)
        answer = user_out(user)
        uow.commit()
    return answer, 201


def list_users(page=1, limit=DEFAULT_LIMIT, search=None):
    with database.reading() as session:
        return user_out.many(users.list_users(session, page=page, limit=limit, search=search)), 200


def get_user(id, token_info):
    with database.reading() as session:
        return user_out(users.view_user(session, caller=Caller.of(token_info), user_id=id)), 200


def update_user(id, body, token_info):
    with database.unit_of_work() as uow:
        user = users.update_user(uow.session, caller=Caller.of(token_info), user_id=id, changes=body)
        answer = user_out(user)
        uow.commit()
    return answer, 200


def delete_user(id, token_info):
    with database.unit_of_work() as uow:
        users.delete_user(uow.session, caller=Caller.of(token_info), user_id=id)
        uow.commit()
    return {"success": True, "messageKey": "messages.user_deleted"}, 200
