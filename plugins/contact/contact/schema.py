"""The contact plugin's part of the supergraph: the messages inbox and the form's settings."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.federation.schema_directives import RequiresScopes
from strawberry.types import Info

from plugins.sdk.request import PluginRequest

from . import access, store
from .errors import InvalidArgumentError, MessageNotFoundError
from .model import ContactMessage, ContactMessageConnection, cursor_of, id_of_cursor, message_id
from .settings import ContactSettings

Context = Info[PluginRequest, None]
EDITOR_ONLY = [RequiresScopes(scopes=[[access.EDITOR]])]
ADMIN_ONLY = [RequiresScopes(scopes=[[access.ADMIN]])]
DEFAULT_PAGE = 20
MAX_PAGE = 100


def _database(info: Context) -> Any:
    return info.context.database()


def _page_size(first: int | None) -> int:
    size = DEFAULT_PAGE if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise InvalidArgumentError(f"first must be between 1 and {MAX_PAGE}, not {size}")
    return size


@strawberry.type(description="What the public contact form needs to know about itself.")
class ContactFormSettings:
    settings: strawberry.Private[ContactSettings]

    @strawberry.field(description="What to show a sender once their message is sent.")
    def success_message(self) -> str:
        return self.settings.success_message

    @strawberry.field(
        directives=ADMIN_ONLY, description="Where new messages are announced (admins only)."
    )
    def notification_address(self, info: Context) -> str | None:
        access.require_admin(info.context.principal, "read the notification address")
        return self.settings.notification_address


@strawberry.type
class Query:
    @strawberry.field(
        directives=EDITOR_ONLY,
        description="Contact messages, newest first (editors); `unreadOnly` leaves out read ones.",
    )
    async def contact_messages(
        self,
        info: Context,
        first: int | None = None,
        after: str | None = None,
        unread_only: bool | None = None,
    ) -> ContactMessageConnection:
        access.require_editor(info.context.principal, "read contact messages")
        size = _page_size(first)
        after_id = None if after is None else id_of_cursor(after)
        async with _database(info).acquire() as connection:
            rows, more = await store.page(
                connection, first=size, after_id=after_id, unread_only=bool(unread_only)
            )
        return ContactMessageConnection(
            nodes=[ContactMessage.from_row(row) for row in rows],
            end_cursor=cursor_of(rows[-1].id) if rows else None,
            has_next_page=more,
        )

    @strawberry.field(directives=EDITOR_ONLY, description="One contact message (editors).")
    async def contact_message(self, info: Context, id: strawberry.ID) -> ContactMessage | None:
        access.require_editor(info.context.principal, "read contact messages")
        async with _database(info).acquire() as connection:
            row = await store.by_id(connection, message_id(id))
        return None if row is None else ContactMessage.from_row(row)

    @strawberry.field(description="The public form's settings (no secrets).")
    def contact_form_settings(self, info: Context) -> ContactFormSettings:
        return ContactFormSettings(settings=ContactSettings.from_mapping(info.context.settings))


@strawberry.type
class Mutation:
    @strawberry.mutation(
        directives=EDITOR_ONLY,
        description="Mark a message read, or unread again with `read: false` (editors).",
    )
    async def mark_contact_message_read(
        self, info: Context, id: strawberry.ID, read: bool | None = True
    ) -> ContactMessage | None:
        access.require_editor(info.context.principal, "mark contact messages read")
        async with _database(info).acquire() as connection:
            row = await store.mark_read(connection, message_id(id), read is not False)
        if row is None:
            raise MessageNotFoundError(f"no contact message with id {str(id)[:40]!r}")
        return ContactMessage.from_row(row)

    @strawberry.mutation(
        directives=ADMIN_ONLY,
        description="Delete a message for good (admins); true when it was deleted.",
    )
    async def delete_contact_message(self, info: Context, id: strawberry.ID) -> bool:
        access.require_admin(info.context.principal, "delete contact messages")
        async with _database(info).acquire() as connection:
            return await store.delete(connection, message_id(id))
