"""`flask casework demo`: a believable office for trying Casework."""

import click


@click.command("demo")
def load_demo() -> None:
    """Load demo data. TODO."""
