"""Push notifications to FCM topics, behind one small gateway with an outbox fake.

Invare pushes to topics, never to single devices (like the original): devices subscribe to
``user_<userId>``, ``chat_<chatId>`` and ``listing_<listingId>``, the ids' dashes replaced by
underscores (:func:`topic_name`, :func:`user_topic`, :func:`chat_topic`, :func:`listing_topic`).

Every gateway offers::

    send_to_topic(topic, *, title, body, data) -> Sent           # data: dict[str, str]
    subscribe(tokens, topic) -> TopicChange
    unsubscribe(tokens, topic) -> TopicChange

and none of them raises: a refused or failed push is logged and reported in the result
(``Sent.ok`` / ``TopicChange.ok``), so the request that caused it still succeeds.

* :class:`FirebasePushGateway` (``integrations.push_firebase``) sends through ``firebase-admin`` when
  ``FIREBASE_CREDENTIALS`` is set (the service-account JSON itself, or a path to it;
  ``FIREBASE_PROJECT_ID`` overrides the account's project, ``FIREBASE_TIMEOUT`` the seconds per call).
* :class:`OutboxPushGateway`, the default, hands every push to a sink callable as a :class:`PushRecord`
  (the product's sink stores it in an outbox table; the default sink logs it at INFO) and keeps the
  last 100 in ``records``, so tests and the log show what would have been sent.
"""
import logging
import os
import re
import threading
from collections import deque
from dataclasses import dataclass, field

log = logging.getLogger("integrations.push")

_TOPIC = re.compile(r"[a-zA-Z0-9_.~%-]{1,900}")   # what FCM accepts after "/topics/"
_RESERVED_DATA_KEYS = ("from", "notification", "message_type")
_RESERVED_DATA_PREFIXES = ("google.", "gcm.")
MAX_TOKENS = 1000                                  # per subscribe/unsubscribe call, as FCM allows


class PushRefused(ValueError):
    """The push itself is malformed (topic name, data values); reported, never raised to callers."""


def topic_name(raw):
    """The FCM topic for ``raw`` as the original named it: every dash replaced by an underscore
    (``"chat_0b6f-..."`` -> ``"chat_0b6f_..."``); a ``/topics/`` prefix is dropped."""
    if not isinstance(raw, str):
        raise PushRefused(f"a topic name is a string, not {type(raw).__name__}")
    name = raw.removeprefix("/topics/").replace("-", "_")
    if not _TOPIC.fullmatch(name):
        raise PushRefused(f"{raw!r} is not a valid FCM topic name")
    return name


def user_topic(user_id):
    return topic_name(f"user_{user_id}")


def chat_topic(chat_id):
    return topic_name(f"chat_{chat_id}")


def listing_topic(listing_id):
    return topic_name(f"listing_{listing_id}")


@dataclass(frozen=True)
class PushRecord:
    """One push as handed to the outbox sink: ``kind`` is ``message``, ``subscribe`` or ``unsubscribe``."""
    kind: str
    topic: str
    title: str | None = None
    body: str | None = None
    data: dict[str, str] = field(default_factory=dict)
    tokens: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sent:
    ok: bool
    message_id: str | None = None    # FCM's "projects/<p>/messages/<n>"; "outbox" for the fake
    error: str | None = None         # e.g. UNREGISTERED, INTERNAL, UNAVAILABLE, INVALID_ARGUMENT


@dataclass(frozen=True)
class TopicChange:
    ok: bool                                              # every token changed
    failed: dict[str, str] = field(default_factory=dict)  # token -> reason (NOT_FOUND, INVALID_ARGUMENT...)
    error: str | None = None                              # the whole call failed (then every token is in failed)


def _check_text(name, value):
    if not isinstance(value, str):
        raise PushRefused(f"{name} must be a string")
    return value


def _check_data(data):
    if not isinstance(data, dict):
        raise PushRefused("data must be a dict of strings")
    for key, value in data.items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise PushRefused(f"data[{key!r}] must map a string to a string (JSON-encode objects)")
        if key in _RESERVED_DATA_KEYS or key.startswith(_RESERVED_DATA_PREFIXES):
            raise PushRefused(f"data key {key!r} is reserved by FCM")
    return dict(data)


def _check_tokens(tokens):
    if isinstance(tokens, str):
        tokens = (tokens,)
    elif isinstance(tokens, (list, tuple, set, frozenset)):
        tokens = tuple(tokens)
    else:
        raise PushRefused("tokens must be a token or a list of tokens")
    if not tokens or len(tokens) > MAX_TOKENS or not all(isinstance(t, str) and t for t in tokens):
        raise PushRefused(f"tokens must be 1 to {MAX_TOKENS} non-empty strings")
    return tokens


def redact(token):
    """A device token as the log shows it: enough to tell tokens apart, not enough to push to one."""
    return token if len(token) <= 12 else f"{token[:6]}…{token[-4:]}"


class PushGateway:
    """Validates, delegates to ``_send``/``_change`` and turns every failure into a result."""

    def send_to_topic(self, topic, *, title, body, data=None):
        try:
            record = PushRecord("message", topic_name(topic), _check_text("title", title),
                                _check_text("body", body), _check_data({} if data is None else data))
        except PushRefused as exc:
            log.error("push to %r refused: %s", topic, exc)
            return Sent(ok=False, error="INVALID_ARGUMENT")
        try:
            return self._send(record)
        except Exception as exc:  # a push never fails the request that caused it
            reason = self._failure(exc, f"push to {record.topic}")
            return Sent(ok=False, error=reason)

    def subscribe(self, tokens, topic):
        return self._topic_change("subscribe", tokens, topic)

    def unsubscribe(self, tokens, topic):
        return self._topic_change("unsubscribe", tokens, topic)

    def _topic_change(self, kind, tokens, topic):
        try:
            record = PushRecord(kind, topic_name(topic), tokens=_check_tokens(tokens))
        except PushRefused as exc:
            log.error("%s %r refused: %s", kind, topic, exc)
            return TopicChange(ok=False, error="INVALID_ARGUMENT")
        try:
            change = self._change(record)
        except Exception as exc:
            reason = self._failure(exc, f"{kind} of {len(record.tokens)} token(s) to {record.topic}")
            return TopicChange(ok=False, failed={t: reason for t in record.tokens}, error=reason)
        if change.failed:
            log.warning("%s to %s: %s", kind, record.topic,
                        ", ".join(f"{redact(t)} {reason}" for t, reason in change.failed.items()))
        return change

    def _failure(self, exc, what):
        """Logs a failed call and returns its reason; the traceback only for the unexpected."""
        reason = self._reason(exc)
        log.warning("%s failed: %s %s", what, reason or "UNKNOWN", exc, exc_info=reason is None)
        return reason or "UNKNOWN"

    def _reason(self, exc):
        """A short reason for a known failure (adapters add their provider's), else None."""
        return "INVALID_ARGUMENT" if isinstance(exc, ValueError) else None

    def _send(self, record):
        raise NotImplementedError

    def _change(self, record):
        raise NotImplementedError

    def close(self):
        pass


def log_push(record):
    """The default outbox sink: one INFO line per push."""
    if record.kind == "message":
        log.info("push to %s: %s / %s %s", record.topic, record.title, record.body, record.data)
    else:
        log.info("%s %s: %s", record.kind, record.topic, ", ".join(redact(t) for t in record.tokens))


class OutboxPushGateway(PushGateway):
    """Sends nothing: hands each push to ``sink`` (default :func:`log_push`) and remembers the last 100."""

    def __init__(self, sink=None):
        self.sink = sink or log_push
        self.records = deque(maxlen=100)
        self._lock = threading.Lock()

    def _send(self, record):
        self._hand_over(record)
        return Sent(ok=True, message_id="outbox")

    def _change(self, record):
        self._hand_over(record)
        return TopicChange(ok=True)

    def _hand_over(self, record):
        self.sink(record)
        with self._lock:
            self.records.append(record)


@dataclass(frozen=True)
class PushConfig:
    credentials: str | None = None      # FIREBASE_CREDENTIALS: the service-account JSON, or a path to it
    project_id: str | None = None       # FIREBASE_PROJECT_ID (default: the service account's project)
    timeout: float = 10.0               # FIREBASE_TIMEOUT, seconds per HTTP call

    @classmethod
    def from_env(cls, env=None):
        env = os.environ if env is None else env
        return cls(credentials=(env.get("FIREBASE_CREDENTIALS") or "").strip() or None,
                   project_id=(env.get("FIREBASE_PROJECT_ID") or "").strip() or None,
                   timeout=float(env.get("FIREBASE_TIMEOUT") or 10.0))


def push_gateway_from_config(config, *, sink=None):
    """Firebase when credentials are configured, else the outbox (``sink`` receives each PushRecord)."""
    if config.credentials:
        from integrations.push_firebase import FirebasePushGateway

        return FirebasePushGateway(config.credentials, project_id=config.project_id, timeout=config.timeout)
    return OutboxPushGateway(sink)
