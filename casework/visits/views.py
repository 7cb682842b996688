"""Pages of the visits feature."""

from casework.visits.blueprint import bp  # noqa: F401 - the routes below register on it
