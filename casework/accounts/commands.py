"""`flask casework create-user`."""

import click


@click.command("create-user")
def create_user() -> None:
    """Create a user (the first admin). TODO."""
