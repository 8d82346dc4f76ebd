"""Command line: `flask --app app govwiki …`. Each command exits non-zero with a one-line
message on bad input."""
from __future__ import annotations

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
        user = accounts.register_user(
            db.session, name, email, password, role=role, display_name=display_name
        )
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


@govwiki_cli.command("demo")
def demo() -> None:
    """Load the demo consultation (running it again changes nothing)."""
    from govwiki.demo import load_demo

    created = load_demo(db.session)
    click.echo("demo content loaded" if created else "demo content already present")


@govwiki_cli.command("verify-audit")
def verify_audit() -> None:
    """Check the audit log's hash chain: every row intact, none removed, none truncated."""
    from sqlalchemy import func, select

    from govwiki.models import AuditEvent
    from govwiki.services import audit

    problems = audit.verify(db.session)
    if problems:
        for problem in problems:
            where = f"event {problem.event_id}" if problem.event_id else "the log"
            click.echo(f"{where}: {problem.what}", err=True)
        raise SystemExit(1)
    count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    click.echo(f"audit log intact: {count} events")
