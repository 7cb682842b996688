"""`flask casework create-user`: accounts from the command line (the first admin, above all)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from casework.accounts.roles import Role
from casework.accounts.services import AccountError
from casework.accounts.services import create_user as create_account
from casework.extensions import db
from casework.reference.models import Language
from casework.reference.regions import Region


def read_password(from_stdin: bool) -> str:
    """From standard input (for scripts), else typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("create-user")
@click.option("--email", required=True, help="Sign-in e-mail address.")
@click.option("--name", "full_name", required=True, help="Full name as shown in the app.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    type=click.Choice([role.value for role in Role]),
    help="Role; repeat for several.",
)
@click.option("--region", type=click.Choice([region.value for region in Region]))
@click.option("--language", type=click.Choice([language.value for language in Language]))
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_user(
    email: str,
    full_name: str,
    roles: tuple[str, ...],
    region: str | None,
    language: str | None,
    password_stdin: bool,
) -> None:
    """Create an active user account (for example the first admin)."""
    password = read_password(password_stdin)
    try:
        user = create_account(
            email=email,
            full_name=full_name,
            roles={Role(role) for role in roles},
            password=password,
            region=Region(region) if region else None,
            language=Language(language) if language else None,
            actor=None,
        )
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(f"{error.field}: {error.message}") from error
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(sorted(roles))}).")
