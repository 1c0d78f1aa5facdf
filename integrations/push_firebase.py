"""The real push gateway: FCM HTTP v1 through ``firebase-admin`` (7.7.0).

Each gateway owns a *named* firebase_admin App (never the process-wide default app, so two gateways,
or another library's default app, never share credentials), created from a service account given
as its JSON text or a path to it.

What firebase-admin 7.7.0 does on the wire (the tests' stub checks exactly this):

* ``send``: ``POST https://fcm.googleapis.com/v1/projects/<p>/messages:send`` with
  ``{"message": {"topic", "notification": {"title", "body"}, "data"}}`` → ``{"name": ...}``.
* ``subscribe_to_topic`` / ``unsubscribe_from_topic`` use the FCM v1 topic-subscription API, one call
  per token: ``POST .../v1/projects/<p>/registrations/<token>/topicSubscriptions?topic_name=<t>`` (body
  ``{}``; 409 ALREADY_EXISTS counts as success) and ``DELETE .../topicSubscriptions/<t>?allow_missing=true``.
  The Instance ID ``iid/v1:batchAdd``/``batchRemove`` calls survive only as the deprecated
  ``*_legacy`` functions, which this gateway does not use.
* Calls to fcm.googleapis.com are retried by urllib3 on 500 and 503, up to 4 times with exponential
  backoff (about 7 s in all), and on one connection or read error; ``timeout`` bounds each attempt.
* An OAuth access token is fetched from the account's ``token_uri`` before the first call and
  refreshed when it expires; a refusal there raises google-auth's ``RefreshError`` and an unreachable
  endpoint its ``TransportError``, not FirebaseErrors (reported as ``AUTHENTICATION`` / ``UNAVAILABLE``).
* After each token refresh google-auth (2.62) also looks up the account's Regional Access Boundary in
  a background thread (``GET https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/
  <email>/allowedLocations``); egress must allow that host too, else it logs a warning and retries
  after a cooldown (15 min, growing to 6 h). Pushes are not held up by it.
"""
import json
import uuid

import firebase_admin
import google.auth.exceptions
from firebase_admin import credentials, exceptions, messaging

from integrations.push import PushGateway, Sent, TopicChange

# FCM's specific refusals (all are FirebaseErrors whose .code is broader, e.g. NOT_FOUND for UNREGISTERED)
_FCM_REASONS = (
    (messaging.UnregisteredError, "UNREGISTERED"),
    (messaging.SenderIdMismatchError, "SENDER_ID_MISMATCH"),
    (messaging.QuotaExceededError, "QUOTA_EXCEEDED"),
    (messaging.ThirdPartyAuthError, "THIRD_PARTY_AUTH_ERROR"),
)


def _certificate(source):
    """A service-account credential from its JSON text (starts with ``{``) or a path to the file."""
    text = source.strip()
    return credentials.Certificate(json.loads(text) if text.startswith("{") else text)


class FirebasePushGateway(PushGateway):
    def __init__(self, service_account, *, project_id=None, timeout=10.0, name=None):
        options = {"httpTimeout": timeout}
        if project_id:
            options["projectId"] = project_id
        self.app = firebase_admin.initialize_app(_certificate(service_account), options,
                                                 name=name or f"push-{uuid.uuid4().hex}")

    def _send(self, record):
        message = messaging.Message(topic=record.topic, data=record.data,
                                    notification=messaging.Notification(title=record.title, body=record.body))
        return Sent(ok=True, message_id=messaging.send(message, app=self.app))

    def _change(self, record):
        change = messaging.subscribe_to_topic if record.kind == "subscribe" else messaging.unsubscribe_from_topic
        response = change(list(record.tokens), record.topic, app=self.app)
        failed = {record.tokens[error.index]: error.reason for error in response.errors}
        return TopicChange(ok=not failed, failed=failed)

    def _reason(self, exc):
        for kind, reason in _FCM_REASONS:
            if isinstance(exc, kind):
                return reason
        # a token refresh failing inside the topic calls' worker threads arrives wrapped in UnknownError
        cause = exc.cause if isinstance(exc, exceptions.UnknownError) else exc
        if isinstance(cause, google.auth.exceptions.RefreshError):
            return "AUTHENTICATION"
        if isinstance(cause, google.auth.exceptions.TransportError):   # the token endpoint is unreachable
            return "UNAVAILABLE"
        if isinstance(exc, exceptions.FirebaseError):
            return exc.code
        return super()._reason(exc)

    def close(self):
        """Deletes the App. Call it from plain (non-async) code: firebase-admin closes its httpx
        client with ``asyncio.run``, which fails inside a running event loop."""
        firebase_admin.delete_app(self.app)
