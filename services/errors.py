"""Errors that reach a user: each carries a message written for a caseworker, not a stack trace."""

from __future__ import annotations


class DomainError(Exception):
    """Base for errors a page shows to the user as they are."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(DomainError):
    """The signed-in user may not see or do this; the attempt has been audited."""


class SessionEnded(PermissionDenied):
    """The signed-in user was deactivated, had their password reset or their role or team changed, or their
    session was revoked: the page signs them out with this message."""


class NotFound(DomainError):
    pass


class StaleView(DomainError):
    """What the user's screen shows is out of date: a reload shows the saved state, then they try again.

    Pages offer a Reload button for this type (and its subclasses), never by reading the message.
    """


class ConflictError(StaleView):
    """Someone else saved a change first; the user must reload before trying again.

    `seen` and `saved` are the row versions (the screen's, the database's) for logs and tests: the message
    a user reads never shows them.
    """

    def __init__(self, message: str, *, seen: int | None = None, saved: int | None = None) -> None:
        super().__init__(message)
        self.seen, self.saved = seen, saved


class GoneFromView(StaleView, NotFound):
    """What the user acted on is no longer there (a CMS line, a task): their screen is out of date."""


class ValidationFailed(DomainError):
    """One or more fields are wrong: `errors` maps each field to its message (GOV.UK style)."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("There is a problem: " + "; ".join(errors.values()))
        self.errors = errors
