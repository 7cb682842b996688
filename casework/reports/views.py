"""Pages of the reports feature."""

from casework.reports.blueprint import bp  # noqa: F401 - the routes below register on it
