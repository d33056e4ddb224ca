"""The public form endpoint over the plugin's real process: `POST /http/messages` on its socket,
with a token minted as the gateway mints it (the gateway serves it at
`/api/plugins/contact/messages`)."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

from core.security.principal import RequestContext

from .conftest import RATE_LIMIT, SUCCESS_MESSAGE, ContactPlugin, fresh_ip, user, valid_fields
from .test_messages import ONE


async def test_a_valid_message_is_stored_with_its_sender_details(contact: ContactPlugin) -> None:
    ip = fresh_ip()
    text = f"Please call me back {secrets.token_hex(4)}"
    response = await contact.submit(valid_fields(message=f"  {text}  "), ip=ip)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body == {"id": body["id"], "received": True, "message": SUCCESS_MESSAGE}
    row = await contact.row(body["id"])
    assert row is not None
    assert (row["name"], row["email"], row["subject"], row["message"]) == (
        "Grace Hopper",
        "grace@example.com",
        "A question",
        text,
    )
    assert (row["sender_ip"], row["user_agent"], row["sender_id"]) == (
        ip,
        "contact-tests/1.0",
        None,
    )
    assert row["read_at"] is None


async def test_a_signed_in_senders_user_id_is_stored(contact: ContactPlugin) -> None:
    viewer = user("viewer")
    response = await contact.http(
        "POST",
        "/messages",
        principal=viewer,
        context=RequestContext(ip=fresh_ip(), user_agent="browser"),
        json=valid_fields(),
    )
    assert response.status_code == 201, response.text
    row = await contact.row(response.json()["id"])
    assert row is not None and row["sender_id"] == viewer.sub


async def test_a_url_encoded_form_is_accepted(contact: ContactPlugin) -> None:
    response = await contact.http(
        "POST",
        "/messages",
        context=RequestContext(ip=fresh_ip()),
        data={"name": "Alan", "email": "alan@example.com", "message": "Hello & goodbye"},
    )
    assert response.status_code == 201, response.text
    row = await contact.row(response.json()["id"])
    assert row is not None
    assert (row["name"], row["subject"], row["message"]) == ("Alan", None, "Hello & goodbye")


async def test_a_multipart_form_is_accepted(contact: ContactPlugin) -> None:
    response = await contact.http(
        "POST",
        "/messages",
        context=RequestContext(ip=fresh_ip()),
        files={
            "name": (None, "Edsger"),
            "email": (None, "edsger@example.com"),
            "message": (None, "Multipart works"),
        },
    )
    assert response.status_code == 201, response.text
    row = await contact.row(response.json()["id"])
    assert row is not None and row["message"] == "Multipart works"


async def test_a_sent_message_reaches_the_editors_inbox(contact: ContactPlugin) -> None:
    response = await contact.submit(valid_fields(subject="Inbox check"))
    result = await contact.ask(ONE, user("editor"), id=response.json()["id"])
    assert result["data"]["contactMessage"]["subject"] == "Inbox check"


async def test_invalid_fields_are_answered_422_naming_each_field(contact: ContactPlugin) -> None:
    response = await contact.submit(
        {"name": "", "email": "not-an-address", "subject": "x" * 201, "message": "Hi"}
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "CONTACT_INVALID"
    assert error["fields"] == {
        "name": "is required",
        "email": "must be an email address, like name@example.com",
        "subject": "must be at most 200 characters",
    }
    assert "email" in error["message"] and "name" in error["message"]


async def test_a_missing_message_is_named(contact: ContactPlugin) -> None:
    fields = valid_fields()
    del fields["message"]
    response = await contact.submit(fields)
    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"message": "is required"}


async def test_the_limit_answers_429_with_retry_after_past_the_hours_allowance(
    contact: ContactPlugin,
) -> None:
    ip = fresh_ip()
    for _ in range(RATE_LIMIT):
        assert (await contact.submit(valid_fields(), ip=ip)).status_code == 201
    refused = await contact.submit(valid_fields(), ip=ip)
    assert refused.status_code == 429
    error = refused.json()["error"]
    assert error["code"] == "CONTACT_RATE_LIMITED"
    retry_after = int(refused.headers["retry-after"])
    assert 3500 < retry_after <= 3600
    assert error["retry_after"] == retry_after
    assert (await contact.submit(valid_fields(), ip=fresh_ip())).status_code == 201


async def test_refused_submissions_do_not_count_toward_the_limit(contact: ContactPlugin) -> None:
    ip = fresh_ip()
    for _ in range(RATE_LIMIT + 2):
        assert (await contact.submit(valid_fields(email="nope"), ip=ip)).status_code == 422
    for _ in range(RATE_LIMIT):
        assert (await contact.submit(valid_fields(), ip=ip)).status_code == 201


async def test_concurrent_submissions_never_overshoot_the_limit(contact: ContactPlugin) -> None:
    ip = fresh_ip()
    responses = await asyncio.gather(
        *(contact.submit(valid_fields(), ip=ip) for _ in range(RATE_LIMIT + 3))
    )
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * RATE_LIMIT + [429] * 3


async def test_the_honeypot_is_accepted_but_not_stored(contact: ContactPlugin) -> None:
    response = await contact.submit(valid_fields(website="http://buy.example"))
    assert response.status_code == 201
    assert response.json()["received"] is True
    assert await contact.row(response.json()["id"]) is None


async def test_a_request_without_an_internal_token_is_refused(contact: ContactPlugin) -> None:
    response = await contact.http("POST", "/messages", signed=False, json=valid_fields())
    assert response.status_code == 401


FORM = "application/x-www-form-urlencoded"


async def test_malformed_bodies_are_coded_errors(contact: ContactPlugin) -> None:
    cases: list[tuple[dict[str, Any], int]] = [
        ({"content": b"{not json", "headers": {"content-type": "application/json"}}, 400),
        ({"json": ["a", "list"]}, 400),
        ({"content": b"[" * 30_000, "headers": {"content-type": "application/json"}}, 400),
        ({"content": b"\xff\xfe", "headers": {"content-type": FORM}}, 400),
        ({"content": b"hello", "headers": {"content-type": "text/plain"}}, 415),
        ({"json": valid_fields(message="x" * 40_000)}, 413),
    ]
    expected = {
        400: "CONTACT_MALFORMED_REQUEST",
        413: "CONTACT_TOO_LARGE",
        415: "CONTACT_UNSUPPORTED_MEDIA_TYPE",
    }
    for kwargs, status in cases:
        response = await contact.http(
            "POST", "/messages", context=RequestContext(ip=fresh_ip()), **kwargs
        )
        assert response.status_code == status, kwargs
        assert response.json()["error"]["code"] == expected[status]


async def test_only_post_is_allowed_on_messages(contact: ContactPlugin) -> None:
    assert (await contact.http("GET", "/messages")).status_code == 405


async def test_health_route_answers_ok(contact: ContactPlugin) -> None:
    response = await contact.http("GET", "/health")
    assert (response.status_code, response.json()) == (200, {"ok": True})
