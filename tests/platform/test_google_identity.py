"""Google sign-in: the real verifier against a local certificate endpoint serving the test's own
certificate, and the offline fake."""
import datetime
import time

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from integrations.google_identity import (
    FakeGoogleVerifier, GoogleIdentityConfig, GoogleTokenInvalid, GoogleVerifier, google_verifier_from_config,
)
from models.errors import Unauthorized, UpstreamFailure
from tests.platform.stub_http import StubServer

CLIENT_ID = "1234-web.apps.googleusercontent.com"
KEY_ID = "test-key-1"


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def self_signed_pem(key):
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "securetoken.test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1)).sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.PEM).decode()


KEY = rsa_key()
CERTS = {KEY_ID: self_signed_pem(KEY)}


def certificates(call):
    if call.path == "/oauth2/v1/certs":
        return 200, CERTS, {"Cache-Control": "public, max-age=3600"}
    return 503, "unavailable"


@pytest.fixture(scope="module")
def stub():
    with StubServer(certificates) as server:
        yield server


@pytest.fixture
def verifier(stub):
    stub.reset()
    return GoogleVerifier([CLIENT_ID, "5678-ios.apps.googleusercontent.com"],
                          certs_url=f"{stub.url}/oauth2/v1/certs")


def google_token(key=KEY, kid=KEY_ID, **overrides):
    now = int(time.time())
    claims = {"iss": "https://accounts.google.com", "aud": CLIENT_ID, "azp": CLIENT_ID,
              "sub": "110169484474386276334", "email": "ada@example.com", "email_verified": True,
              "name": "Ada Lovelace", "picture": "https://lh3.googleusercontent.com/a/ada",
              "iat": now - 60, "exp": now + 3600, **overrides}
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


class TestGoogleVerifier:
    def test_good_token_names_the_account(self, verifier, stub):
        assert verifier.verify(google_token()) == {
            "sub": "110169484474386276334", "email": "ada@example.com", "email_verified": True,
            "name": "Ada Lovelace", "picture": "https://lh3.googleusercontent.com/a/ada"}
        [call] = stub.calls
        assert (call.method, call.path) == ("GET", "/oauth2/v1/certs")

    def test_other_configured_client_and_the_short_issuer_are_accepted(self, verifier):
        token = google_token(aud="5678-ios.apps.googleusercontent.com", iss="accounts.google.com",
                             email_verified=None, name=None, picture=None)
        assert verifier.verify(token) == {"sub": "110169484474386276334", "email": "ada@example.com",
                                          "email_verified": False, "name": None, "picture": None}

    def test_certificates_are_fetched_once_while_cacheable(self, verifier, stub):
        verifier.verify(google_token())
        verifier.verify(google_token(sub="2"))
        assert len(stub.calls) == 1

    @pytest.mark.parametrize("token,reason", [
        pytest.param(google_token(aud="someone-else.apps.googleusercontent.com"), "wrong audience",
                     id="wrong audience"),
        pytest.param(google_token(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600), "Token expired",
                     id="expired"),
        pytest.param(google_token(iss="https://evil.example.com"), "is not Google", id="wrong issuer"),
        pytest.param(google_token(key=rsa_key()), "Could not verify token signature", id="signed by another key"),
        pytest.param(google_token(kid="unknown-key"), "unknown-key not found", id="unknown key id"),
        pytest.param(google_token(email=None), "no email", id="no email"),
        pytest.param("garbage", "Wrong number of segments", id="garbage"),
        pytest.param("a.b.c", "base64", id="three garbage segments"),
        pytest.param("", "not a token", id="empty"),
        pytest.param(None, "not a token", id="not a string"),
        pytest.param("x" * 10_000, "not a token", id="oversized"),
        pytest.param(jwt.encode({"sub": "1", "aud": CLIENT_ID}, "s" * 32, algorithm="HS256"), "",
                     id="HS256 with no key id"),
    ])
    def test_refused_tokens_raise_one_error(self, verifier, token, reason):
        with pytest.raises(GoogleTokenInvalid) as raised:
            verifier.verify(token)
        assert isinstance(raised.value, Unauthorized)
        assert raised.value.message == "Invalid Google token."
        assert reason in raised.value.reason

    def test_unreachable_certificates_are_an_upstream_failure(self, stub):
        verifier = GoogleVerifier([CLIENT_ID], certs_url=f"{stub.url}/broken")
        with pytest.raises(UpstreamFailure):
            verifier.verify(google_token())


class TestFakeGoogleVerifier:
    def test_email_and_name(self):
        identity = FakeGoogleVerifier().verify("fake-google:Ada@Example.com:Ada Lovelace")
        assert identity == {"sub": identity["sub"], "email": "ada@example.com", "email_verified": True,
                            "name": "Ada Lovelace", "picture": None}
        assert identity["sub"].isdigit() and len(identity["sub"]) == 21

    def test_same_email_same_sub_and_name_defaults_to_the_local_part(self):
        fake = FakeGoogleVerifier()
        first, second = fake.verify("fake-google:ada@example.com"), fake.verify("fake-google:ADA@example.com:")
        assert first["sub"] == second["sub"] != fake.verify("fake-google:bob@example.com")["sub"]
        assert first["name"] == "ada"

    @pytest.mark.parametrize("token", [
        pytest.param("ada@example.com", id="no prefix"),
        pytest.param("fake-google:", id="no email"),
        pytest.param("fake-google:ada", id="not an email"),
        pytest.param("fake-google:ada @example.com", id="space"),
        pytest.param(google_token(), id="a real-looking token"),
        pytest.param(None, id="not a string"),
    ])
    def test_malformed(self, token):
        with pytest.raises(GoogleTokenInvalid):
            FakeGoogleVerifier().verify(token)

    def test_refused_in_production(self):
        with pytest.raises(GoogleTokenInvalid):
            FakeGoogleVerifier(enabled=False).verify("fake-google:ada@example.com")


class TestConfiguration:
    def test_client_id_selects_the_real_verifier(self):
        config = GoogleIdentityConfig.from_env({"GOOGLE_CLIENT_ID": f" {CLIENT_ID} , ios-id ",
                                                "GOOGLE_CERTS_URL": "http://127.0.0.1:9/certs"}, production=True)
        verifier = google_verifier_from_config(config)
        assert isinstance(verifier, GoogleVerifier)
        assert (verifier.client_ids, verifier.certs_url) == ((CLIENT_ID, "ios-id"), "http://127.0.0.1:9/certs")

    def test_without_client_id_the_fake_works_in_development_and_tests_only(self):
        development = google_verifier_from_config(GoogleIdentityConfig.from_env({}, production=False))
        production = google_verifier_from_config(GoogleIdentityConfig.from_env({}, production=True))
        assert isinstance(development, FakeGoogleVerifier) and development.enabled
        assert isinstance(production, FakeGoogleVerifier) and not production.enabled

    def test_default_certificates_are_googles(self):
        assert GoogleIdentityConfig.from_env({}, production=False).certs_url == \
            "https://www.googleapis.com/oauth2/v1/certs"
