"""The contact plugin's errors: each has a stable `code` (in GraphQL errors' extensions too)."""

from __future__ import annotations

from collections.abc import Mapping


class ContactError(Exception):
    """An error a client may see; the runner shows it because it carries a `code`."""

    code = "CONTACT_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = {"code": self.code}


class UnauthenticatedError(ContactError):
    code = "UNAUTHENTICATED"


class UnauthorizedError(ContactError):
    code = "UNAUTHORIZED"


class MessageNotFoundError(ContactError):
    code = "CONTACT_MESSAGE_NOT_FOUND"


class InvalidArgumentError(ContactError):
    code = "CONTACT_INVALID_ARGUMENT"


class InvalidSubmissionError(ContactError):
    """A contact form submission with problems, each named by its field (HTTP 422)."""

    code = "CONTACT_INVALID"

    def __init__(self, fields: Mapping[str, str], message: str | None = None) -> None:
        self.fields = dict(fields)
        named = ", ".join(sorted(self.fields))
        super().__init__(message or f"check these fields and send again: {named}")


class RateLimitedError(ContactError):
    """This IP sent its hour's worth of messages (HTTP 429)."""

    code = "CONTACT_RATE_LIMITED"

    def __init__(self, limit: int, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(
            f"at most {limit} messages an hour may be sent from one address; "
            f"try again in {retry_after} seconds"
        )
