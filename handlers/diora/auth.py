"""Sign-up and sign-in."""
from handlers.diora.schemas import ok
from handlers.diora.schemas.users import self_user
from models.diora import database, users
from models.errors import InvalidInput
from models.passwords import hash_password
from server.products.diora import issue_token


def signup(body):
    password_hash = hash_password(body["password"])  # before the write transaction
    with database.unit_of_work() as uow:
        user = users.create_account(uow.session, email=body["email"], username=body["username"],
                                    full_name=body["fullName"], password_hash=password_hash)
        shown = self_user(users.profile(uow.session, user))
        uow.commit()
    return ok(user=shown, token=issue_token(user.id)), 201


def login(body):
    identifier = body.get("username") or body.get("email")
    if not identifier:
        raise InvalidInput("username (or email) is required", field="username")
    with database.reading() as session:
        account = users.find_by_login(session, identifier)
    users.check_password(account, body["password"])  # bcrypt, outside any transaction
    with database.unit_of_work() as uow:
        user = users.record_login(uow.session, user_id=account.id, password_hash=account.password_hash)
        shown = self_user(users.profile(uow.session, user, with_likes=True))
        uow.commit()
    return ok("Login successful", user=shown, token=issue_token(user.id)), 200
