"""Following a Redis channel for as long as a process lives, and repeating a chore.

Both survive Redis and database outages: a lost subscription is logged and resubscribed with
backoff (doubling to 30 s), and every resubscription calls `on_subscribed` first, so what was
announced while nobody listened is caught up. Used by gateways following stored supergraph
versions and revoked access tokens.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as aioredis

log = logging.getLogger(__name__)

MAX_DELAY_SECONDS = 30.0


async def cancel(tasks: list[asyncio.Task[Any]]) -> None:
    """Cancel `tasks` and wait until each has ended (what they raise on the way out is theirs:
    a closing service does not fail because a background loop did)."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task


def first_line(exc: BaseException) -> str:
    """An error as one line for a log (a driver's original error when it wraps one)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


async def follow(
    redis: aioredis.Redis,
    channel: str,
    on_message: Callable[[Any], Awaitable[None] | None],
    *,
    on_subscribed: Callable[[], Awaitable[None]],
    retry_seconds: float,
    what: str,
) -> None:
    """Subscribe to `channel` until cancelled; `on_message(data)` for each message."""
    delay = retry_seconds
    while True:
        pubsub = redis.pubsub()
        try:
            await pubsub.subscribe(channel)
            delay = retry_seconds
            await on_subscribed()
            while True:
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
                if message is not None and message.get("type") == "message":
                    handled = on_message(message["data"])
                    if inspect.isawaitable(handled):
                        await handled
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning(
                f"{what} unavailable; resubscribing",
                extra={"context": {"error": first_line(exc), "retry_in": delay}},
            )
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
        await asyncio.sleep(delay)
        delay = min(delay * 2, MAX_DELAY_SECONDS)


async def repeat(seconds: float, chore: Callable[[], Awaitable[object]], *, failure: str) -> None:
    """Run `chore` every `seconds` until cancelled; a failure is logged as `failure` and the
    chore runs again at the next turn."""
    while True:
        await asyncio.sleep(seconds)
        try:
            await chore()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning(failure, extra={"context": {"error": first_line(exc), "retry_in": seconds}})
