"""`flask casework send-reminders`: the morning's digest mails, meant for cron."""

from __future__ import annotations

from datetime import datetime

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from casework.database import office_today
from casework.extensions import db
from casework.reminders import mail, services
from casework.workdays import WorkingCalendar


@click.command("send-reminders")
@click.option("--dry-run", is_flag=True, help="Print the digests that would be sent; send "
              "and record nothing.")
@click.option("--date", "day", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="The office day to remind of (default: today in Asia/Almaty).")
@click.option("--working-days-only", is_flag=True, help="Send nothing on weekends, public "
              "holidays and the calendar's days off (for a daily cron line).")
@with_appcontext
def send_reminders(dry_run: bool, day: datetime | None, working_days_only: bool) -> None:
    """E-mail each assignee their deadlines due soon or overdue, and each supervisor the
    overdue items of their region. Safe to run again: a digest goes out once a day."""
    today = day.date() if day else office_today()
    if working_days_only and not WorkingCalendar.load().is_working_day(today):
        click.echo(f"{today.isoformat()}: not a working day, nothing sent.")
        return
    digests = services.pending_digests(today)
    if dry_run:
        _print_digests(digests)
        db.session.rollback()
        return
    if not digests:
        click.echo(f"{today.isoformat()}: nothing to send.")
        return
    failed = _send(digests)
    click.echo(f"{today.isoformat()}: {len(digests) - failed} sent, {failed} failed.")
    if failed:
        # Cron reports a non-zero exit; the next run retries what failed.
        raise click.exceptions.Exit(1)


def _send(digests: list[services.Digest]) -> int:
    """Send the digests, recording each as soon as the server accepted it; count failures."""
    failed = 0
    messages = [services.message_for(digest) for digest in digests]
    for digest, (_message, error) in zip(digests, mail.send(messages), strict=True):
        recipient = f"{digest.recipient.email} ({digest.kind.value}, {len(digest.items)} items)"
        if error is not None:
            failed += 1
            click.echo(f"FAILED {recipient}: {error}", err=True)
            continue
        try:
            services.record_sent(digest)
            db.session.commit()
        except sa.exc.IntegrityError:
            # Another run recorded this digest in the meantime: the person got it twice,
            # but the record stays single.
            db.session.rollback()
            click.echo(f"sent {recipient}; already recorded by another run", err=True)
            continue
        click.echo(f"sent {recipient}")
    return failed


def _print_digests(digests: list[services.Digest]) -> None:
    if not digests:
        click.echo("Nothing to send.")
    for digest in digests:
        message = services.message_for(digest)
        body = message.get_body(preferencelist=("plain",))
        text = body.get_content() if body is not None else ""
        click.echo(f"To: {digest.recipient.email}\nKind: {digest.kind.value}\n"
                   f"Subject: {message['Subject']}\n\n{text}")
        click.echo("=" * 72)

