"""Coalescing identical query operations in flight at the same moment into one execution."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson

from supergraph.plan.nodes import QueryPlan

Response = dict[str, Any]


class _Abandoned(Exception):
    """The execution leading a shared operation was cancelled (its client went away)."""


class InflightOperations:
    """Runs an operation once for every caller asking the same thing at the same moment.

    Keyed by (plan, variables, principal key): callers get the answer the leader computed, as
    fetch-level sharing would give them, without each of them merging and shaping it again.
    Only queries are shared. Followers get their own top-level dict; treat nested values as
    read-only.
    """

    def __init__(self) -> None:
        self._pending: dict[tuple[int, bytes, str], tuple[QueryPlan, asyncio.Future[Response]]] = {}

    async def run(
        self,
        plan: QueryPlan,
        variables: Mapping[str, Any],
        principal_key: str,
        execute: Callable[[], Awaitable[Response]],
    ) -> Response:
        try:
            key = (id(plan), orjson.dumps(variables), principal_key)
        except TypeError:
            return await execute()  # variables orjson cannot encode: run unshared
        while (entry := self._pending.get(key)) is not None and entry[0] is plan:
            try:
                return dict(await asyncio.shield(entry[1]))
            except _Abandoned:
                continue
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_consume)
        mine = (plan, future)
        self._pending[key] = mine
        try:
            response = await execute()
        except BaseException:
            future.set_exception(_Abandoned())
            raise
        else:
            future.set_result(response)
            return response
        finally:
            if self._pending.get(key) is mine:
                del self._pending[key]

    def __len__(self) -> int:
        return len(self._pending)


def _consume(future: asyncio.Future[Response]) -> None:
    if not future.cancelled():
        future.exception()
