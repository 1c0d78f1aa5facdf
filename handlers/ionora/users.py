"""The signed-in user's profile and addresses."""
from handlers.ionora.schemas import address_out, addresses_out, user_out
from models.ionora import addresses, database, users


def get_profile(user):
    with database.reading() as session:
        return {"user": user_out.dump(users.get_user(session, user))}, 200


def update_profile(body, user):
    with database.unit_of_work() as uow:
        updated = users.update_profile(uow.session, user_id=user, changes=body)
        uow.commit()
        return {"user": user_out.dump(updated)}, 200


def list_addresses(user):
    with database.reading() as session:
        return {"addresses": addresses_out.dump(addresses.list_addresses(session, user_id=user))}, 200


def create_address(body, user):
    with database.unit_of_work() as uow:
        address = addresses.create_address(uow.session, user_id=user, data=body)
        uow.commit()
        return {"address": address_out.dump(address)}, 201


def update_address(id, body, user):
    with database.unit_of_work() as uow:
        address = addresses.update_address(uow.session, user_id=user, address_id=id, changes=body)
        uow.commit()
        return {"address": address_out.dump(address)}, 200


def delete_address(id, user):
    with database.unit_of_work() as uow:
        addresses.delete_address(uow.session, user_id=user, address_id=id)
        uow.commit()
    return {"message": "Address deleted successfully."}, 200
