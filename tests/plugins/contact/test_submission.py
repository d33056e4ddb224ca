"""Checking a submission: each field's rules, every problem named by its field."""

from __future__ import annotations

import pytest

from plugins.contact.contact.errors import InvalidSubmissionError
from plugins.contact.contact.submission import is_spam, parse_submission

from .conftest import valid_fields


def problems(**changes: object) -> dict[str, str]:
    with pytest.raises(InvalidSubmissionError) as raised:
        parse_submission(valid_fields(**changes))
    assert raised.value.code == "CONTACT_INVALID"
    return raised.value.fields


def test_a_valid_submission_is_trimmed() -> None:
    submission = parse_submission(valid_fields(name="  Grace  ", message="\n Hi there \n"))
    assert (submission.name, submission.message) == ("Grace", "Hi there")


def test_subject_is_optional_and_blank_means_none() -> None:
    fields = valid_fields()
    del fields["subject"]
    assert parse_submission(fields).subject is None
    assert parse_submission(valid_fields(subject="   ")).subject is None


def test_missing_required_fields_are_each_named() -> None:
    with pytest.raises(InvalidSubmissionError) as raised:
        parse_submission({})
    assert raised.value.fields == {
        "name": "is required",
        "email": "is required",
        "message": "is required",
    }


@pytest.mark.parametrize(
    "email",
    [
        "grace",
        "grace@",
        "@example.com",
        "grace@example",
        "gr ace@example.com",
        "a@b@example.com",
        "grace@example.",
        "grace@.example.com",
        f"{'g' * 65}@example.com",
    ],
)
def test_malformed_email_is_refused(email: str) -> None:
    assert problems(email=email) == {"email": "must be an email address, like name@example.com"}


def test_too_long_fields_say_their_limit() -> None:
    assert problems(name="x" * 101) == {"name": "must be at most 100 characters"}
    assert problems(subject="x" * 201) == {"subject": "must be at most 200 characters"}
    assert problems(message="x" * 5001) == {"message": "must be at most 5000 characters"}
    assert problems(email=f"{'a' * 60}@{'b' * 200}.example") == {
        "email": "must be at most 254 characters"
    }


def test_line_breaks_are_refused_in_one_line_fields_but_not_in_the_message() -> None:
    assert problems(name="Grace\nBcc: x@example.com") == {"name": "must be a single line of text"}
    assert problems(subject="Hi\r\nthere") == {"subject": "must be a single line of text"}
    assert parse_submission(valid_fields(message="Line one\nLine two\tend")).message
    assert problems(message="bell\x07") == {"message": "must not contain control characters"}


def test_non_text_values_are_refused() -> None:
    assert problems(name=42, message=["a"]) == {"name": "must be text", "message": "must be text"}


def test_the_honeypot_marks_spam_only_when_filled_in() -> None:
    assert is_spam(valid_fields(website="http://spam.example"))
    assert not is_spam(valid_fields(website=""))
    assert not is_spam(valid_fields())
