"""The users subgraph's signing keys, cached, refetched (rate-limited) for an unknown `kid`."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

import jwt

from supergraph.auth.errors import AuthServiceUnavailableError, InvalidTokenError

FetchJwks = Callable[[], Awaitable[Any]]


class KeySet:
    """Keys by `kid`. A token naming an unknown kid triggers one refetch at most every
    `refetch_interval` seconds, so a flood of forged kids cannot hammer the users subgraph,
    while a key rotated in by the users subgraph is picked up without a restart."""

    def __init__(
        self, fetch: FetchJwks, *, refetch_interval: float = 30.0, max_age: float = 3600.0
    ) -> None:
        self._fetch = fetch
        self.refetch_interval = refetch_interval
        self.max_age = max_age
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at: float | None = None
        self._attempted_at: float | None = None
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> jwt.PyJWK:
        now = time.monotonic()
        stale = self._fetched_at is None or now - self._fetched_at > self.max_age
        found = None if stale else self._keys.get(kid)
        if found is not None:
            return found
        async with self._lock:
            found = self._keys.get(kid)
            attempted = self._attempted_at
            may_fetch = attempted is None or time.monotonic() - attempted >= self.refetch_interval
            if (found is None or stale) and may_fetch:
                await self._refresh()
                found = self._keys.get(kid)
        if found is None:
            raise InvalidTokenError(f"token signed with unknown key id {kid!r}")
        return found

    async def _refresh(self) -> None:
        self._attempted_at = time.monotonic()
        document = await self._fetch()
        keys: dict[str, jwt.PyJWK] = {}
        entries = document.get("keys") if isinstance(document, dict) else None
        if not isinstance(entries, list):
            raise AuthServiceUnavailableError("the users subgraph's JWKS has no 'keys' list")
        for entry in entries:
            if not isinstance(entry, dict) or not isinstance(entry.get("kid"), str):
                continue
            if entry.get("use") not in (None, "sig"):
                continue
            try:
                keys[entry["kid"]] = jwt.PyJWK(entry)
            except jwt.PyJWTError:
                continue  # a key of a type we do not verify with; others stay usable
        self._keys = keys
        self._fetched_at = time.monotonic()
