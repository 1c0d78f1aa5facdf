"""A user's addresses; at most one is the default."""
from sqlalchemy import exists, select, update

from models.errors import Conflict, NotFound
from models.ionora.entities import Address, Order, User
from models.ionora.users import BLANK, as_uuid

FIELDS = ("address_type", "full_address", "city", "state", "pincode", "country", "is_default")
NOT_FOUND = "Address not found."


def list_addresses(session, *, user_id):
    stmt = (select(Address).where(Address.user_id == as_uuid(user_id))
            .order_by(Address.created_at.desc(), Address.id))
    return list(session.scalars(stmt))


def get_own_address(session, *, user_id, address_id, lock=False):
    """The caller's address; someone else's is reported as missing."""
    stmt = select(Address).where(Address.id == as_uuid(address_id), Address.user_id == as_uuid(user_id))
    if lock:
        stmt = stmt.with_for_update()
    address = session.scalars(stmt).first()
    if address is None:
        raise NotFound(NOT_FOUND)
    return address


def create_address(session, *, user_id, data):
    user_id = as_uuid(user_id)
    values = {k: _clean(v) for k, v in data.items() if k in FIELDS}
    address = Address(user_id=user_id, **{**{"address_type": "shipping", "is_default": False}, **values})
    if address.is_default:
        _demote_others(session, user_id=user_id, keep=None)
    session.add(address)
    session.flush()
    return address


def update_address(session, *, user_id, address_id, changes):
    address = get_own_address(session, user_id=user_id, address_id=address_id, lock=True)
    if changes.get("is_default"):
        _demote_others(session, user_id=address.user_id, keep=address.id)
    for key, value in changes.items():
        if key in FIELDS:
            setattr(address, key, _clean(value))
    session.flush()
    return address


def delete_address(session, *, user_id, address_id):
    address = get_own_address(session, user_id=user_id, address_id=address_id, lock=True)
    if session.scalar(select(exists().where(Order.shipping_address_id == address.id))):
        raise Conflict("Address is used by an order and cannot be deleted.")
    session.delete(address)
    session.flush()


def _demote_others(session, *, user_id, keep):
    # Serialise default changes per user (the partial unique index would refuse a race).
    session.execute(select(User.id).where(User.id == user_id).with_for_update())
    stmt = update(Address).where(Address.user_id == user_id, Address.is_default.is_(True))
    if keep is not None:
        stmt = stmt.where(Address.id != keep)
    session.execute(stmt.values(is_default=False).execution_options(synchronize_session="fetch"))
    session.flush()


def _clean(value):
    return value.strip(BLANK) if isinstance(value, str) else value
