"""Handing a message over: to an SMTP server (GOVWIKI_MAIL_URL) or into .eml files."""

from __future__ import annotations

import os
import smtplib
import uuid
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

#: seconds to wait for the mail server before the try counts as failed
SMTP_TIMEOUT = 30
SCHEMES = ("smtp", "smtps")


def check_mail_url(url: str) -> None:
    """Refuse a GOVWIKI_MAIL_URL that cannot work (ValueError), at start-up rather than at the
    first mail."""
    if not url:
        return
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError(f"use smtp://host:port or smtps://user:password@host:port, not {url!r}")
    parts.port  # noqa: B018 -- raises ValueError for a port that is not a number


def transport(url: str, folder: str):
    """A function that sends one message: over SMTP when `url` is set, else into `folder`."""
    return SmtpTransport(url) if url else FileTransport(folder)


class SmtpTransport:
    def __init__(self, url: str):
        check_mail_url(url)
        parts = urlsplit(url)
        self.implicit_tls = parts.scheme == "smtps"
        self.host, self.port = parts.hostname, parts.port or (465 if self.implicit_tls else 25)
        self.user = unquote(parts.username or "")
        self.password = unquote(parts.password or "")
        self.starttls = parse_qs(parts.query).get("starttls", ["false"])[0].lower() in ("1", "true", "yes")

    def __call__(self, message: EmailMessage) -> None:
        kind = smtplib.SMTP_SSL if self.implicit_tls else smtplib.SMTP
        with kind(self.host, self.port, timeout=SMTP_TIMEOUT) as server:
            if self.starttls:
                server.starttls()
            if self.user:
                server.login(self.user, self.password)
            server.send_message(message)


class FileTransport:
    """Each message as one .eml file, written whole or not at all (renamed into place)."""

    def __init__(self, folder: str):
        self.folder = folder

    def __call__(self, message: EmailMessage) -> None:
        os.makedirs(self.folder, exist_ok=True)
        name = message["Message-ID"].strip("<>").partition("@")[0]
        partial = os.path.join(self.folder, f".{name}.{uuid.uuid4().hex[:8]}.part")
        with open(partial, "wb") as file:
            file.write(message.as_bytes())
            file.flush()
            os.fsync(file.fileno())
        os.replace(partial, os.path.join(self.folder, f"{name}.eml"))
