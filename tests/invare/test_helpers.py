"""The shared helpers the Invare areas build on: translations, money, paging, callers, seed data."""
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from models.errors import Forbidden, InvalidInput
from models.invare import database, users
from models.invare.callers import Caller
from models.invare.columns import Json
from models.invare.i18n import clean_translations, localize, merge_translations
from models.invare.money import money_number, money_str, to_money
from models.invare.paging import page_of
from models.invare.seed import seed

FIELDS = ("name", "unitOfMeasure")
STORED = {"ar": {"name": "ألمنيوم", "unitOfMeasure": "كغم"}, "en": {"name": "Aluminum"}}


class TestTranslations:
    def test_lang_replaces_the_base_fields(self):
        out = localize({"id": "m1", "name": "Aluminium", "unitOfMeasure": "kg"}, STORED, "ar", FIELDS)
        assert out == {"id": "m1", "name": "ألمنيوم", "unitOfMeasure": "كغم"}

    def test_missing_translation_keeps_the_base_field(self):
        out = localize({"name": "Aluminium", "unitOfMeasure": "kg"}, STORED, "en", FIELDS)
        assert out == {"name": "Aluminum", "unitOfMeasure": "kg"}

    def test_without_lang_every_translation_under_i18n(self):
        out = localize({"name": "Aluminium"}, STORED, None, FIELDS)
        assert out == {"name": "Aluminium", "i18n": STORED}
        assert localize({"name": "x"}, None, None, FIELDS) == {"name": "x", "i18n": {}}

    def test_clean_and_merge(self):
        sent = {"ar": {"name": "نحاس", "colour": "x", "unitOfMeasure": " "}, "fr": {"name": "Cuivre"}, "en": "bad"}
        assert clean_translations(sent, FIELDS) == {"ar": {"name": "نحاس"}}
        assert merge_translations(STORED, {"en": {"unitOfMeasure": "kg"}}, FIELDS) == {
            "ar": STORED["ar"], "en": {"name": "Aluminum", "unitOfMeasure": "kg"}}

    def test_arabic_round_trips_exactly_through_a_json_column(self, invare):
        probe = Table("i18n_probe", MetaData(), Column("id", Integer, primary_key=True), Column("i18n", Json))
        with database.unit_of_work() as uow:  # rolled back with the test
            connection = uow.session.connection()
            probe.create(connection)
            connection.execute(insert(probe).values(id=1, i18n=STORED))
            assert connection.execute(select(probe.c.i18n)).scalar_one() == STORED


class TestMoney:
    @pytest.mark.parametrize("value, amount", [("2.5", "2.50"), ("2.50", "2.50"), (3, "3.00"), ("0", "0.00"),
                                               (1.25, "1.25"), (" 10.1 ", "10.10")])
    def test_amounts(self, value, amount):
        assert to_money(value) == Decimal(amount) and money_str(to_money(value)) == amount

    @pytest.mark.parametrize("value, message", [
        ("abc", "price must be a decimal amount"), (True, "price must be a decimal amount"),
        ("NaN", "price must be a decimal amount"), ("1.005", "price must have at most 2 decimal places"),
        ("-1", "price must not be negative"), ("1e13", "price must not be greater than 999999999999.99"),
    ])
    def test_refused(self, value, message):
        with pytest.raises(InvalidInput) as caught:
            to_money(value, field="price")
        assert (caught.value.message, caught.value.field) == (message, "price")

    def test_out(self):
        assert (money_str(Decimal("2.5")), money_str(None), money_number(Decimal("999.99")), money_number(Decimal("15.00"))) == (
            "2.50", None, 999.99, 15)


class TestPaging:
    def test_pages_in_sql(self, make):
        made = [make.user() for _ in range(5)]
        stmt = select(users.User).where(users.User.id.in_([u.id for u in made])).order_by(users.User.email)
        with database.reading() as session:
            ordered = [u.id for u in page_of(session, stmt, page=1, limit=100)]
            pages = [[u.id for u in page_of(session, stmt, page=p, limit=2)] for p in (1, 2, 3, 4)]
        assert pages == [ordered[:2], ordered[2:4], ordered[4:], []]


class TestCaller:
    def test_from_claims(self):
        user_id = uuid.uuid4()
        caller = Caller.of({"sub": str(user_id), "email": "a@example.com", "isAdmin": False, "isCarrier": True})
        assert caller == Caller(user_id, "a@example.com", False, True)
        caller.require_admin_or_carrier()
        caller.require_self_or_admin(str(user_id))
        with pytest.raises(Forbidden):
            caller.require_admin()
        with pytest.raises(Forbidden):
            caller.require_self_or_admin(uuid.uuid4())


class TestSeed:
    def test_accounts_once(self, invare):
        with database.unit_of_work() as uow:
            accounts = seed(uow.session)
            again = seed(uow.session)
            admin = users.find_by_email(uow.session, "admin@invare.example")
            uow.commit()
        assert [(role, email) for role, email, _ in accounts] == [
            ("administrator", "admin@invare.example"), ("buyer", "buyer@invare.example"),
            ("seller (company owner)", "seller@invare.example"), ("carrier", "carrier@invare.example")]
        assert again == [] and admin.is_admin and admin.country.country_code == "SA"
