"""Geocache."""
from handlers.looking.schemas import geocache_entries_out, geocache_entry_out
from models.looking import database, geocache
from server.products.looking import PRODUCT


def populate_geocache(field):
    with database.reading() as session:  # the geocoder is asked outside the write transaction
        located = geocache.locate_uncached(session, field=field, geocoder=PRODUCT.runtime.geocoder)
    with database.unit_of_work() as uow:
        entries, unresolved = geocache.populate(uow.session, field=field, geocoder=PRODUCT.runtime.geocoder,
                                                located=located)
        answer = {"message": "Geocache populated", "count": len(entries),
                  "results": geocache_entries_out.dump(entries), "unresolved": unresolved}
        uow.commit()
    return answer, 200


def update_geocache(id, body):
    with database.unit_of_work() as uow:
        entry = geocache.update(uow.session, entry_id=id, changes=body)
        uow.commit()
        return {"message": "Geocache updated", "geocache": geocache_entry_out.dump(entry)}, 200
