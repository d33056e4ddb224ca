"""Passwords: argon2id hashing (OWASP parameters or stronger), the password policy, and
validation of the email and username a user signs up with."""

from __future__ import annotations

import asyncio
import re
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH: Final = 12
MAX_PASSWORD_LENGTH: Final = 1024
USERNAME_PATTERN: Final = re.compile(r"^[a-z0-9_.-]{3,32}$")
EMAIL_PATTERN: Final = re.compile(r"^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$")

# OWASP's argon2id minimum: m=19 MiB, t=2, p=1. Raising any of them rehashes on next login.
hasher: Final = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class PasswordPolicyError(ValueError):
    """A new password breaks the policy; the message says which rule."""

    code = "PASSWORD_POLICY_VIOLATION"


class InvalidEmailError(ValueError):
    code = "INVALID_EMAIL"


class InvalidUsernameError(ValueError):
    code = "INVALID_USERNAME"


def hash_password(password: str) -> str:
    return hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when `password` matches; False for a mismatch or a hash we cannot read."""
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than today's (rehash on login)."""
    try:
        return hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


async def hash_password_async(password: str) -> str:
    """`hash_password` in a worker thread: argon2 takes tens of milliseconds of CPU."""
    return await asyncio.to_thread(hash_password, password)


async def verify_password_async(password_hash: str, password: str) -> bool:
    """`verify_password` in a worker thread, keeping the event loop free."""
    return await asyncio.to_thread(verify_password, password_hash, password)


def normalize_email(email: str) -> str:
    value = email.strip().lower()
    if len(value) > 254 or not EMAIL_PATTERN.match(value):
        raise InvalidEmailError(f"{email!r} is not a valid email address")
    return value


def normalize_username(username: str) -> str:
    value = username.strip().lower()
    if not USERNAME_PATTERN.match(value):
        raise InvalidUsernameError(
            "username must be 3 to 32 characters of a-z, 0-9, '_', '.' or '-'"
        )
    return value


def check_password_policy(password: str, *, email: str, username: str) -> None:
    """Raise PasswordPolicyError unless the password is acceptable for this account."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PasswordPolicyError(f"password must be at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise PasswordPolicyError(f"password must be at most {MAX_PASSWORD_LENGTH} characters")
    lowered = password.strip().lower()
    local_part = email.split("@", 1)[0].lower()
    if lowered in (email.lower(), username.lower(), local_part):
        raise PasswordPolicyError("password must not be your email address or username")
    if len(set(password)) < 4:
        raise PasswordPolicyError("password must use at least 4 different characters")
