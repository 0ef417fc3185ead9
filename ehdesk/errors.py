"""Errors a user can cause. Each carries one plain-English sentence that the CLI and the UI show
as it is; anything else reaching the top is a bug and is reported without personal data."""

from __future__ import annotations


class EhdeskError(Exception):
    """Base for every error whose message is fit to show to a user."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ProfileNotFound(EhdeskError):
    pass


class ProfileExists(EhdeskError):
    pass


class NotAProfile(EhdeskError):
    """A folder that ehdesk did not create (or that lost its key file) where a profile should be."""


class WrongPassword(EhdeskError):
    pass


class TooManyAttempts(EhdeskError):
    def __init__(self, message: str, retry_after: float) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class ProfileExpired(EhdeskError):
    """A server profile not seen online for longer than the council allows. ``signed_out``: its
    sync failed because the server no longer accepts the laptop's sign-in (it may sign in again)."""

    def __init__(self, message: str, signed_out: bool = False) -> None:
        super().__init__(message)
        self.signed_out = signed_out


class StoreDamaged(EhdeskError):
    pass


class StoreLocked(EhdeskError):
    pass


class ValidationError(EhdeskError):
    """One or more fields are wrong. ``fields`` maps a field name to the message shown beside it."""

    def __init__(self, fields: dict[str, str]) -> None:
        self.fields = dict(fields)
        joined = "; ".join(self.fields.values())
        super().__init__(joined)


class NotFound(EhdeskError):
    pass


class TypedDateError(EhdeskError, ValueError):
    """A date typed in a box that is not day/month/year, or not a real day. Also a ValueError,
    so code that reads a date box and catches ValueError keeps working."""
