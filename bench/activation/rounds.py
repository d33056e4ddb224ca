"""One measured round: activate, poll until the field answers, deactivate, poll until it is gone."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from bench.activation.errors import BenchError, first_error, with_hint
from bench.activation.figures import Round
from bench.activation.platform import Platform
from bench.activation.scenario import (
    PLUGIN,
    POLL_CAP_SECONDS,
    POLL_PAUSE_SECONDS,
    POSTS,
    answers_posts,
    refuses_posts,
)


async def set_plugin(running: Platform, mutation: str, expected: str) -> float:
    """Run `activatePlugin` or `deactivatePlugin`; its duration in seconds."""
    started = time.perf_counter()
    answer = await running.graphql(
        f'mutation {{ {mutation}(name: "{PLUGIN}") {{ status }} }}', running.admin_token
    )
    took = time.perf_counter() - started
    status = ((answer.get("data") or {}).get(mutation) or {}).get("status")
    if status != expected:
        problem = f"{mutation} did not answer {expected}: {first_error(answer)}"
        raise BenchError(with_hint(problem))
    return took


async def poll_posts(
    running: Platform, accept: Callable[[dict[str, Any]], bool], since: float, what: str
) -> tuple[float, int]:
    """Ask for `User.posts` as fast as the gateway answers until `accept` says yes; the time
    from `since` to that answer and the number of requests it took."""
    polls = 0
    while True:
        answer = await running.graphql(POSTS, running.editor_token)
        polls += 1
        elapsed = time.perf_counter() - since
        if accept(answer):
            return elapsed, polls
        if elapsed > POLL_CAP_SECONDS:
            last = first_error(answer)
            raise BenchError(f"{what} not within {POLL_CAP_SECONDS:g} s (last answer: {last})")
        await asyncio.sleep(POLL_PAUSE_SECONDS)


async def measure_round(running: Platform) -> Round:
    activate = await set_plugin(running, "activatePlugin", "ACTIVE")
    answered = time.perf_counter()
    visible, visible_polls = await poll_posts(
        running, answers_posts, answered, "User.posts answered after activatePlugin"
    )
    deactivate = await set_plugin(running, "deactivatePlugin", "INACTIVE")
    answered = time.perf_counter()
    gone, gone_polls = await poll_posts(
        running, refuses_posts, answered, "User.posts refused after deactivatePlugin"
    )
    return Round(activate, visible, visible_polls, deactivate, gone, gone_polls)
