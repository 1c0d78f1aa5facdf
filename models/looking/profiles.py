"""Profiles: stories with their message thread, submitted by the public and approved by staff."""
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import selectinload

from models.base import utcnow
from models.errors import InvalidInput, NotFound
from models.ids import is_object_id, new_object_id
from models.looking.entities import TAG_KINDS, Message, Profile, ProfileTag
from models.paging import slice_query

DETAIL_FIELDS = ("name", "age", "location", "about")
FULL = (selectinload(Profile.tags), selectinload(Profile.messages))


@dataclass(frozen=True)
class Filters:
    """The optional ``find``/``list`` path segments; ``None`` means no filter."""

    limit: int | None = None
    skip: int = 0
    min_age: int | None = None
    max_age: int | None = None
    tags: tuple = ()  # ((kind, (value, ...)), ...)

    @classmethod
    def from_segments(cls, limit=None, skip=None, min=None, max=None, pos=None, lkng=None, tribes=None, ethnos=None):
        def number(raw, name):
            if raw in (None, "", "null"):
                return None
            if not (raw.isascii() and raw.isdigit()):
                raise InvalidInput(f"'{name}' must be a whole number or null", field=name)
            return int(raw)

        def values(raw):
            if raw in (None, "", "null"):
                return ()
            return tuple(v for v in (part.strip() for part in raw.split("|")) if v and v != "null")

        tags = tuple((kind, vals) for kind, vals in zip(TAG_KINDS, map(values, (pos, lkng, tribes, ethnos))) if vals)
        return cls(limit=number(limit, "limit") or None, skip=number(skip, "skip") or 0,
                   min_age=number(min, "min"), max_age=number(max, "max"), tags=tags)


def _approved():
    return select(Profile).where(Profile.approved.is_(True)).order_by(Profile.order, Profile.created_at, Profile.id)


def list_approved(session):
    return list(session.scalars(_approved().options(*FULL)))


def list_submitted(session):
    stmt = (select(Profile).where(Profile.submitted.is_(True), Profile.approved.is_(False))
            .order_by(Profile.created_at, Profile.id).options(*FULL))
    return list(session.scalars(stmt))


def search(session, filters, *, full=True):
    """Approved profiles matching every given filter; a list filter matches any of its values."""
    stmt = _approved()
    if filters.min_age is not None:
        stmt = stmt.where(Profile.age >= filters.min_age)
    if filters.max_age is not None:
        stmt = stmt.where(Profile.age <= filters.max_age)
    for kind, values in filters.tags:
        stmt = stmt.where(exists().where(ProfileTag.profile_id == Profile.id, ProfileTag.kind == kind,
                                         ProfileTag.value.in_(values)))
    if full:
        stmt = stmt.options(*FULL)
    return slice_query(session, stmt, skip=filters.skip, limit=filters.limit)


def get_profile(session, profile_id, *, include_unapproved=True, lock=False):
    if not is_object_id(profile_id):
        raise NotFound("Profile not found", field="id")
    stmt = select(Profile).where(Profile.id == profile_id).options(*FULL)
    if not include_unapproved:
        stmt = stmt.where(Profile.approved.is_(True))
    if lock:
        stmt = stmt.with_for_update()
    profile = session.scalars(stmt).first()
    if profile is None:
        raise NotFound("Profile not found")
    return profile


def create(session, *, data, images):
    """Staff-created profile: every field as given."""
    profile = Profile(id=new_object_id(), submitted=data.get("submitted", False), approved=data.get("approved", False))
    profile.order = data["order"] if "order" in data else _next_order(session)
    session.add(profile)
    _apply(profile, data, images)
    session.flush()
    return profile


def submit(session, *, data, images):
    """A public story submission: always submitted and never approved until staff approve it."""
    profile = Profile(id=new_object_id(), submitted=True, approved=False, order=_next_order(session))
    session.add(profile)
    _apply(profile, {"details": data.get("details", {}), "messages": data.get("messages", [])}, images)
    session.flush()
    return profile


def update(session, *, profile_id, changes, images):
    profile = get_profile(session, profile_id, lock=True)
    for key in ("order", "submitted", "approved"):
        if key in changes:
            setattr(profile, key, changes[key])
    _apply(profile, changes, images)
    session.flush()
    return profile


def delete(session, *, profile_id):
    profile = get_profile(session, profile_id, lock=True)
    session.delete(profile)
    session.flush()
    return profile_id


def approve(session, *, profile_id):
    profile = get_profile(session, profile_id, lock=True)
    profile.approved = True
    profile.submitted = True
    session.flush()
    return profile


def update_message(session, *, profile_id, message_id, changes, images):
    profile = get_profile(session, profile_id, lock=True)
    message = next((m for m in profile.messages if m.id == message_id), None)
    if message is None:
        raise NotFound("Message not found", field="messageId")
    if "text" in changes:
        message.text = changes["text"]
    if "isUser" in changes:
        message.is_user = changes["isUser"]
    if "image" in changes:
        message.image = images.keep(changes["image"], folder="message", stem=message.id, field="image")
    session.flush()
    return profile


def _apply(profile, data, images):
    details = data.get("details") or {}
    for key in DETAIL_FIELDS:
        if key in details:
            value = details[key]
            setattr(profile, key, value if value is not None or key == "age" else "")
    pic = details.get("pic") or {}
    if pic.get("thumb") is not None:
        profile.pic_thumb = images.keep(pic["thumb"], folder="profile", stem=f"{profile.id}_thumbnail",
                                        field="details.pic.thumb")
    if pic.get("detail") is not None:
        profile.pic_detail = images.keep(pic["detail"], folder="profile", stem=f"{profile.id}_detail",
                                         field="details.pic.detail")
    if any(kind in details for kind in TAG_KINDS):
        keep = [t for t in profile.tags if t.kind not in details]
        new = [ProfileTag(kind=kind, value=value, rank=rank)
               for kind in TAG_KINDS if kind in details
               for rank, value in enumerate(dict.fromkeys(v for v in details[kind] or () if v))]
        profile.tags = keep + new
    if "messages" in data:
        _replace_messages(profile, data["messages"] or [], images)


def _replace_messages(profile, items, images):
    existing = {m.id: m for m in profile.messages}
    thread = []
    for rank, item in enumerate(items):
        message = existing.get(item.get("_id")) or Message(timestamp=utcnow())
        message.rank = rank
        message.text = item.get("text", message.text or "")
        message.is_user = item.get("isUser", message.is_user or False)
        if message.id is None:
            message.id = new_object_id()
        if item.get("image") is not None:
            message.image = images.keep(item["image"], folder="message", stem=message.id, field=f"messages.{rank}.image")
        thread.append(message)
    profile.messages = thread


def _next_order(session):
    return (session.scalar(select(func.max(Profile.order))) or 0) + 1
