"""Looking's users: accounts, credentials and permissions."""
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from models.errors import Conflict, Forbidden, NotFound, RuleViolation, Unauthorized
from models.ids import is_object_id
from models.looking.entities import User
from models.passwords import hash_password, verify_against_nothing, verify_password

PASSWORD_MISMATCH = "There was an error saving the updated password."
ALL_PERMISSIONS = ["add", "edit", "delete", "manage", "super", "update", "view", "manageAppPreferences"]


def duplicate_key(field):
    return Conflict("There was a duplicate key error", code=11000, details={"keyPattern": {field: 1}})


def password_mismatch():
    return RuleViolation(PASSWORD_MISMATCH, field="confirmPassword", code="PASSWORD_MISMATCH")


def get_user(session, user_id, *, lock=False):
    if not is_object_id(user_id):
        raise NotFound("User not found", field="id")
    stmt = select(User).where(User.id == user_id)
    if lock:
        stmt = stmt.with_for_update()
    user = session.scalars(stmt).first()
    if user is None:
        raise NotFound("User not found")
    return user


def list_users(session):
    return list(session.scalars(select(User).order_by(User.username)))


def find_by_username(session, username):
    return session.scalars(select(User).where(User.username == username)).first()


def authenticate(session, *, username, password):
    user = find_by_username(session, username)
    if user is None:
        verify_against_nothing(password)
        raise Unauthorized("Invalid username or password", code="LOGIN_FAILED")
    if not verify_password(password, user.password_hash):
        raise Unauthorized("Invalid username or password", code="LOGIN_FAILED")
    return user


def create_user(session, *, username, password, confirm_password=None, name=None, email="", can=()):
    if confirm_password is not None and confirm_password != password:
        raise password_mismatch()
    password_hash = hash_password(password)  # before the first statement: bcrypt never holds the write lock
    if find_by_username(session, username) is not None:
        raise duplicate_key("username")
    name = name or {}
    user = User(
        username=username,
        password_hash=password_hash,
        first_name=name.get("first", ""),
        last_name=name.get("last", ""),
        email=email or "",
        can=_normalise_permissions(can),
        force_reset=False,
    )
    session.add(user)
    _flush_unique(session, "username")
    return user


def prepare_password(session, *, user_id, actor_id, changes):
    """The slow half of a password change in ``changes``, done in a read before the write transaction:
    the actor's own ``currentPassword`` checked and the new password hashed. ``None`` without a password."""
    if "password" not in changes:
        return None
    checked = None
    if actor_id == user_id and is_object_id(user_id):
        user = session.get(User, user_id)
        current = changes.get("currentPassword")
        if user is not None and current and verify_password(current, user.password_hash):
            checked = user.password_hash
    return {"hash": hash_password(changes["password"]), "checked": checked}


def update_user(session, *, user_id, actor_id, actor_can, changes, prepared=None):
    """Apply ``changes`` (the request body) as ``actor``. Only ``super`` may change permissions or
    ``forceReset`` or someone else's account; changing one's own password needs ``currentPassword``.
    ``prepared`` (from ``prepare_password``) keeps bcrypt out of the transaction."""
    is_super = "super" in actor_can
    if not is_super and actor_id != user_id:
        raise Forbidden("User not authorized to perform this action", details="only super may update other users")
    user = get_user(session, user_id, lock=True)
    if not is_super and ({"can", "forceReset"} & changes.keys()):
        raise Forbidden("User not authorized to perform this action",
                        details="only super may change permissions or forceReset")
    if is_super and actor_id == user_id:
        _refuse_self_lockout(changes)
    if "password" in changes:
        if changes.get("confirmPassword") != changes["password"]:
            raise password_mismatch()
        if actor_id == user_id:
            current = changes.get("currentPassword")
            if prepared is not None:
                correct = prepared["checked"] is not None and prepared["checked"] == user.password_hash
            else:
                correct = bool(current) and verify_password(current, user.password_hash)
            if not correct:
                raise RuleViolation("Current password is incorrect", field="currentPassword",
                                    code="INVALID_CURRENT_PASSWORD")
        user.password_hash = prepared["hash"] if prepared is not None else hash_password(changes["password"])
        revoke_tokens(user)
        if actor_id == user_id:
            user.force_reset = False
    if "username" in changes and changes["username"] != user.username:
        if find_by_username(session, changes["username"]) is not None:
            raise duplicate_key("username")
        user.username = changes["username"]
    if "name" in changes:
        user.first_name = changes["name"].get("first", user.first_name)
        user.last_name = changes["name"].get("last", user.last_name)
    if "email" in changes:
        user.email = changes["email"]
    if "can" in changes:
        user.can = _normalise_permissions(changes["can"])
    if "forceReset" in changes:
        user.force_reset = changes["forceReset"]
    _flush_unique(session, "username")
    return user


def _refuse_self_lockout(changes):
    """Permissions apply from the next request, so a super user may not lock themself out (as they
    may not delete themself): another super user can."""
    if "can" in changes and "super" not in (changes["can"] or ()):
        raise RuleViolation("You cannot remove your own super permission", field="can", code="SELF_DEMOTE")
    if changes.get("forceReset"):
        raise RuleViolation("You cannot flag your own account for a password reset", field="forceReset",
                            code="SELF_FORCE_RESET")


def delete_user(session, *, user_id, actor_id):
    if user_id == actor_id:
        raise RuleViolation("You cannot delete your own account", field="id", code="SELF_DELETE")
    user = get_user(session, user_id, lock=True)
    session.delete(user)
    session.flush()


def set_password(session, user, password_hash):
    user.password_hash = password_hash
    revoke_tokens(user)
    user.force_reset = False


def _normalise_permissions(can):
    seen = []
    for permission in can or ():
        if permission not in seen:
            seen.append(permission)
    return seen


def _flush_unique(session, field):
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise duplicate_key(field) from None


def token_holder(session, user_id):
    """The user a token names, for renewing it; a deleted account can no longer renew."""
    user = session.get(User, user_id) if is_object_id(user_id) else None
    if user is None:
        raise Unauthorized("This account no longer exists", code="ACCOUNT_GONE")
    return user


def revoke_tokens(user):
    """Every token issued so far stops working (a password change or reset)."""
    user.token_version = (user.token_version or 0) + 1


def token_state(session, user_id):
    """What a token's holder may do now, read by primary key on every request: ``username``, ``can``,
    ``force_reset`` and ``token_version``; ``None`` when the account no longer exists."""
    if not is_object_id(user_id):
        return None
    stmt = select(User.username, User.can, User.force_reset, User.token_version).where(User.id == user_id)
    return session.execute(stmt).first()
