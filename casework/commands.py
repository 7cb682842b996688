"""`flask casework …` commands."""

import click

cli = click.Group("casework", help="Casework administration commands.")
