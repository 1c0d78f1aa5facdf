"""Geocache: populate from profile locations through the offline gazetteer, and corrections."""
import pytest

from models.looking import database
from models.looking.entities import GeocacheEntry


class TestPopulateGeocache:
    def test_geocodes_distinct_locations_once(self, client, make):
        for location in ("San Francisco, CA", "San Francisco, CA", "New York, NY", "Atlantis, ZZ", ""):
            make.profile(location=location)
        headers = make.headers("manageAppPreferences")
        response = client.get("/geocache/populate/location", headers=headers)
        assert response.status_code == 200
        body = response.json()
        results = [{k: r[k] for k in ("key", "formatted", "loc")} for r in body["results"]]
        assert (body["message"], body["count"], body["unresolved"]) == ("Geocache populated", 2, ["Atlantis, ZZ"])
        assert results == [
            {"key": "New York, NY", "formatted": "New York City, New York, USA",
             "loc": {"type": "Point", "coordinates": [-74.006, 40.7143]}},
            {"key": "San Francisco, CA", "formatted": "San Francisco, California, USA",
             "loc": {"type": "Point", "coordinates": [-122.4194, 37.7749]}},
        ]
        again = client.get("/geocache/populate/location", headers=headers).json()
        assert [r["_id"] for r in again["results"]] == [r["_id"] for r in body["results"]]
        with database.unit_of_work() as uow:
            assert uow.session.query(GeocacheEntry).count() == 2

    def test_super_implies_manage_app_preferences(self, client, make):
        assert client.get("/geocache/populate/location", headers=make.headers("super")).status_code == 200

    def test_unknown_field_is_400(self, client, make):
        response = client.get("/geocache/populate/age", headers=make.headers("manageAppPreferences"))
        assert response.status_code == 400
        assert response.json()["err"]["details"][0]["field"] == "field"

    def test_401_and_403(self, client, make):
        assert client.get("/geocache/populate/location").status_code == 401
        response = client.get("/geocache/populate/location", headers=make.headers("manage"))
        assert response.status_code == 403
        assert response.json()["err"]["message"] == "requires the 'manageAppPreferences' permission"


class TestUpdateGeocache:
    @pytest.fixture
    def entry(self, client, make):
        make.profile(location="San Francisco, CA")
        make.profile(location="Chicago, IL")
        body = client.get("/geocache/populate/location", headers=make.headers("super")).json()
        return {r["key"]: r for r in body["results"]}

    def test_updates(self, client, make, entry):
        target = entry["San Francisco, CA"]
        body = {"key": "New York, NY", "formatted": "New York, New York, USA",
                "loc": {"type": "Point", "coordinates": [-74.0060, 40.7128]}}
        response = client.put(f"/geocache/{target['_id']}", json=body, headers=make.headers("manageAppPreferences"))
        assert response.status_code == 200
        assert response.json() == {"message": "Geocache updated", "geocache": dict(body, _id=target["_id"])}

    def test_duplicate_key_is_409(self, client, make, entry):
        response = client.put(f"/geocache/{entry['San Francisco, CA']['_id']}", json={"key": "Chicago, IL"},
                              headers=make.headers("super"))
        assert response.status_code == 409
        assert response.json() == {"message": "There was a duplicate key error",
                                   "err": {"code": 11000, "keyPattern": {"key": 1}}}

    @pytest.mark.parametrize("body", [
        pytest.param({}, id="empty"),
        pytest.param({"loc": {"type": "Polygon", "coordinates": [1, 2]}}, id="not a point"),
        pytest.param({"loc": {"type": "Point", "coordinates": [1]}}, id="one coordinate"),
        pytest.param({"loc": {"type": "Point", "coordinates": [500, 1]}}, id="longitude out of range"),
    ])
    def test_invalid_is_400(self, client, make, entry, body):
        response = client.put(f"/geocache/{entry['Chicago, IL']['_id']}", json=body, headers=make.headers("super"))
        assert response.status_code == 400

    def test_latitude_out_of_range_is_400(self, client, make, entry):
        response = client.put(f"/geocache/{entry['Chicago, IL']['_id']}", headers=make.headers("super"),
                              json={"loc": {"type": "Point", "coordinates": [10, 95]}})
        assert response.status_code == 400
        assert response.json()["err"]["details"][0]["field"] == "loc.coordinates"

    def test_unknown_is_404(self, client, make):
        response = client.put("/geocache/" + "a" * 24, json={"key": "x"}, headers=make.headers("super"))
        assert response.status_code == 404

    def test_401_and_403(self, client, make, entry):
        path = f"/geocache/{entry['Chicago, IL']['_id']}"
        assert client.put(path, json={"key": "x"}).status_code == 401
        assert client.put(path, json={"key": "x"}, headers=make.headers("view")).status_code == 403
