"""Outgoing mail: SMTP when ``SMTP_HOST`` is configured, else an in-process outbox that logs."""
import logging
import smtplib
import threading
from dataclasses import dataclass
from email.message import EmailMessage

log = logging.getLogger("integrations.mail")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    sender: str


class OutboxMailer:
    """Keeps every message in memory (tests read ``outbox``) and writes it to the log."""

    def __init__(self, sender):
        self.sender = sender
        self.outbox = []
        self._lock = threading.Lock()

    def send(self, *, to, subject, text):
        mail = Mail(to=to, subject=subject, text=text, sender=self.sender)
        with self._lock:
            self.outbox.append(mail)
            del self.outbox[:-100]
        log.info("mail to %s: %s\n%s", to, subject, text)


class SmtpMailer:
    def __init__(self, *, host, port=587, username=None, password=None, sender, starttls=True, timeout=10):
        self.host, self.port, self.username, self.password = host, port, username, password
        self.sender, self.starttls, self.timeout = sender, starttls, timeout

    def send(self, *, to, subject, text):
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = to
        message["Subject"] = subject
        message.set_content(text)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def mailer_from_settings(mail):
    if mail.get("host"):
        return SmtpMailer(host=mail["host"], port=mail["port"], username=mail.get("username"),
                          password=mail.get("password"), sender=mail["sender"], starttls=mail["starttls"])
    return OutboxMailer(mail["sender"])
