"""Races on a real, committed database (SQLite file or a fresh PostgreSQL database), separate connections
from real threads: concurrent default addresses leave exactly one default, and nothing fails."""
import uuid

import pytest
from sqlalchemy import select

from models.invare import addresses, companies, users
from models.invare.callers import Caller
from tests.support import races

RACERS = 8


@pytest.fixture(scope="module")
def race_db(tmp_path_factory):
    with races.database("invare", tmp_path_factory, label="orgs", pool_size=RACERS + 2) as database:
        yield database


def run_together(count, work):
    return races.run_together(work, count)


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
