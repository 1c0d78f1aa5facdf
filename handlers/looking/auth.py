"""Login, sessions and password reset."""
from handlers.fields import iso_z
from handlers.looking.schemas import login_user_out
from models.errors import Unauthorized
from models.looking import database, password_reset, users
from server.products.looking import PRODUCT, TOKEN_TTL_LABEL, issue_token


def _claims(user):
    claims = {"uid": user.id, "username": user.username, "can": list(user.can), "ver": user.token_version or 0}
    if user.force_reset:
        claims["forceReset"] = True
    return claims


ANONYMOUS = {"uid": None, "username": "anonymous", "can": [], "anonymous": True}


def login(body):
    with database.reading() as session:  # no write: bcrypt runs outside any write lock
        user = users.authenticate(session, username=body["username"], password=body["password"])
        return {"status": 200, "authorized": True, "token": issue_token(_claims(user)),
                "user": login_user_out.dump(user)}, 200


def logout():
    return {"message": "Logged out successfully"}, 200


def get_session(token_info):
    if "exp" not in (token_info or {}):
        raise Unauthorized("Token expired or invalid", code="SESSION_INVALID")
    return {"valid": True, "decoded": token_info}, 200


def create_anonymous_session():
    return {"status": 200, "authorized": False, "token": issue_token(ANONYMOUS)}, 200


def refresh_session(token_info):
    if token_info.get("anonymous") or token_info.get("uid") is None:
        return {"token": issue_token(ANONYMOUS), "expiresIn": TOKEN_TTL_LABEL}, 200
    with database.reading() as session:
        user = users.token_holder(session, token_info["uid"])
        return {"token": issue_token(_claims(user)), "expiresIn": TOKEN_TTL_LABEL}, 200


def request_password_reset(body):
    runtime = PRODUCT.runtime
    base = runtime.settings.public_url or f"http://localhost:{PRODUCT.port}"
    outgoing = []  # mailed after the commit: SMTP never holds the write lock
    with database.unit_of_work() as uow:
        masked = password_reset.request_reset(
            uow.session, username=body["username"], send_mail=lambda **mail: outgoing.append(mail),
            link_for=lambda user_id, token: f"{base}/auth/reset/{user_id}/{token}",
        )
        uow.commit()
    for mail in outgoing:
        runtime.mailer.send(**mail)
    return {"message": "Password reset email sent", "email": masked}, 200


def check_password_reset(id, token):
    with database.reading() as session:
        reset = password_reset.check_token(session, user_id=id, token=token)
        return {"valid": True, "userId": reset.user_id, "expires": iso_z(reset.expires_at)}, 200


def reset_password(id, token, body):
    with database.unit_of_work() as uow:
        password_reset.reset_password(uow.session, user_id=id, token=token, password=body["password"],
                                      confirm_password=body["confirmPassword"])
        uow.commit()
    return {"message": "Password updated successfully", "success": True}, 200
