"""Pages of the violations feature."""

from casework.violations.blueprint import bp  # noqa: F401 - the routes below register on it
