"""The inbox over the plugin's real process and socket: editors read and mark messages, admins
delete them, viewers and guests are refused with a coded error."""

from __future__ import annotations

from core.security.principal import Principal

from .conftest import NOTIFICATION_ADDRESS, SUCCESS_MESSAGE, ContactPlugin, codes, user

MESSAGE_FIELDS = "id name email subject message read readAt createdAt senderIp userAgent senderId"
LIST = (
    "query($first: Int, $after: String, $unreadOnly: Boolean) { contactMessages(first: $first, "
    "after: $after, unreadOnly: $unreadOnly) { nodes { id read } endCursor hasNextPage } }"
)
ONE = f"query($id: ID!) {{ contactMessage(id: $id) {{ {MESSAGE_FIELDS} }} }}"
MARK = "mutation($id: ID!, $read: Boolean) { markContactMessageRead(id: $id, read: $read) "
MARK += "{ id read readAt } }"
MARK_DEFAULT = "mutation($id: ID!) { markContactMessageRead(id: $id) { id read readAt } }"
DELETE = "mutation($id: ID!) { deleteContactMessage(id: $id) }"
FORM_SETTINGS = "{ contactFormSettings { successMessage } }"
ADDRESS = "{ contactFormSettings { notificationAddress } }"


async def listed_ids(contact: ContactPlugin, reader: Principal, **variables: object) -> list[str]:
    result = await contact.ask(LIST, reader, first=100, **variables)
    assert "errors" not in result, result
    return [node["id"] for node in result["data"]["contactMessages"]["nodes"]]


async def test_editor_lists_messages_newest_first(contact: ContactPlugin) -> None:
    older = await contact.seed()
    newer = await contact.seed()
    ids = await listed_ids(contact, user("editor"))
    assert ids.index(newer) < ids.index(older)


async def test_editor_reads_one_message_with_its_sender_details(contact: ContactPlugin) -> None:
    message_id = await contact.seed(name="Ada", email="ada@example.com", subject="Hi")
    result = await contact.ask(ONE, user("editor"), id=message_id)
    message = result["data"]["contactMessage"]
    assert (message["name"], message["email"], message["subject"]) == (
        "Ada",
        "ada@example.com",
        "Hi",
    )
    assert (message["read"], message["readAt"], message["userAgent"]) == (False, None, "seed")
    assert message["senderIp"].startswith("2001:db8::")


async def test_unknown_message_is_null(contact: ContactPlugin) -> None:
    assert (await contact.ask(ONE, user("editor"), id="999999999"))["data"] == {
        "contactMessage": None
    }


async def test_editor_marks_a_message_read_and_unread(contact: ContactPlugin) -> None:
    editor = user("editor")
    message_id = await contact.seed()
    read = await contact.ask(MARK_DEFAULT, editor, id=message_id)
    assert read["data"]["markContactMessageRead"]["read"] is True
    first_read_at = read["data"]["markContactMessageRead"]["readAt"]
    again = await contact.ask(MARK, editor, id=message_id, read=True)
    assert again["data"]["markContactMessageRead"]["readAt"] == first_read_at
    unread = await contact.ask(MARK, editor, id=message_id, read=False)
    assert unread["data"]["markContactMessageRead"] == {
        "id": message_id,
        "read": False,
        "readAt": None,
    }


async def test_unread_only_leaves_out_read_messages(contact: ContactPlugin) -> None:
    editor = user("editor")
    read, unread = await contact.seed(), await contact.seed()
    await contact.ask(MARK_DEFAULT, editor, id=read)
    ids = await listed_ids(contact, editor, unreadOnly=True)
    assert unread in ids and read not in ids
    assert read in await listed_ids(contact, editor, unreadOnly=False)


async def test_pages_follow_the_cursor_without_repeats(contact: ContactPlugin) -> None:
    editor = user("editor")
    for _ in range(3):
        await contact.seed()
    first = (await contact.ask(LIST, editor, first=2))["data"]["contactMessages"]
    second = (await contact.ask(LIST, editor, first=2, after=first["endCursor"]))["data"]
    assert first["hasNextPage"] is True and len(first["nodes"]) == 2
    page_two = {node["id"] for node in second["contactMessages"]["nodes"]}
    assert page_two and not {node["id"] for node in first["nodes"]} & page_two


async def test_bad_arguments_are_coded_errors(contact: ContactPlugin) -> None:
    editor = user("editor")
    assert codes(await contact.ask(LIST, editor, first=0)) == ["CONTACT_INVALID_ARGUMENT"]
    assert codes(await contact.ask(LIST, editor, first=101)) == ["CONTACT_INVALID_ARGUMENT"]
    assert codes(await contact.ask(LIST, editor, after="nope")) == ["CONTACT_INVALID_ARGUMENT"]
    assert codes(await contact.ask(ONE, editor, id="abc")) == ["CONTACT_INVALID_ARGUMENT"]


async def test_marking_an_unknown_message_is_not_found(contact: ContactPlugin) -> None:
    result = await contact.ask(MARK_DEFAULT, user("editor"), id="999999999")
    assert codes(result) == ["CONTACT_MESSAGE_NOT_FOUND"]


async def test_viewers_are_refused_the_inbox(contact: ContactPlugin) -> None:
    message_id = await contact.seed()
    viewer = user("viewer")
    for document, variables in ((LIST, {}), (ONE, {"id": message_id}), (MARK, {"id": message_id})):
        result = await contact.ask(document, viewer, **variables)
        assert codes(result) == ["UNAUTHORIZED"], document
        assert "editor role" in result["errors"][0]["message"]
    assert (await contact.row(message_id) or {})["read_at"] is None


async def test_guests_are_refused_the_inbox(contact: ContactPlugin) -> None:
    message_id = await contact.seed()
    for document, variables in ((LIST, {}), (ONE, {"id": message_id}), (MARK, {"id": message_id})):
        result = await contact.ask(document, Principal.guest(), **variables)
        assert codes(result) == ["UNAUTHENTICATED"], document


async def test_admin_deletes_a_message(contact: ContactPlugin) -> None:
    admin = user("admin")
    message_id = await contact.seed()
    assert (await contact.ask(DELETE, admin, id=message_id))["data"] == {
        "deleteContactMessage": True
    }
    assert await contact.row(message_id) is None
    assert (await contact.ask(DELETE, admin, id=message_id))["data"] == {
        "deleteContactMessage": False
    }


async def test_editors_viewers_and_guests_cannot_delete(contact: ContactPlugin) -> None:
    message_id = await contact.seed()
    for who, code in (
        (user("editor"), "UNAUTHORIZED"),
        (user("viewer"), "UNAUTHORIZED"),
        (Principal.guest(), "UNAUTHENTICATED"),
    ):
        result = await contact.ask(DELETE, who, id=message_id)
        assert codes(result) == [code], who.role
    assert await contact.row(message_id) is not None


async def test_admins_also_read_and_mark_messages(contact: ContactPlugin) -> None:
    message_id = await contact.seed()
    result = await contact.ask(MARK_DEFAULT, user("admin"), id=message_id)
    assert result["data"]["markContactMessageRead"]["read"] is True


async def test_anyone_reads_the_success_message(contact: ContactPlugin) -> None:
    for who in (Principal.guest(), user("viewer")):
        result = await contact.ask(FORM_SETTINGS, who)
        assert result == {"data": {"contactFormSettings": {"successMessage": SUCCESS_MESSAGE}}}


async def test_only_admins_read_the_notification_address(contact: ContactPlugin) -> None:
    admin = await contact.ask(ADDRESS, user("admin"))
    assert admin["data"]["contactFormSettings"]["notificationAddress"] == NOTIFICATION_ADDRESS
    for who, code in (
        (user("editor"), "UNAUTHORIZED"),
        (Principal.guest(), "UNAUTHENTICATED"),
    ):
        result = await contact.ask(ADDRESS, who)
        assert codes(result) == [code]
        assert NOTIFICATION_ADDRESS not in str(result)
