"""Races on a real, committed database (SQLite file or a fresh PostgreSQL database), separate connections
from real threads: concurrent default addresses leave exactly one default, and nothing fails."""
import os
import secrets
import threading
import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from models.invare import addresses, companies, users
from models.invare.callers import Caller
from models.session import Database
from server import db as schema
from tests.conftest import BACKEND, POSTGRES_URL

RACERS = 8


@pytest.fixture(scope="module")
def race_db(tmp_path_factory):
    if BACKEND == "sqlite":
        url, name = f"sqlite:///{tmp_path_factory.mktemp('race') / 'invare.db'}", None
    else:
        name = f"invare_orgs_race_{os.getpid()}_{secrets.token_hex(3)}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    schema.upgrade("invare", url)
    database = Database("invare-race")
    database.bind(url, pool_size=RACERS + 2)
    yield database
    database.engine.dispose()
    if name:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run_together(count, work):
    barrier = threading.Barrier(count)
    results = [None] * count

    def worker(index):
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as exc:  # asserted by the caller
            results[index] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


def test_concurrent_default_addresses_leave_one_default(race_db):
    with race_db.unit_of_work() as uow:
        owner = users.create_user(uow.session, data={"email": f"{uuid.uuid4().hex[:10]}@example.com",
                                                     "firstName": "A", "lastName": "B"})
        company = companies.create_company(uow.session, owner=owner, data={"companyName": "Race Co"})
        caller, company_id, user_id = Caller(owner.id, owner.email), company.id, owner.id
        uow.commit()

    def add(index):
        with race_db.unit_of_work() as uow:
            data = {"street": f"St {index}", "city": "Riyadh", "postalCode": "1", "isDefault": True}
            addresses.add_company_address(uow.session, caller=caller, data={**data, "companyId": str(company_id)})
            addresses.add_user_address(uow.session, caller=caller, data=data)
            uow.commit()
        return "ok"

    assert run_together(RACERS, add) == ["ok"] * RACERS
    with race_db.reading() as session:
        for model, column, owner_id in ((addresses.CompanyAddress, addresses.CompanyAddress.company_id, company_id),
                                        (addresses.UserAddress, addresses.UserAddress.user_id, user_id)):
            flags = session.scalars(select(model.is_default).where(column == owner_id)).all()
            assert (len(flags), flags.count(True)) == (RACERS, 1)
