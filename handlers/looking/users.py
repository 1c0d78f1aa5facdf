"""Staff accounts."""
from handlers.looking.schemas import user_out, user_summary_out, users_out
from models.looking import database, users


def list_users():
    with database.reading() as session:
        return users_out.dump(users.list_users(session)), 200


def get_user(id):
    with database.reading() as session:
        return user_out.dump(users.get_user(session, id)), 200


def create_user(body):
    with database.unit_of_work() as uow:
        user = users.create_user(
            uow.session, username=body["username"], password=body["password"],
            confirm_password=body.get("confirmPassword"), name=body.get("name"),
            email=body.get("email", ""), can=body.get("can", []),
        )
        uow.commit()
        return {"message": "User created successfully", "user": user_summary_out.dump(user)}, 201


def update_user(id, body, token_info):
    with database.reading() as session:
        prepared = users.prepare_password(session, user_id=id, actor_id=token_info.get("uid"), changes=body)
    with database.unit_of_work() as uow:
        user = users.update_user(uow.session, user_id=id, actor_id=token_info.get("uid"),
                                 actor_can=token_info.get("can") or [], changes=body, prepared=prepared)
        uow.commit()
        return {"message": "User updated successfully", "user": user_out.dump(user)}, 200


def delete_user(id, token_info):
    with database.unit_of_work() as uow:
        users.delete_user(uow.session, user_id=id, actor_id=token_info.get("uid"))
        uow.commit()
    return {"message": "User deleted successfully"}, 200
