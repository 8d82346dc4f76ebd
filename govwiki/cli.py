"""Command line: `flask --app app govwiki …`. Each command exits non-zero with a one-line
message on bad input."""

from __future__ import annotations

import os

import click
from flask.cli import AppGroup

from govwiki.extensions import db
from govwiki.services import accounts
from govwiki.services.errors import ServiceError

govwiki_cli = AppGroup("govwiki", help="GovWiki administration.")


def _fail(error: ServiceError) -> None:
    fields = getattr(error, "fields", None)
    detail = "; ".join(f"{name}: {why}" for name, why in fields.items()) if fields else ""
    raise click.ClickException(f"{error.message} {detail}".strip())


@govwiki_cli.command("create-user")
@click.argument("name")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", type=click.Choice(["resident", "official", "admin"]), default="resident")
@click.option("--display-name", default="")
def create_user(name: str, email: str, password: str, role: str, display_name: str) -> None:
    """Create an account."""
    try:
        user = accounts.register_user(db.session, name, email, password, role=role, display_name=display_name)
    except ServiceError as error:
        _fail(error)
    click.echo(f"created {user.username} ({user.role})")


@govwiki_cli.command("set-role")
@click.argument("name")
@click.argument("role")
def set_role(name: str, role: str) -> None:
    """Change someone's site role (resident, official or admin)."""
    try:
        user = accounts.set_role(db.session, None, name, role)
    except ServiceError as error:
        _fail(error)
    click.echo(f"{user.username} is now {user.role}")


@govwiki_cli.command("create-token")
@click.argument("name")
@click.option("--label", default="command line", help="A name to recognise the token by.")
def create_token(name: str, label: str) -> None:
    """Create an API token; it is printed once, as the last line."""
    try:
        user = accounts.get_user(db.session, name)
        token = accounts.create_token(db.session, user, label)
    except ServiceError as error:
        _fail(error)
    click.echo(f"API token for {user.username} (shown once):")
    click.echo(token)


@govwiki_cli.command("suspend")
@click.argument("name")
@click.option(
    "--reason", default="", help="Required: why (kept in the audit log; the person sees it at sign-in)."
)
def suspend(name: str, reason: str) -> None:
    """Suspend an account: no sign-in, no writes, no API tokens; contributions stay."""
    from govwiki.services import suspensions

    try:
        user = suspensions.suspend_user(db.session, None, name, reason=reason)
    except ServiceError as error:
        _fail(error)
    click.echo(f"{user.username} is suspended")


@govwiki_cli.command("unsuspend")
@click.argument("name")
@click.option("--reason", default="", help="Why the suspension is lifted (optional, kept in the audit log).")
def unsuspend(name: str, reason: str) -> None:
    """Lift a suspension."""
    from govwiki.services import suspensions

    try:
        user = suspensions.unsuspend_user(db.session, None, name, reason=reason)
    except ServiceError as error:
        _fail(error)
    click.echo(f"{user.username} is no longer suspended")


@govwiki_cli.command("demo")
def demo() -> None:
    """Load the demo consultation (running it again changes nothing)."""
    from govwiki.demo import load_demo

    created = load_demo(db.session)
    click.echo("demo content loaded" if created else "demo content already present")


def _published_head(_ctx, _param, value: str | None) -> tuple[int, str] | None:
    if value is None:
        return None
    number, _, hash_ = value.partition(":")
    if not (
        number.isdigit()
        and int(number) > 0
        and len(hash_) == 64
        and all(c in "0123456789abcdef" for c in hash_)
    ):
        raise click.BadParameter("give COUNT:HASH as printed by `govwiki audit-head`")
    return int(number), hash_


def _audit_problems(published=None) -> bool:
    """Print one line per problem of the audit chain on stderr; True if there were any."""
    from govwiki.services import audit

    problems = audit.verify(db.session, published)
    for problem in problems:
        where = f"event {problem.event_id}" if problem.event_id else "the log"
        click.echo(f"{where}: {problem.what}", err=True)
    return bool(problems)


@govwiki_cli.command("verify-audit")
@click.option(
    "--published",
    metavar="COUNT:HASH",
    callback=_published_head,
    help="A head printed by audit-head earlier and kept elsewhere: the chain must still hold it.",
)
def verify_audit(published) -> None:
    """Check the audit log's hash chain: every row intact, none removed, none truncated."""
    from sqlalchemy import func, select

    from govwiki.models import AuditEvent

    if _audit_problems(published):
        raise SystemExit(1)
    count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    click.echo(f"audit log intact: {count} events")


@govwiki_cli.command("audit-head")
def audit_head() -> None:
    """Print the verified head of the audit log (COUNT HASH) to publish outside the database."""
    from govwiki.services import audit

    if _audit_problems():
        raise SystemExit(1)
    count, hash_ = audit.head(db.session)
    click.echo(f"{count} {hash_}")


@govwiki_cli.command("reindex")
@click.option(
    "--procs",
    type=click.IntRange(min=1),
    default=lambda: min(2, os.cpu_count() or 1),
    show_default="2, or 1 on one core",
    help="Processes that analyse the documents (two took a third of the time of one on two cores).",
)
def reindex(procs: int) -> None:
    """Rebuild the search index from the database into a new folder and swap it in."""
    from flask import current_app

    from govwiki.search.analysis import load_dictionary
    from govwiki.services.search_rebuild import rebuild_into

    folder = current_app.config["INDEX_DIR"]
    load_dictionary()  # once, before the writer's processes start: they inherit it
    with click.progressbar(length=1, label="Indexing") as bar:

        def progress(done: int, total: int) -> None:
            bar.length = max(total, 1)
            bar.update(done - bar.pos)

        count = rebuild_into(db.engine, folder, progress, procs=procs)
    click.echo(f"Indexed {count} documents into {folder}.")


@govwiki_cli.command("send-mail")
@click.option("--once", is_flag=True, help="Send what is due now, then exit (for cron).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds to wait when nothing is due.")
@click.option("--batch", default=20, show_default=True, help="Mails claimed at a time.")
def send_mail(once: bool, interval: float, batch: int) -> None:
    """Send the mail in the outbox: over SMTP (GOVWIKI_MAIL_URL), else as .eml files."""
    import time

    from govwiki.mail.worker import worker_name

    worker = worker_name()
    while True:
        totals = _send_what_is_due(worker, batch, each=None if once else click.echo)
        if once:
            click.echo(_delivered(*totals))
            return
        time.sleep(interval)


def _send_what_is_due(worker: str, batch: int, each=None) -> tuple[int, int, int]:
    """Send passes until nothing is due (a failed mail waits for its retry time, so this ends);
    return how many were sent, failed and dropped. `each` hears of every pass that did something."""
    from govwiki.mail.worker import send_due

    sent = failed = dropped = 0
    while True:
        delivery = send_due(worker, batch)
        db.session.remove()
        if not (delivery.sent or delivery.failed or delivery.dropped):
            return sent, failed, dropped
        sent, failed, dropped = sent + delivery.sent, failed + delivery.failed, dropped + delivery.dropped
        if each is not None:
            each(_delivered(delivery.sent, delivery.failed, delivery.dropped))


def _delivered(sent: int, failed: int, dropped: int) -> str:
    return f"sent {sent}, failed {failed}" + (f", not needed any more {dropped}" if dropped else "")


@govwiki_cli.command("send-digests")
@click.option(
    "--queue-only", is_flag=True, help="Queue the digests in the outbox; leave sending to send-mail."
)
def send_digests(queue_only: bool) -> None:
    """Queue one digest mail per person with news waiting for it (run it daily), then send the
    due mail once. Running it again sends no digest twice."""
    from govwiki.mail.worker import worker_name
    from govwiki.services.notification_mail import queue_digests

    queued = queue_digests(db.session)
    db.session.remove()
    click.echo(f"queued {queued} digests")
    if not queue_only:
        click.echo(_delivered(*_send_what_is_due(worker_name(), 20)))
