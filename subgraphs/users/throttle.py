"""Login throttling in Redis: too many failures for an account or from an IP lock logins out.

Failures are counted per account and per IP in a 15-minute window; at the limit, a lock key
refuses every further attempt (right password or not) until it expires. The account counted is
the one the login names (by email or username alike, so switching between them gains nothing);
a login naming no account is counted under its normalised text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from subgraphs.kit.errors import AlthausError

WINDOW_SECONDS = 15 * 60
LOCK_SECONDS = 15 * 60
ACCOUNT_LIMIT = 5
IP_LIMIT = 20


class TooManyLoginAttemptsError(AlthausError):
    code = "TOO_MANY_LOGIN_ATTEMPTS"


@dataclass(frozen=True)
class LoginThrottle:
    redis: Any
    prefix: str
    account_limit: int = ACCOUNT_LIMIT
    ip_limit: int = IP_LIMIT

    @staticmethod
    def account(user_id: object | None, login: str) -> str:
        """What failures are counted against: the account's id when the login names one, else
        the login as normalised (trimmed, lower-cased). Hashed, so the Redis keyspace does not
        list who tried to sign in."""
        subject = f"id:{user_id}" if user_id is not None else f"login:{login.strip().lower()}"
        return hashlib.sha256(subject.encode()).hexdigest()[:32]

    def _keys(self, account: str, ip: str | None) -> list[tuple[str, int]]:
        keys = [(f"{self.prefix}login:account:{account}", self.account_limit)]
        if ip:
            keys.append((f"{self.prefix}login:ip:{ip}", self.ip_limit))
        return keys

    async def check(self, account: str, ip: str | None) -> None:
        """Raise TooManyLoginAttemptsError while the account or the IP is locked."""
        for key, _ in self._keys(account, ip):
            ttl = await self.redis.ttl(f"{key}:lock")
            if ttl is not None and ttl > 0:
                raise TooManyLoginAttemptsError(
                    f"too many failed sign-in attempts; try again in {ttl} seconds",
                    retryAfter=ttl,
                )

    async def failed(self, account: str, ip: str | None) -> None:
        for key, limit in self._keys(account, ip):
            count = await self.redis.incr(key)
            if count == 1:
                await self.redis.expire(key, WINDOW_SECONDS)
            if count >= limit:
                await self.redis.set(f"{key}:lock", b"1", ex=LOCK_SECONDS)
                await self.redis.delete(key)

    async def succeeded(self, account: str) -> None:
        key, _ = self._keys(account, None)[0]
        await self.redis.delete(key)
