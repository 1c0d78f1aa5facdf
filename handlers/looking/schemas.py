"""Response shapes, named after the spec's components."""
from marshmallow import Schema, fields

from handlers.fields import IsoZ
from models.looking.entities import TAG_KINDS


class ThreadMessageOut(Schema):
    _id = fields.String(attribute="id")
    text = fields.String()
    isUser = fields.Boolean(attribute="is_user")
    timestamp = IsoZ()
    image = fields.String()

    def dump(self, obj, *args, **kwargs):
        data = super().dump(obj, *args, **kwargs)
        if isinstance(data, dict) and data.get("image") is None:
            data.pop("image", None)
        return data


def profile_details(profile):
    details = {
        "name": profile.name,
        "age": profile.age,
        "location": profile.location,
        "about": profile.about,
        "pic": {"thumb": profile.pic_thumb, "detail": profile.pic_detail},
    }
    for kind in TAG_KINDS:
        details[kind] = profile.tag_values(kind)
    return details


class ProfileOut(Schema):
    _id = fields.String(attribute="id")
    order = fields.Integer()
    details = fields.Function(profile_details)
    messages = fields.Function(lambda p: [thread_message_out.dump(m) for m in p.messages])
    submitted = fields.Boolean()
    approved = fields.Boolean()
    createdAt = IsoZ(attribute="created_at")
    updatedAt = IsoZ(attribute="updated_at")


class ProfileListItemOut(Schema):
    _id = fields.String(attribute="id")
    order = fields.Integer()
    details = fields.Function(lambda p: {"name": p.name, "pic": {"thumb": p.pic_thumb}})


class ProfileStateOut(Schema):
    _id = fields.String(attribute="id")
    submitted = fields.Boolean()
    approved = fields.Boolean()


def _name(user):
    return {"first": user.first_name, "last": user.last_name}


class UserOut(Schema):
    _id = fields.String(attribute="id")
    username = fields.String()
    name = fields.Function(_name)
    email = fields.String()
    can = fields.List(fields.String())
    forceReset = fields.Boolean(attribute="force_reset")


class LoginUserOut(UserOut):
    class Meta:
        exclude = ("_id",)

    id = fields.String()


class UserSummaryOut(Schema):
    _id = fields.String(attribute="id")
    username = fields.String()


class GeocacheEntryOut(Schema):
    _id = fields.String(attribute="id")
    key = fields.String()
    formatted = fields.String()
    loc = fields.Function(lambda e: {"type": "Point", "coordinates": [e.lng, e.lat]})


thread_message_out = ThreadMessageOut()
profile_out = ProfileOut()
profiles_out = ProfileOut(many=True)
profile_list_items_out = ProfileListItemOut(many=True)
profile_state_out = ProfileStateOut()
user_out = UserOut()
users_out = UserOut(many=True)
login_user_out = LoginUserOut()
user_summary_out = UserSummaryOut()
geocache_entry_out = GeocacheEntryOut()
geocache_entries_out = GeocacheEntryOut(many=True)
