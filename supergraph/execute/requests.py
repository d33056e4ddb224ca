"""Subgraph requests: pre-encoded bodies per fetch node, and sharing identical in-flight queries."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import orjson

from supergraph.plan.nodes import FetchNode
from supergraph.transport.base import SubgraphTransport, TransportError


class EncodedFetch:
    """What a fetch node sends, prepared once: the JSON prefix holding the fixed operation text."""

    __slots__ = ("node", "prefix")

    def __init__(self, node: FetchNode) -> None:
        self.node = node
        head = b'{"query":' + orjson.dumps(node.operation)
        if node.operation_name:
            head += b',"operationName":' + orjson.dumps(node.operation_name)
        self.prefix = head + b',"variables":'

    def body(self, variables: Mapping[str, Any]) -> bytes:
        return self.prefix + orjson.dumps(variables) + b"}"


class EncodedFetches:
    """A cache of EncodedFetch by fetch node identity (plans are cached, so nodes live long)."""

    def __init__(self, limit: int = 20_000) -> None:
        self._limit = limit
        self._entries: dict[int, EncodedFetch] = {}

    def get(self, node: FetchNode) -> EncodedFetch:
        entry = self._entries.get(id(node))
        if entry is not None and entry.node is node:
            return entry
        if len(self._entries) >= self._limit:
            self._entries.clear()
        entry = EncodedFetch(node)
        self._entries[id(node)] = entry
        return entry


class _Abandoned(Exception):
    """The request leading a shared fetch was cancelled (its client went away)."""


class InflightQueries:
    """Sends identical query requests that overlap in time once and shares the raw answer.

    Keyed by (subgraph, body, principal key): one principal never sees another's answer. Only
    the raw bytes are shared; each waiter parses its own copy, since merging mutates it. The
    first caller sends the request itself (no extra task on the common, unshared path); if it is
    cancelled, the waiters send again rather than fail because another client went away.
    """

    def __init__(self) -> None:
        self._pending: dict[tuple[str, bytes, str], asyncio.Future[bytes]] = {}

    async def send(
        self,
        transport: SubgraphTransport,
        body: bytes,
        headers: Mapping[str, str],
        principal_key: str,
    ) -> bytes:
        key = (transport.name, body, principal_key)
        while (pending := self._pending.get(key)) is not None:
            try:
                return await asyncio.shield(pending)
            except _Abandoned:
                continue
        future: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_consume)
        self._pending[key] = future
        try:
            raw = await transport.send(body, headers)
        except TransportError as exc:
            future.set_exception(exc)
            raise
        except BaseException:
            future.set_exception(_Abandoned())
            raise
        else:
            future.set_result(raw)
            return raw
        finally:
            del self._pending[key]

    def __len__(self) -> int:
        return len(self._pending)


def _consume(future: asyncio.Future[bytes]) -> None:
    # Mark a failure as retrieved when nobody else was waiting for it.
    if not future.cancelled():
        future.exception()
