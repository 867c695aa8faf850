"""`flask --app workshop ...` commands: accounts and the demo project."""

from __future__ import annotations

import click
import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask import Flask

from workshop.extensions import db
from workshop.models import User, UserRole
from workshop.models.user import MAX_NAME_CHARS, normalise_email


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(demo)
    app.cli.add_command(jobs)
    app.cli.add_command(monitoring)
    app.cli.add_command(needs)


@click.group(help="Manage organizer and conductor accounts.")
def users():
    pass


@users.command("create", help="Create an account (the password is asked for, never echoed).")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option(
    "--role", type=click.Choice([r.value for r in UserRole]), default=UserRole.ORGANIZER.value
)
@click.password_option()
def create_user(email: str, name: str, role: str, password: str):
    email = normalise_email(email)
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise click.ClickException(f"{email!r} is not a valid e-mail address: {error}") from None
    name = " ".join(name.split())
    if not name:
        raise click.ClickException("a name is required")
    if len(name) > MAX_NAME_CHARS:
        raise click.ClickException(f"the name is longer than {MAX_NAME_CHARS} characters")
    if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
        raise click.ClickException(f"an account for {email} already exists")
    user = User(email=email, name=name, role=UserRole(role))
    try:
        user.set_password(password)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    db.session.add(user)
    db.session.commit()
    click.echo(f"created {role} {email}")


def _load_library_demo() -> None:
    """The practice library's example materials, stored under the instance directory."""
    from pathlib import Path

    from flask import current_app

    from workshop.demo import load_library
    from workshop.web.library import LIBRARY_DIR_NAME

    added = load_library(db.session, Path(current_app.instance_path) / LIBRARY_DIR_NAME)
    db.session.commit()
    if added:
        click.echo(f"library: {added} example materials added")


@click.group(help="The demo project a newcomer opens first.")
def demo():
    pass


@demo.command("load", help="Create the demo accounts and project, unless they exist.")
def load_demo():
    from workshop.access.service import format_join_code
    from workshop.demo import (
        DEMO_CONDUCTOR_EMAIL,
        DEMO_JOIN_CODE,
        DEMO_ORGANIZER_EMAIL,
        DEMO_PASSWORD,
        load,
    )

    result = load(db.session)
    db.session.commit()
    click.echo(result.summary())
    _load_library_demo()
    click.echo(f"organizer login: {DEMO_ORGANIZER_EMAIL} / {DEMO_PASSWORD}")
    click.echo(f"conductor login: {DEMO_CONDUCTOR_EMAIL} / {DEMO_PASSWORD}")
    click.echo(f"participant join code: {format_join_code(DEMO_JOIN_CODE)}")


@click.group(help="The queue of heavy downloads (PDF, PNG, DOCX, XLSX, ZIP).")
def jobs():
    pass


@jobs.command(
    "worker",
    help="Render downloads from the Redis queue (WORKSHOP_JOBS=rq): the Procfile's worker: line.",
)
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
def jobs_worker(burst: bool):
    from flask import current_app
    from rq import Worker

    from workshop.jobs import jobs_of, worker

    queue = jobs_of(current_app)
    if queue.name != "rq":
        raise click.ClickException(
            "set WORKSHOP_JOBS=rq and REDIS_URL: without them the app renders in its own pool"
        )
    # Built once here and inherited by every job's work horse (RQ forks one per job).
    worker.use_app(current_app._get_current_object())
    Worker([queue.queue], connection=queue.connection).work(burst=burst)


AT_HELP = (
    "Run as if it were this moment (ISO 8601, e.g. 2027-01-15T08:00+01:00): for tests and for "
    "catching up."
)
BASE = "http://localhost"  # the links' base when BASE_URL is not set


def _links_context():
    """A request context for the links the e-mails carry: the site's address (BASE_URL)."""
    from flask import current_app

    return current_app.test_request_context(base_url=current_app.config.get("BASE_URL") or BASE)


def _moment(at: str | None):
    """--at as an aware datetime, or now."""
    from datetime import datetime

    from workshop.models import utcnow

    try:
        now = datetime.fromisoformat(at) if at else utcnow()
    except ValueError:
        raise click.ClickException(f"--at {at!r} is not an ISO 8601 moment") from None
    if now.tzinfo is None:
        raise click.ClickException("--at needs a time zone, e.g. 2027-01-15T08:00+01:00")
    return now


@click.group(help="The monitoring calendar of the indicators (docs/monitoring.md).")
def monitoring():
    pass


@monitoring.command(
    "remind",
    help="Redraw every open project's calendar and e-mail each late task's owner once: "
    "run it daily (the Procfile's cron line, or crontab).",
)
@click.option("--at", "at", default=None, help=AT_HELP)
def monitoring_remind(at: str | None):
    from workshop.monitoring import service
    from workshop.web.monitoring import tell_owner

    now = _moment(at)
    with _links_context():
        run = service.remind_late(
            db.session, now, lambda task, link: tell_owner(task, link, "reminder")
        )
    click.echo(
        f"monitoring: {run.synced} projects redrawn, {run.sent} reminders sent, "
        f"{run.unreachable} late tasks with nobody to write to"
    )


@click.group(help="The needs calls to Third Sector bodies (docs/needs.md).")
def needs():
    pass


@needs.command(
    "remind",
    help="E-mail once each body that has not answered a needs call when its link has three "
    "days left: run it daily (crontab or a systemd timer), beside monitoring remind.",
)
@click.option("--at", "at", default=None, help=AT_HELP)
def needs_remind(at: str | None):
    from flask import current_app
    from flask_babel import force_locale

    from workshop.models import Project
    from workshop.needs import service
    from workshop.web.needs import tell_body

    now = _moment(at)

    def tell(call, link) -> bool:
        return tell_body(db.session.get(Project, call.project_id), call, link, reminder=True)

    # In the office's language: the body has no account to choose another.
    with _links_context(), force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "it")):
        run = service.remind_before_expiry(db.session, now, tell)
    click.echo(
        f"needs: {run.calls} calls gathering, {run.sent} reminders sent, "
        f"{run.failed} not sent (tried again at the next run)"
    )
