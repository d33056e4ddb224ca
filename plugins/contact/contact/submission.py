"""A contact form submission: its fields checked one by one, every problem named by its field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .errors import InvalidSubmissionError

MAX_NAME = 100
MAX_EMAIL = 254
MAX_EMAIL_LOCAL = 64
MAX_SUBJECT = 200
MAX_MESSAGE = 5000
HONEYPOT = "website"
"""A field the form hides from people: only bots fill it in."""

# One @, no spaces, a dot in the domain, and no dot at either end of the domain: the shape of an
# address, not a proof that it exists (only sending to it would tell).
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")
# Control characters (newlines included) in a one-line field could forge headers in a
# notification mail or mislead whoever reads the inbox.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# In the message itself, newlines and tabs are fine; other control characters are not.
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Submission:
    """What a sender wrote, trimmed and checked."""

    name: str
    email: str
    subject: str | None
    message: str


def is_spam(fields: Mapping[str, Any]) -> bool:
    """The honeypot field was filled in: a bot, answered as if it succeeded and then dropped."""
    value = fields.get(HONEYPOT)
    return value is not None and value != ""


def parse_submission(fields: Mapping[str, Any]) -> Submission:
    """The checked submission; InvalidSubmissionError naming each field with a problem."""
    problems: dict[str, str] = {}
    name = _line(fields, "name", MAX_NAME, problems, required=True)
    email = _email(fields, problems)
    subject = _line(fields, "subject", MAX_SUBJECT, problems, required=False)
    message = _text(fields, problems)
    if problems or name is None or email is None or message is None:
        raise InvalidSubmissionError(problems)
    return Submission(name=name, email=email, subject=subject or None, message=message)


def _string(fields: Mapping[str, Any], key: str, problems: dict[str, str]) -> str | None:
    value = fields.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        problems[key] = "must be text"
        return None
    return value.strip()


def _line(
    fields: Mapping[str, Any], key: str, limit: int, problems: dict[str, str], *, required: bool
) -> str | None:
    value = _string(fields, key, problems)
    if key in problems:
        return None
    if not value:
        if required:
            problems[key] = "is required"
        return None
    if len(value) > limit:
        problems[key] = f"must be at most {limit} characters"
    elif _CONTROL.search(value):
        problems[key] = "must be a single line of text"
    return value


def _email(fields: Mapping[str, Any], problems: dict[str, str]) -> str | None:
    value = _line(fields, "email", MAX_EMAIL, problems, required=True)
    if value is None or "email" in problems:
        return None
    local = value.rpartition("@")[0]
    if not _EMAIL.match(value) or len(local) > MAX_EMAIL_LOCAL:
        problems["email"] = "must be an email address, like name@example.com"
    return value


def _text(fields: Mapping[str, Any], problems: dict[str, str]) -> str | None:
    value = _string(fields, "message", problems)
    if "message" in problems:
        return None
    if not value:
        problems["message"] = "is required"
    elif len(value) > MAX_MESSAGE:
        problems["message"] = f"must be at most {MAX_MESSAGE} characters"
    elif _CONTROL_IN_TEXT.search(value):
        problems["message"] = "must not contain control characters"
    return value
