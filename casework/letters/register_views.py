"""Placeholder until written."""

from casework.letters.blueprint import bp  # noqa: F401
