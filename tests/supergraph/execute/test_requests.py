"""Subgraph request bodies and in-flight sharing."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import orjson
import pytest

from supergraph.execute.requests import EncodedFetch, EncodedFetches, InflightQueries
from supergraph.plan.nodes import FetchNode
from supergraph.transport import TransportError


def test_body_is_the_json_graphql_request() -> None:
    node = FetchNode(
        service="s", operation="query Q($id:ID!){user(id:$id){name}}", operation_name="Q"
    )
    body = EncodedFetch(node).body({"id": "1", "note": 'quote " and \\ slash'})
    assert orjson.loads(body) == {
        "query": "query Q($id:ID!){user(id:$id){name}}",
        "operationName": "Q",
        "variables": {"id": "1", "note": 'quote " and \\ slash'},
    }


def test_encoded_fetches_are_cached_per_node() -> None:
    cache = EncodedFetches()
    node = FetchNode(service="s", operation="{a}")
    assert cache.get(node) is cache.get(node)
    assert cache.get(FetchNode(service="s", operation="{a}")) is not cache.get(node)


class _Gate:
    """A transport that answers only when released, counting what it was sent."""

    name = "gate"

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[bytes] = []
        self.release = asyncio.Event()
        self.fail = fail

    async def send(self, body: bytes, headers: Mapping[str, str]) -> bytes:
        self.sent.append(body)
        await self.release.wait()
        if self.fail:
            raise TransportError("gate", "down")
        return b'{"data":{}}'

    async def close(self) -> None:
        return None


async def test_waiters_share_one_request_and_its_answer() -> None:
    inflight, gate = InflightQueries(), _Gate()
    tasks = [asyncio.create_task(inflight.send(gate, b"q", {}, "p")) for _ in range(3)]
    await asyncio.sleep(0)
    gate.release.set()
    assert await asyncio.gather(*tasks) == [b'{"data":{}}'] * 3
    assert gate.sent == [b"q"]
    assert len(inflight) == 0


async def test_waiters_share_a_failure_as_transport_error() -> None:
    inflight, gate = InflightQueries(), _Gate(fail=True)
    tasks = [asyncio.create_task(inflight.send(gate, b"q", {}, "p")) for _ in range(2)]
    await asyncio.sleep(0)
    gate.release.set()
    for task in tasks:
        with pytest.raises(TransportError):
            await task
    assert len(gate.sent) == 1


async def test_waiters_send_again_when_the_first_caller_is_cancelled() -> None:
    inflight, gate = InflightQueries(), _Gate()
    leader = asyncio.create_task(inflight.send(gate, b"q", {}, "p"))
    await asyncio.sleep(0)
    follower = asyncio.create_task(inflight.send(gate, b"q", {}, "p"))
    await asyncio.sleep(0)
    leader.cancel()
    await asyncio.sleep(0)
    gate.release.set()
    assert await follower == b'{"data":{}}'
    assert leader.cancelled()
    assert gate.sent == [b"q", b"q"]
