"""Real adapters against local stand-ins: SMTP (aiosmtpd) and a Nominatim-style HTTP geocoder."""
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from aiosmtpd.controller import Controller

from integrations.geocoder import GazetteerGeocoder, NominatimGeocoder, geocoder_from_settings
from integrations.mail import OutboxMailer, SmtpMailer, mailer_from_settings
from models.errors import UpstreamFailure
from server.products.looking import PRODUCT


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


class TestSmtpMailer:
    def test_delivers_through_smtp(self, smtp_server):
        controller, inbox = smtp_server
        mailer = SmtpMailer(host="127.0.0.1", port=controller.port, sender="no-reply@looking.local", starttls=False)
        mailer.send(to="ada@example.com", subject="Reset your Looking password", text="Use this link")
        [(sender, recipients, content)] = inbox.messages
        assert (sender, recipients) == ("no-reply@looking.local", ["ada@example.com"])
        assert "Subject: Reset your Looking password" in content
        assert "Use this link" in content

    def test_settings_pick_smtp_when_a_host_is_set(self):
        assert isinstance(mailer_from_settings({"host": "mail", "port": 25, "sender": "a@b.c", "starttls": False}),
                          SmtpMailer)
        assert isinstance(mailer_from_settings({"host": None, "sender": "a@b.c"}), OutboxMailer)

    def test_reset_mail_goes_through_smtp_end_to_end(self, smtp_server, client, make):
        controller, inbox = smtp_server
        make.user(username="ada", email="ada@example.com")
        previous = PRODUCT.runtime.mailer
        PRODUCT.runtime.mailer = SmtpMailer(host="127.0.0.1", port=controller.port, sender="x@looking.local",
                                            starttls=False)
        try:
            assert client.post("/auth/reset", json={"username": "ada"}).status_code == 200
        finally:
            PRODUCT.runtime.mailer = previous
        assert "/auth/reset/" in inbox.messages[0][2]


class GeocoderStub(BaseHTTPRequestHandler):
    places = {"San Francisco, CA": [{"display_name": "San Francisco, California, United States",
                                     "lat": "37.7790262", "lon": "-122.419906"}]}
    fail = False

    def do_GET(self):
        query = parse_qs(urlparse(self.path).query)
        if self.fail:
            self.send_response(503)
            self.end_headers()
            return
        assert query["format"] == ["json"]
        body = json.dumps(self.places.get(query["q"][0], [])).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def geocoder_url():
    server = ThreadingHTTPServer(("127.0.0.1", 0), GeocoderStub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/search"
    GeocoderStub.fail = False
    server.shutdown()


class TestNominatimGeocoder:
    def test_resolves_and_misses(self, geocoder_url):
        geocoder = NominatimGeocoder(geocoder_url)
        place = geocoder.geocode("San Francisco, CA")
        assert (place.formatted, place.lng, place.lat) == (
            "San Francisco, California, United States", -122.419906, 37.7790262)
        assert geocoder.geocode("Atlantis") is None

    def test_service_failure_is_upstream_failure(self, geocoder_url):
        GeocoderStub.fail = True
        with pytest.raises(UpstreamFailure):
            NominatimGeocoder(geocoder_url).geocode("San Francisco, CA")

    def test_populate_answers_502_and_stores_nothing_when_the_service_fails(self, geocoder_url, client, make):
        make.profile(location="San Francisco, CA")
        previous = PRODUCT.runtime.geocoder
        PRODUCT.runtime.geocoder = NominatimGeocoder(geocoder_url)
        GeocoderStub.fail = True
        try:
            response = client.get("/geocache/populate/location", headers=make.headers("super"))
            assert response.status_code == 502
            assert response.json()["message"] == "The geocoding service failed: HTTPStatusError"
            GeocoderStub.fail = False
            body = client.get("/geocache/populate/location", headers=make.headers("super")).json()
            assert body["results"][0]["formatted"] == "San Francisco, California, United States"
        finally:
            PRODUCT.runtime.geocoder = previous

    def test_settings_pick_the_online_adapter_when_configured(self):
        assert isinstance(geocoder_from_settings({"url": "http://x"}), NominatimGeocoder)
        assert isinstance(geocoder_from_settings({}), GazetteerGeocoder)


class TestGazetteerGeocoder:
    @pytest.mark.parametrize("query,formatted", [
        ("San Francisco, CA", "San Francisco, California, USA"),
        ("Portland, Oregon", "Portland, Oregon, USA"),
        ("Paris, France", "Paris, France"),
        ("berlin", "Berlin, Germany"),
        ("Sao Paulo", "São Paulo, Brazil"),
    ])
    def test_common_cities(self, query, formatted):
        assert GazetteerGeocoder().geocode(query).formatted == formatted

    @pytest.mark.parametrize("query", ["Xyzzyville", "Paris, Narnia", "", " , "])
    def test_unknown(self, query):
        assert GazetteerGeocoder().geocode(query) is None
