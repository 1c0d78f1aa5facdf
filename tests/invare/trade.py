"""Trade test helpers: listings to buy, points to spend, orders placed over HTTP, what the ledger holds.

``trade`` (a fixture) is a :class:`Trade` bound to the test's client and ``make``:
``trade.listing(seller, price="2.50", stock=100, company=None, **fields)``, ``trade.credit(user, "100")``,
``trade.order(buyer, listing, quantity=1)`` (the JSON body of ``POST /orders``), ``trade.paid(buyer,
listing)`` (placed and paid with points)."""
import datetime as dt
import itertools
from decimal import Decimal

import pytest

from models.invare import database, wallet
from models.invare.listings import Listing
from models.invare.materials import Material
from models.invare.users import User

_serial = itertools.count(1)


class Trade:
    def __init__(self, client, make):
        self.client, self.make = client, make
        self._material = None

    def material(self):
        if self._material is None:
            with database.unit_of_work() as uow:
                material = Material(name=f"PET {next(_serial)}", unit_of_measure="ton", i18n={})
                uow.session.add(material)
                uow.commit()
            self._material = material.id
        return self._material

    def listing(self, seller, *, price="2.50", stock=100, company=None, status="active", expires_at=None,
                biddable=False):
        with database.unit_of_work() as uow:
            listing = Listing(title=f"Bales {next(_serial)}", unit_of_measure="ton", starting_price=Decimal(price),
                              stock_amount=stock, status=status, expires_at=expires_at, is_biddable=biddable,
                              material_id=self.material(), seller_user_id=seller.user.id,
                              seller_company_id=company.id if company else None, materials_states=[], i18n={})
            uow.session.add(listing)
            uow.commit()
        return listing

    def credit(self, member, points):
        with database.unit_of_work() as uow:
            wallet.credit(uow.session, user_id=member.user.id, points=points)
            uow.commit()

    def order(self, buyer, listing, quantity=1, **fields):
        body = {"orderStatus": "pending", "items": [{"listingId": str(listing.id), "quantity": quantity}], **fields}
        response = self.client.post("/orders", headers=buyer.headers, json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def paid(self, buyer, listing, quantity=1, credit=None):
        self.credit(buyer, credit or "1000")
        order = self.order(buyer, listing, quantity)
        response = self.client.post(f"/orders/{order['id']}/checkout/points", headers=buyer.headers)
        assert response.status_code == 200, response.text
        return response.json()

    def balances(self, member):
        with database.reading() as session:
            user = session.get(User, member.user.id)
            return str(user.points_balance), str(user.frozen_points)

    def stock(self, listing):
        with database.reading() as session:
            return session.get(Listing, listing.id).stock_amount


@pytest.fixture
def trade(client, make):
    return Trade(client, make)


def later(hours):
    return dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=hours)
