"""Reading the mail a product sends, for logins that mail a one-time code (contracts/auth.py) and tests.

- :class:`MailCatcher`: a real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message; point a
  server at it with ``catcher.env()`` (``SMTP_HOST``, ``SMTP_PORT``, ``SMTP_STARTTLS=off``).
- :class:`Outbox`: the same reading interface over an in-process app's development outbox
  (``integrations.mail.OutboxMailer``).

Both offer ``latest(to, timeout=...) -> Message`` (the newest message to that address, waiting for it
when there is none yet) and ``clear()``.
"""
import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass

WAIT = 10.0


@dataclass(frozen=True)
class Message:
    to: tuple
    subject: str
    text: str


class _Collector:
    def __init__(self):
        self.messages = []
        self.arrived = threading.Condition()

    def add(self, message):
        with self.arrived:
            self.messages.append(message)
            self.arrived.notify_all()

    def latest(self, to, timeout=WAIT):
        to = to.lower()
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                found = [m for m in self.messages if to in m.to]
                if found:
                    return found[-1]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise LookupError(f"no mail to {to} within {timeout:g}s")
                self.arrived.wait(remaining)

    def clear(self):
        with self.arrived:
            self.messages.clear()


class MailCatcher(_Collector):
    """``with MailCatcher() as catcher:`` an SMTP server on a free local port for the block's duration."""

    def __init__(self, host="127.0.0.1"):
        super().__init__()
        self.host = host
        self.port = None
        self._controller = None

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler hook
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        self.add(Message(to=tuple(r.lower() for r in envelope.rcpt_tos), subject=str(parsed["Subject"] or ""),
                         text=body.get_content() if body is not None else ""))
        return "250 Message accepted for delivery"

    def __enter__(self):
        from aiosmtpd.controller import Controller

        with socket.socket() as sock:
            sock.bind((self.host, 0))
            self.port = sock.getsockname()[1]
        self._controller = Controller(self, hostname=self.host, port=self.port)
        self._controller.start()
        return self

    def __exit__(self, *exc):
        self._controller.stop()

    def env(self):
        """The environment that sends a server's mail here."""
        return {"SMTP_HOST": self.host, "SMTP_PORT": str(self.port), "SMTP_STARTTLS": "off",
                "SMTP_USERNAME": "", "SMTP_PASSWORD": ""}

    def settings(self):
        """The same as keyword arguments for ``Settings.from_env``."""
        return {"smtp_host": self.host, "smtp_port": self.port, "smtp_starttls": False}


class Outbox:
    """The reading interface over an ``OutboxMailer`` (an in-process app without SMTP)."""

    def __init__(self, mailer):
        self.mailer = mailer

    def latest(self, to, timeout=0):
        to = to.lower()
        for mail in reversed(list(self.mailer.outbox)):
            if mail.to.lower() == to:
                return Message(to=(to,), subject=mail.subject, text=mail.text)
        raise LookupError(f"no mail to {to} in the outbox")

    def clear(self):
        self.mailer.outbox.clear()
