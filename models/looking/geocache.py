"""The geocache: coordinates for the distinct values of a profile field, resolved once."""
from sqlalchemy import select

from models.errors import NotFound, RuleViolation
from models.ids import is_object_id
from models.looking.entities import GeocacheEntry, Profile
from models.looking.users import duplicate_key

GEOCODABLE_FIELDS = {"location": Profile.location}


def _values(session, field):
    column = GEOCODABLE_FIELDS.get(field)
    if column is None:
        raise RuleViolation(f"Field '{field}' cannot be geocoded", field="field", code="UNSUPPORTED_FIELD")
    return [v for v in session.scalars(select(column).distinct().order_by(column)) if v and v.strip()]


def locate_uncached(session, *, field, geocoder):
    """The geocoder's answers (a Place or ``None``) for the values of ``field`` not cached yet. Read
    only: run it before the write transaction, since a geocoder may be slow (a remote service, or the
    offline gazetteer loading its data) and must not hold the write lock."""
    values = _values(session, field)
    cached = set(session.scalars(select(GeocacheEntry.key).where(GeocacheEntry.key.in_(values))))
    return {value: geocoder.geocode(value) for value in values if value not in cached}


def populate(session, *, field, geocoder, located=None):
    """Geocode every distinct non-empty value of ``field`` that is not cached yet (``located``: answers
    found beforehand by ``locate_uncached``; the geocoder is asked only for values new since then).

    Returns ``(entries, unresolved)``: the cache entries for every value the field holds, and the
    values the geocoder could not place."""
    located = located or {}
    values = _values(session, field)
    cached = {e.key: e for e in session.scalars(select(GeocacheEntry).where(GeocacheEntry.key.in_(values)))}
    entries, unresolved = [], []
    for value in values:
        entry = cached.get(value)
        if entry is None:
            place = located[value] if value in located else geocoder.geocode(value)
            if place is None:
                unresolved.append(value)
                continue
            entry = GeocacheEntry(key=value, formatted=place.formatted, lng=place.lng, lat=place.lat)
            session.add(entry)
        entries.append(entry)
    session.flush()
    return entries, unresolved


def update(session, *, entry_id, changes):
    if not is_object_id(entry_id):
        raise NotFound("Geocache entry not found", field="id")
    entry = session.scalars(select(GeocacheEntry).where(GeocacheEntry.id == entry_id).with_for_update()).first()
    if entry is None:
        raise NotFound("Geocache entry not found")
    if "key" in changes and changes["key"] != entry.key:
        if session.scalars(select(GeocacheEntry.id).where(GeocacheEntry.key == changes["key"])).first():
            raise duplicate_key("key")
        entry.key = changes["key"]
    if "formatted" in changes:
        entry.formatted = changes["formatted"]
    if "loc" in changes:
        lng, lat = changes["loc"]["coordinates"]
        if not -90 <= lat <= 90:
            raise RuleViolation("Latitude must be between -90 and 90", field="loc.coordinates", code="INVALID_LOCATION")
        entry.lng, entry.lat = lng, lat
    session.flush()
    return entry
