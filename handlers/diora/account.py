"""The signed-in account's own settings, profile fields, password and email."""
from handlers.diora.files import store_image
from handlers.diora.schemas import ok
from handlers.diora.schemas.users import self_user
from models.diora import database, users
from models.errors import Forbidden, RuleViolation
from models.passwords import hash_password, verify_password
from server.products.diora import issue_token


def get_settings(userId, user, token_info):
    if userId != user and token_info.get("type") != "admin":
        raise Forbidden("You can only view your own settings")
    with database.reading() as session:
        return ok(settings=users.settings_of(users.get_user(session, userId))), 200


def update_settings(body, user):
    with database.unit_of_work() as uow:
        account = users.update_settings(uow.session, user_id=user, changes=body)
        settings = users.settings_of(account)
        uow.commit()
    return ok("Settings updated successfully", settings=settings), 200


def update_profile(user, body=None, avatar=None):
    stored = store_image(avatar, field="avatar", required=False)  # before the write transaction
    with database.unit_of_work() as uow:
        account = users.update_profile(uow.session, user_id=user, changes=body or {}, avatar=stored)
        shown = self_user(users.profile(uow.session, account, with_likes=True))
        uow.commit()
    return ok("Profile updated successfully", user=shown), 200


def update_security(body, user):
    current = body.get("currentPassword", body.get("oldPassword"))
    with database.reading() as session:
        account = users.get_user(session, user)
    if not verify_password(current, account.password_hash):  # bcrypt, outside any transaction
        raise RuleViolation("Current password is incorrect", field="currentPassword")
    new_hash = hash_password(body["newPassword"])
    with database.unit_of_work() as uow:
        account = users.change_password(uow.session, user_id=user, checked_hash=account.password_hash,
                                        new_hash=new_hash)
        shown = self_user(users.profile(uow.session, account, with_likes=True))
        uow.commit()
    return ok("Password updated successfully", user=shown, token=issue_token(user)), 200


def update_email(body, user):
    checked_hash = None
    if "password" in body:
        with database.reading() as session:
            account = users.get_user(session, user)
        if not verify_password(body["password"], account.password_hash):  # bcrypt, outside any transaction
            raise RuleViolation("Password is incorrect", field="password")
        checked_hash = account.password_hash
    with database.unit_of_work() as uow:
        account = users.change_email(uow.session, user_id=user, email=body.get("newEmail") or body["email"],
                                     checked_hash=checked_hash)
        shown = self_user(users.profile(uow.session, account, with_likes=True))
        uow.commit()
    return ok("Email updated successfully", user=shown), 200
