"""Push: topic names, the outbox gateway, and the firebase-admin gateway against a local stub of
Google's OAuth token endpoint and the FCM HTTP v1 API.

Redirecting firebase-admin: the service account's ``token_uri`` points at the stub (google-auth honours
it), and a requests transport adapter, mounted on the messaging service's HTTP session and on the
session google-auth refreshes tokens with, sends every https request to the stub instead (naming the
original host in ``X-Stub-Host``). firebase-admin offers no emulator or URL option for FCM and reaches
those sessions only through private names (``_get_messaging_service``, ``_client``, ``_auth_request``),
so :func:`redirected` is the one place that touches them; every URL, body, header, retry and error
mapping under test is firebase-admin's own. The adapter keeps firebase-admin's retry policy (4 retries
on 500/503) without the backoff sleeps.

google-auth 2.62 also looks up the service account's "Regional Access Boundary" in a background thread
after each token refresh (``iamcredentials.googleapis.com/.../allowedLocations``); the stub answers it
too, so no test reaches the network.
"""
import json
import logging
import time
from urllib.parse import urlsplit, urlunsplit

import firebase_admin
import jwt
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from firebase_admin import messaging
from urllib3.util.retry import Retry

from integrations.push import (
    OutboxPushGateway, PushConfig, PushRecord, PushRefused, Sent, TopicChange, chat_topic, listing_topic,
    push_gateway_from_config, topic_name, user_topic,
)
from integrations.push_firebase import FirebasePushGateway
from tests.platform.stub_http import StubServer

PROJECT = "invare-test"
CHAT_ID = "0b6f2c1e-8d4a-4f7b-9a51-3c2e7d9f1a20"
TOPIC = "chat_0b6f2c1e_8d4a_4f7b_9a51_3c2e7d9f1a20"
ACCESS_TOKEN = "ya29.stub-access-token"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
UNREGISTERED = {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND",
                          "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                                       "errorCode": "UNREGISTERED"}]}}
INTERNAL = {"error": {"code": 500, "message": "Internal error encountered.", "status": "INTERNAL"}}


class TestTopicNames:
    def test_dashes_become_underscores_as_in_the_original(self):
        assert topic_name(f"chat_{CHAT_ID}") == TOPIC
        assert chat_topic(CHAT_ID) == TOPIC
        assert user_topic("5d0e-77") == "user_5d0e_77"
        assert listing_topic(42) == "listing_42"

    def test_prefix_dropped_and_names_idempotent(self):
        assert topic_name(f"/topics/{TOPIC}") == TOPIC
        assert topic_name(topic_name(f"chat_{CHAT_ID}")) == TOPIC

    @pytest.mark.parametrize("raw", ["", "chat 1", "chat/1", "chat_é", "x" * 901])
    def test_names_fcm_refuses(self, raw):
        with pytest.raises(PushRefused):
            topic_name(raw)


class TestOutboxGateway:
    def test_every_push_goes_to_the_sink_and_records(self):
        received = []
        gateway = OutboxPushGateway(received.append)
        sent = gateway.send_to_topic(f"chat_{CHAT_ID}", title="Ada Lovelace", body="Hello",
                                     data={"type": "chat_message", "chatId": CHAT_ID, "message": "{}"})
        assert sent == Sent(ok=True, message_id="outbox")
        assert gateway.subscribe(["token-1", "token-2"], "user_7") == TopicChange(ok=True)
        assert gateway.unsubscribe("token-1", "user_7") == TopicChange(ok=True)
        assert received == list(gateway.records) == [
            PushRecord("message", TOPIC, "Ada Lovelace", "Hello",
                       {"type": "chat_message", "chatId": CHAT_ID, "message": "{}"}),
            PushRecord("subscribe", "user_7", tokens=("token-1", "token-2")),
            PushRecord("unsubscribe", "user_7", tokens=("token-1",)),
        ]

    def test_default_sink_logs_at_info(self, caplog):
        caplog.set_level(logging.INFO, logger="integrations.push")
        gateway = OutboxPushGateway()
        gateway.send_to_topic("listing_1", title="New bid", body="A new bid was placed: 1500.00",
                              data={"type": "bid_added"})
        gateway.subscribe(["dGVzdC10b2tlbi0xMjM0NTY3ODkw"], "listing_1")
        assert caplog.messages == [
            "push to listing_1: New bid / A new bid was placed: 1500.00 {'type': 'bid_added'}",
            "subscribe listing_1: dGVzdC…ODkw",
        ]

    def test_a_failing_sink_is_reported_not_raised(self, caplog):
        def broken(record):
            raise RuntimeError("outbox table is gone")

        gateway = OutboxPushGateway(broken)
        assert gateway.send_to_topic("user_1", title="t", body="b") == Sent(ok=False, error="UNKNOWN")
        assert gateway.subscribe(["a"], "user_1") == TopicChange(ok=False, failed={"a": "UNKNOWN"}, error="UNKNOWN")
        assert "outbox table is gone" in caplog.text

    @pytest.mark.parametrize("topic,data", [
        pytest.param("chat 1", {}, id="bad topic"),
        pytest.param("chat_1", {"amount": 1500}, id="non-string value"),
        pytest.param("chat_1", {"from": "x"}, id="reserved key"),
        pytest.param("chat_1", {"google.x": "x"}, id="reserved prefix"),
        pytest.param("chat_1", [("type", "x")], id="data not a dict"),
        pytest.param(None, {}, id="no topic"),
    ])
    def test_malformed_messages_are_refused_before_the_sink(self, topic, data):
        gateway = OutboxPushGateway()
        assert gateway.send_to_topic(topic, title="t", body="b", data=data) == Sent(ok=False, error="INVALID_ARGUMENT")
        assert gateway.send_to_topic("chat_1", title=None, body="b") == Sent(ok=False, error="INVALID_ARGUMENT")
        assert not gateway.records

    @pytest.mark.parametrize("tokens", [[], [""], [None], ["t"] * 1001, None, 7])
    def test_malformed_token_lists_are_refused(self, tokens):
        gateway = OutboxPushGateway()
        assert gateway.subscribe(tokens, "user_1") == TopicChange(ok=False, error="INVALID_ARGUMENT")
        assert not gateway.records


def service_account(token_uri):
    pem = KEY.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    return {"type": "service_account", "project_id": PROJECT, "private_key_id": "stub-key", "private_key": pem,
            "client_email": f"push@{PROJECT}.iam.gserviceaccount.com", "client_id": "1",
            "token_uri": token_uri}


class FcmStub:
    """Google's token endpoint and the FCM v1 send and topic-subscription API; ``replies`` overrides
    the answer per token (topic calls) or for ``"send"``/``"token"``."""

    def __init__(self):
        self.replies = {}
        self.sent = 0

    def __call__(self, call):
        if call.path == "/token":
            return self.replies.get("token") or self.grant(call)
        if call.path.endswith("/allowedLocations"):
            return 200, {"encodedLocations": "0x0", "locations": []}
        if call.headers.get("authorization") != f"Bearer {ACCESS_TOKEN}":
            return 401, {"error": {"code": 401, "status": "UNAUTHENTICATED"}}
        if call.path == f"/v1/projects/{PROJECT}/messages:send":
            self.sent += 1
            return self.replies.get("send") or (200, {"name": f"projects/{PROJECT}/messages/{self.sent}"})
        prefix = f"/v1/projects/{PROJECT}/registrations/"
        if call.path.startswith(prefix) and "/topicSubscriptions" in call.path:
            token = requests.utils.unquote(call.path[len(prefix):].split("/")[0])
            return self.replies.get(token) or (200, {})
        return 404, {"error": {"code": 404, "status": "NOT_FOUND"}}

    def grant(self, call):
        form = call.form
        claims = jwt.decode(form["assertion"], KEY.public_key(), algorithms=["RS256"],
                            audience="https://oauth2.googleapis.com/token")   # google-auth's, whatever token_uri is
        assert form["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
        assert claims["iss"] == f"push@{PROJECT}.iam.gserviceaccount.com"
        assert "https://www.googleapis.com/auth/firebase" in claims["scope"].split()
        assert claims["exp"] > time.time()
        return 200, {"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "Bearer"}


class ToStub(requests.adapters.HTTPAdapter):
    """Sends an https request to the stub instead, naming the host it was meant for in X-Stub-Host."""

    def __init__(self, base_url):
        super().__init__(max_retries=Retry(connect=1, read=1, status=4, status_forcelist=[500, 503],
                                           raise_on_status=False, backoff_factor=0, allowed_methods=None))
        self.base_url = base_url

    def send(self, request, **kwargs):
        url = urlsplit(request.url)
        request.headers["X-Stub-Host"] = url.hostname
        request.url = urlunsplit(urlsplit(self.base_url)[:2] + url[2:])
        return super().send(request, **kwargs)


@pytest.fixture(scope="module")
def stub():
    with StubServer(FcmStub()) as server:
        yield server


@pytest.fixture
def fcm(stub):
    stub.reset(FcmStub())
    yield stub
    assert stub.errors == []


def redirected(gateway, base_url):
    """``gateway`` with every https request of its firebase App sent to ``base_url``."""
    fcm_session = messaging._get_messaging_service(gateway.app)._client.session   # an AuthorizedSession
    adapter = ToStub(base_url)
    for session in (fcm_session, fcm_session._auth_request.session):
        session.mount("https://", adapter)
        session.mount("https://fcm.googleapis.com", adapter)   # replaces firebase-admin's own
    return gateway


@pytest.fixture
def gateway(fcm):
    gateway = redirected(FirebasePushGateway(json.dumps(service_account(f"{fcm.url}/token"))), fcm.url)
    yield gateway
    gateway.close()


class TestFirebaseSend:
    def test_exact_request_and_message_id(self, gateway, fcm):
        sent = gateway.send_to_topic(f"chat_{CHAT_ID}", title="Ada Lovelace", body="Hello there",
                                     data={"type": "chat_message", "chatId": CHAT_ID, "message": '{"id":"m1"}'})
        assert sent == Sent(ok=True, message_id=f"projects/{PROJECT}/messages/1")
        [token_call] = fcm.calls_to("POST", "/token")
        [send_call] = fcm.calls_to("POST", "/v1/")
        assert send_call.path == f"/v1/projects/{PROJECT}/messages:send"
        assert send_call.headers["x-stub-host"] == "fcm.googleapis.com"
        assert send_call.headers["authorization"] == f"Bearer {ACCESS_TOKEN}"
        assert send_call.headers["x-goog-api-format-version"] == "2"
        assert send_call.json == {"message": {
            "topic": TOPIC,
            "notification": {"title": "Ada Lovelace", "body": "Hello there"},
            "data": {"type": "chat_message", "chatId": CHAT_ID, "message": '{"id":"m1"}'},
        }}

    def test_the_access_token_is_reused(self, gateway, fcm):
        gateway.send_to_topic("listing_1", title="New bid", body="A new bid was placed: 1500.00")
        gateway.send_to_topic("listing_1", title="New bid", body="A new bid was placed: 1600.00")
        assert len(fcm.calls_to("POST", "/token")) == 1
        last = fcm.calls_to("POST", "/v1/")[-1].json
        assert last["message"]["notification"]["body"] == "A new bid was placed: 1600.00"

    def test_server_error_is_retried_then_reported(self, gateway, fcm, caplog):
        fcm.answer.replies["send"] = (500, INTERNAL)
        assert gateway.send_to_topic("user_1", title="t", body="b") == Sent(ok=False, error="INTERNAL")
        assert len(fcm.calls_to("POST", "/v1/")) == 5      # firebase-admin retries 500 four times
        assert "push to user_1 failed: INTERNAL" in caplog.text

    def test_unregistered_is_reported(self, gateway, fcm):
        fcm.answer.replies["send"] = (404, UNREGISTERED)
        assert gateway.send_to_topic("user_1", title="t", body="b") == Sent(ok=False, error="UNREGISTERED")
        assert len(fcm.calls_to("POST", "/v1/")) == 1

    def test_refused_credentials_are_reported(self, gateway, fcm):
        fcm.answer.replies["token"] = (400, {"error": "invalid_grant", "error_description": "Invalid JWT"})
        assert gateway.send_to_topic("user_1", title="t", body="b") == Sent(ok=False, error="AUTHENTICATION")
        assert fcm.calls_to("POST", "/v1/") == []

    def test_unreachable_fcm_is_reported(self, fcm):
        gateway = redirected(FirebasePushGateway(json.dumps(service_account(f"{fcm.url}/token"))),
                             "http://127.0.0.1:9")
        try:
            assert gateway.send_to_topic("user_1", title="t", body="b") == Sent(ok=False, error="UNAVAILABLE")
        finally:
            gateway.close()

    def test_non_string_data_is_refused_before_sending(self, gateway, fcm):
        assert gateway.send_to_topic("user_1", title="t", body="b", data={"n": 1}) == \
            Sent(ok=False, error="INVALID_ARGUMENT")
        assert fcm.calls_to("POST", "/v1/") == []


class TestFirebaseTopics:
    def test_subscribe_posts_once_per_token(self, gateway, fcm):
        tokens = ["fcm:token-a", "fcm:token-b"]
        assert gateway.subscribe(tokens, f"chat_{CHAT_ID}") == TopicChange(ok=True)
        calls = sorted(fcm.calls_to("POST", "/v1/"), key=lambda c: c.path)
        assert [(c.path, c.query, c.json) for c in calls] == [
            (f"/v1/projects/{PROJECT}/registrations/fcm%3Atoken-a/topicSubscriptions", {"topic_name": [TOPIC]}, {}),
            (f"/v1/projects/{PROJECT}/registrations/fcm%3Atoken-b/topicSubscriptions", {"topic_name": [TOPIC]}, {}),
        ]

    def test_unsubscribe_deletes_the_subscription(self, gateway, fcm):
        assert gateway.unsubscribe("fcm:token-a", "listing_9") == TopicChange(ok=True)
        [call] = fcm.calls_to("DELETE")
        assert call.path == f"/v1/projects/{PROJECT}/registrations/fcm%3Atoken-a/topicSubscriptions/listing_9"
        assert call.query == {"allow_missing": ["true"]}

    def test_already_subscribed_counts_as_success(self, gateway, fcm):
        fcm.answer.replies["token-a"] = (409, {"error": {"code": 409, "status": "ALREADY_EXISTS"}})
        assert gateway.subscribe(["token-a"], "user_1") == TopicChange(ok=True)

    def test_failures_are_reported_per_token(self, gateway, fcm, caplog):
        fcm.answer.replies["gone-token-1234567"] = (404, UNREGISTERED)
        fcm.answer.replies["bad"] = (500, INTERNAL)
        change = gateway.subscribe(["good", "gone-token-1234567", "bad"], "user_1")
        assert change == TopicChange(ok=False, failed={"gone-token-1234567": "UNREGISTERED", "bad": "INTERNAL"})
        assert "subscribe to user_1: gone-t…4567 UNREGISTERED, bad INTERNAL" in caplog.text

    def test_refused_credentials_fail_every_token(self, gateway, fcm):
        fcm.answer.replies["token"] = (400, {"error": "invalid_grant"})
        assert gateway.unsubscribe(["a", "b"], "user_1") == TopicChange(
            ok=False, failed={"a": "AUTHENTICATION", "b": "AUTHENTICATION"}, error="AUTHENTICATION")


class TestFirebaseConfiguration:
    def test_credentials_as_a_path_and_project_override(self, fcm, tmp_path):
        path = tmp_path / "service-account.json"
        path.write_text(json.dumps(service_account(f"{fcm.url}/token")))
        gateway = push_gateway_from_config(
            PushConfig.from_env({"FIREBASE_CREDENTIALS": str(path), "FIREBASE_PROJECT_ID": "other-project"}))
        try:
            redirected(gateway, fcm.url)
            assert isinstance(gateway, FirebasePushGateway)
            assert gateway.app.project_id == "other-project"
            assert gateway.app.options.get("httpTimeout") == 10.0
            gateway.send_to_topic("user_1", title="t", body="b")
            assert fcm.calls_to("POST", "/v1/")[0].path == "/v1/projects/other-project/messages:send"
        finally:
            gateway.close()

    def test_each_gateway_has_its_own_named_app(self, fcm):
        account = json.dumps(service_account(f"{fcm.url}/token"))
        first, second = FirebasePushGateway(account), FirebasePushGateway(account)
        try:
            assert first.app.name != second.app.name
            with pytest.raises(ValueError):
                firebase_admin.get_app()       # the default app is never created
        finally:
            first.close()
            second.close()

    def test_without_credentials_the_outbox_is_used(self):
        sink = []
        gateway = push_gateway_from_config(PushConfig.from_env({}), sink=sink.append)
        assert isinstance(gateway, OutboxPushGateway) and gateway.sink == sink.append

    def test_malformed_credentials_fail_at_start(self):
        with pytest.raises(ValueError):
            push_gateway_from_config(PushConfig(credentials='{"type": "authorized_user"}'))
