"""Routes of the recommendations blueprint (being written)."""

from casework.recommendations.blueprint import bp  # noqa: F401
