"""Profiles: public lists, staff CRUD, approval, public submission, search."""
from handlers.looking.schemas import (
    profile_list_items_out, profile_out, profile_state_out, profiles_out,
)
from models.looking import database, profiles
from server.products.looking import PRODUCT


def list_approved_profiles():
    with database.reading() as session:
        return profiles_out.dump(profiles.list_approved(session)), 200


list_verified_profiles = list_approved_profiles


def list_submitted_profiles():
    with database.reading() as session:
        return profiles_out.dump(profiles.list_submitted(session)), 200


def get_profile(id, token_info=None):
    may_view = PRODUCT.authorize(token_info or {}, ("view",)) is None
    with database.reading() as session:
        profile = profiles.get_profile(session, id, include_unapproved=may_view)
        return profile_out.dump(profile), 200


def create_profile(body):
    with database.unit_of_work() as uow:
        profile = profiles.create(uow.session, data=body, images=PRODUCT.runtime.images)
        uow.commit()
        return {"_id": profile.id, "message": "Profile created successfully", "profile": profile_out.dump(profile)}, 201


def update_profile(id, body):
    with database.unit_of_work() as uow:
        profile = profiles.update(uow.session, profile_id=id, changes=body, images=PRODUCT.runtime.images)
        uow.commit()
        return {"message": "Profile updated successfully", "profile": profile_out.dump(profile)}, 200


def delete_profile(id):
    with database.unit_of_work() as uow:
        profiles.delete(uow.session, profile_id=id)
        uow.commit()
    return {"message": "Profile deleted successfully", "id": id}, 200


def approve_profile(id):
    with database.unit_of_work() as uow:
        profile = profiles.approve(uow.session, profile_id=id)
        uow.commit()
        return {"message": "Profile approved", "profile": profile_state_out.dump(profile)}, 200


def submit_story(body):
    with database.unit_of_work() as uow:
        profile = profiles.submit(uow.session, data=body, images=PRODUCT.runtime.images)
        uow.commit()
        return {"message": "Story submitted successfully. It will be reviewed before publishing.",
                "profile": profile_state_out.dump(profile)}, 200


def update_message(profileId, messageId, body):
    with database.unit_of_work() as uow:
        profile = profiles.update_message(uow.session, profile_id=profileId, message_id=messageId,
                                          changes=body, images=PRODUCT.runtime.images)
        uow.commit()
        return {"message": "Message updated successfully", "profile": profile_out.dump(profile)}, 200


def find_profiles(limit=None, skip=None, min=None, max=None, pos=None, lkng=None, tribes=None, ethnos=None):
    filters = profiles.Filters.from_segments(limit, skip, min, max, pos, lkng, tribes, ethnos)
    with database.reading() as session:
        found = profiles.search(session, filters)
        return profiles_out.dump(found), 200


def list_profiles(limit=None, skip=None, min=None, max=None, pos=None, lkng=None, tribes=None, ethnos=None):
    filters = profiles.Filters.from_segments(limit, skip, min, max, pos, lkng, tribes, ethnos)
    with database.reading() as session:
        found = profiles.search(session, filters, full=False)
        return profile_list_items_out.dump(found), 200
