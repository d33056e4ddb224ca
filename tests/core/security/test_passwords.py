"""Password hashing (argon2id at OWASP parameters), rehash detection, policy, email/username."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from core.security import passwords


def test_hashes_are_argon2id_with_at_least_the_owasp_parameters():
    digest = passwords.hash_password("a fine passphrase")
    assert digest.startswith("$argon2id$")
    params = dict(p.split("=") for p in digest.split("$")[3].split(","))
    assert int(params["m"]) >= 19 * 1024
    assert int(params["t"]) >= 2
    assert int(params["p"]) >= 1


def test_verify_accepts_the_password_and_refuses_others():
    digest = passwords.hash_password("a fine passphrase")
    assert passwords.verify_password(digest, "a fine passphrase")
    assert not passwords.verify_password(digest, "a fine passphrasf")
    assert not passwords.verify_password("not a hash", "a fine passphrase")


def test_a_hash_made_with_weaker_parameters_needs_rehashing():
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(
        "a fine passphrase"
    )
    assert passwords.needs_rehash(weak)
    assert not passwords.needs_rehash(passwords.hash_password("a fine passphrase"))


async def test_the_async_forms_agree_with_the_sync_ones():
    digest = await passwords.hash_password_async("a fine passphrase")
    assert await passwords.verify_password_async(digest, "a fine passphrase")


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short", "at least 12"),
        ("alice@example.com", "email"),
        ("alice_wonder", "username"),
        ("aaaaaaaaaaaaaaaa", "4 different"),
    ],
)
def test_the_policy_refuses_weak_passwords_saying_why(password, fragment):
    with pytest.raises(passwords.PasswordPolicyError, match=fragment) as refused:
        passwords.check_password_policy(
            password, email="alice@example.com", username="alice_wonder"
        )
    assert refused.value.code == "PASSWORD_POLICY_VIOLATION"


def test_the_policy_accepts_a_long_passphrase():
    passwords.check_password_policy("correct horse battery", email="a@example.com", username="abc")


def test_emails_are_lower_cased_and_checked():
    assert passwords.normalize_email(" Alice@Example.COM ") == "alice@example.com"
    with pytest.raises(passwords.InvalidEmailError):
        passwords.normalize_email("not-an-email")


def test_usernames_are_lower_cased_and_checked():
    assert passwords.normalize_username("Alice_W") == "alice_w"
    for bad in ("ab", "has space", "x" * 33, "émile"):
        with pytest.raises(passwords.InvalidUsernameError):
            passwords.normalize_username(bad)
