"""`flask casework …` commands; each feature keeps its own command next to its services."""

import click

from casework.accounts.commands import create_user
from casework.demo import load_demo
from casework.reminders.commands import send_reminders

cli = click.Group("casework", help="Casework administration commands.")
cli.add_command(create_user)
cli.add_command(load_demo)
cli.add_command(send_reminders)
