"""Why a business rule refused a request. Services raise these; views show `message` next to
the input named by `field`, or as a message on the page when no single input is at fault."""

from __future__ import annotations


class Refusal(Exception):
    """A business rule refused the request; nothing it would have changed is kept."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidTransition(Refusal):
    """A lifecycle table has no such step from the current status, or its conditions fail."""


class NotAllowed(Refusal):
    """The actor's role or relation to the object does not allow this."""
