"""Pages of the courts feature."""

from casework.courts.blueprint import bp  # noqa: F401 - the routes below register on it
