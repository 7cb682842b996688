"""`flask casework …` commands; each feature keeps its own command next to its services."""

import click

from casework.accounts.commands import create_user
from casework.demo import load_demo

cli = click.Group("casework", help="Casework administration commands.")
cli.add_command(create_user)
cli.add_command(load_demo)
