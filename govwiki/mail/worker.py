"""The mail worker's passes: claim due mail, compose it, hand it over (needs the app context)."""

from __future__ import annotations

import os
import socket

from flask import current_app

from govwiki.extensions import db
from govwiki.mail.compose import compose
from govwiki.mail.letters import letter_for
from govwiki.mail.transport import transport
from govwiki.models import OutgoingMail
from govwiki.services import outbox


def worker_name() -> str:
    return f"{socket.gethostname()[:28]}:{os.getpid()}"


def outbox_folder() -> str:
    return os.path.join(current_app.instance_path, "outbox")


def send_due(worker: str | None = None, limit: int = 20) -> outbox.Delivery:
    """One pass over the due mail."""
    config = current_app.config
    hand_over = transport(config["MAIL_URL"], outbox_folder())

    def send(mail: OutgoingMail) -> tuple[str, str]:
        message, subject, kept = compose(mail, config["MAIL_FROM"], letter_for(db.session, mail))
        hand_over(message)
        return subject, kept

    return outbox.deliver_due(db.session, worker or worker_name(), send, limit)
