"""The contact plugin's GraphQL types: `ContactMessage`, its page, and the form's settings."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime

import strawberry

from .errors import InvalidArgumentError
from .store import MessageRow

_CURSOR_PREFIX = "message:"


@strawberry.type(description="A message sent with the contact form.")
class ContactMessage:
    id: strawberry.ID
    name: str = strawberry.field(description="The sender's name, as they wrote it.")
    email: str = strawberry.field(description="Where to answer the sender.")
    subject: str | None
    message: str
    read: bool = strawberry.field(description="Whether an editor marked it read.")
    read_at: datetime | None = strawberry.field(description="When it was first marked read.")
    created_at: datetime
    sender_ip: str | None = strawberry.field(description="The client IP it was sent from.")
    user_agent: str | None = strawberry.field(description="The sender's browser, as it says.")
    sender_id: strawberry.ID | None = strawberry.field(
        description="The id of the User who sent it, when they were signed in."
    )

    @classmethod
    def from_row(cls, row: MessageRow) -> ContactMessage:
        return cls(
            id=strawberry.ID(str(row.id)),
            name=row.name,
            email=row.email,
            subject=row.subject,
            message=row.message,
            read=row.read_at is not None,
            read_at=row.read_at,
            created_at=row.created_at,
            sender_ip=row.sender_ip,
            user_agent=row.user_agent,
            sender_id=None if row.sender_id is None else strawberry.ID(row.sender_id),
        )


@strawberry.type(description="A page of contact messages, newest first.")
class ContactMessageConnection:
    nodes: list[ContactMessage]
    end_cursor: str | None = strawberry.field(description="Pass as `after` for the next page.")
    has_next_page: bool


def cursor_of(message_id: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{message_id}".encode()).decode()


def id_of_cursor(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if text.startswith(_CURSOR_PREFIX):
            return int(text.removeprefix(_CURSOR_PREFIX))
    except (binascii.Error, UnicodeError, ValueError):
        pass
    raise InvalidArgumentError("after is not a cursor this API gave out (use endCursor)")


def message_id(value: strawberry.ID) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if not 1 <= number < 2**63:
        raise InvalidArgumentError(f"id {str(value)[:40]!r} is not a contact message id")
    return number
