"""Outgoing mail over SMTP (stdlib smtplib), configured by the MAIL_* settings.

Kept small on purpose: the reminders build EmailMessage objects and hand them to send(), and
the tests replace smtplib.SMTP to capture what would leave the office.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable, Iterator
from contextlib import suppress
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

# A mail server that stops answering must not hang the morning's cron job.
SMTP_TIMEOUT_SECONDS = 30


def compose(*, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    """A plain-text message from MAIL_SENDER, with an optional HTML alternative."""
    sender = current_app.config["MAIL_SENDER"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    # RFC 3834: out-of-office robots should not answer an automatic mail.
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message


def send(messages: Iterable[EmailMessage]) -> Iterator[tuple[EmailMessage, Exception | None]]:
    """Send the messages over one connection, yielding each with the error that stopped it
    (None once the server accepted it), so the caller can record each success at once.

    When the server cannot be reached every message fails with that error; a message the
    server refuses does not stop the next one.
    """
    try:
        smtp = _connect()
    except (OSError, smtplib.SMTPException) as error:  # smtplib errors are OSErrors too
        for message in messages:
            yield message, error
        return
    try:
        for message in messages:
            try:
                smtp.send_message(message)
            except (OSError, smtplib.SMTPException) as error:
                yield message, error
            else:
                yield message, None
    finally:
        with suppress(OSError, smtplib.SMTPException):
            smtp.quit()


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT_SECONDS)
    try:
        if config["MAIL_USE_STARTTLS"]:
            smtp.starttls(context=ssl.create_default_context())
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp
