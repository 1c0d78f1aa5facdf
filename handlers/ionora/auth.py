"""Registration, login and passwords."""
from handlers.fields import iso_z
from handlers.ionora.schemas import user_out
from models.ionora import database, password_reset, users
from server.products.ionora import frontend_url, issue_token, send_mail

FORGOT_MESSAGE = "If that email exists, we have sent a reset link."


def register(body):
    with database.unit_of_work() as uow:
        user = users.register(uow.session, email=body["email"], password=body["password"],
                              full_name=body["full_name"], phone=body.get("phone"))
        uow.commit()
        result = {"user": user_out.dump(user), "token": issue_token(user)}
    send_mail(to=user.email, subject="Welcome to Ionora – Let’s Elevate Your Hydration",
              text=f"Hello {user.full_name},\n\nWelcome to Ionora. Verify your email address here:\n"
                   f"{frontend_url('/verify-email?email=' + user.email)}\n")
    return result, 201


def login(body):
    with database.reading() as session:
        account = users.find_by_email(session, body["email"])
    users.verify_login(account, body["password"])  # bcrypt, outside any transaction
    with database.unit_of_work() as uow:
        user, previous_login = users.record_login(uow.session, user_id=account.id, password_hash=account.password_hash)
        shown = user_out.dump(user)
        uow.commit()
    shown["last_login"] = iso_z(previous_login)  # the previous login, as the original answered
    return {"user": shown, "token": issue_token(user)}, 200


def forgot_password(body):
    with database.unit_of_work() as uow:
        issued = password_reset.request_reset(uow.session, email=body["email"])
        uow.commit()
    if issued is not None:
        user, token = issued
        link = frontend_url(f"/reset-password?token={token}&email={user.email}")
        send_mail(to=user.email, subject="Reset Your Password",
                  text=f"Hello {user.full_name},\n\nUse this link within one hour to choose a new password:\n"
                       f"{link}\n\nIf you did not ask for this, ignore this message.\n")
    return {"message": FORGOT_MESSAGE}, 200


def reset_password(body):
    with database.unit_of_work() as uow:
        password_reset.reset_password(uow.session, token=body["token"], new_password=body["new_password"])
        uow.commit()
    return {"message": "Password has been reset successfully."}, 200


def change_password(body, user):
    with database.reading() as session:
        account = users.get_user(session, user)
    new_hash = users.check_password_change(account, current_password=body["current_password"],
                                           new_password=body["new_password"])  # bcrypt, outside any transaction
    with database.unit_of_work() as uow:
        users.change_password(uow.session, user_id=user, checked_hash=account.password_hash, new_hash=new_hash)
        uow.commit()
    return {"message": "Password updated successfully."}, 200
