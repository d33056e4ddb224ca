"""`/health` (the process answers) and `/ready` (a supergraph loaded, every subgraph answering)."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Final

import orjson
from starlette.requests import Request
from starlette.responses import Response

from core.security import internal_token
from core.security.principal import Principal, RequestContext
from supergraph.gateway import Gateway, GatewaySnapshot
from supergraph.http.errors import json_response
from supergraph.transport.base import SubgraphTransport, TransportError

PROBE_BODY: Final = b'{"query":"{__typename}"}'


@dataclass(frozen=True, slots=True)
class Readiness:
    ready: bool
    subgraphs: dict[str, str]  # name -> "ok" or why not
    checked_at: float
    version: int | None


class ReadinessProbe:
    """Asks every subgraph `{__typename}` through its own transport (so in-process subgraphs
    are checked the same way), and keeps the answer `ttl` seconds so that frequent probes
    by an orchestrator do not become load on the subgraphs."""

    def __init__(
        self, gateway: Gateway, internal_secret: str, *, ttl: float = 5.0, timeout: float = 2.0
    ) -> None:
        self.gateway = gateway
        self.internal_secret = internal_secret
        self.ttl = ttl
        self.timeout = timeout
        self._last: Readiness | None = None
        self._lock = asyncio.Lock()

    async def check(self) -> Readiness:
        snapshot = self.gateway.snapshot
        if snapshot is None:
            return Readiness(False, {}, time.monotonic(), None)
        last = self._last
        if (
            last
            and last.version == snapshot.version
            and time.monotonic() - last.checked_at < self.ttl
        ):
            return last
        async with self._lock:
            last = self._last
            if (
                last
                and last.version == snapshot.version
                and time.monotonic() - last.checked_at < self.ttl
            ):
                return last
            self._last = await self._probe(snapshot)
            return self._last

    async def _probe(self, snapshot: GatewaySnapshot) -> Readiness:
        names = sorted(snapshot.transports)
        answers = await asyncio.gather(*(self._ask(snapshot.transports[n]) for n in names))
        results = dict(zip(names, answers, strict=True))
        ready = all(a == "ok" for a in answers)
        return Readiness(ready, results, time.monotonic(), snapshot.version)

    async def _ask(self, transport: SubgraphTransport) -> str:
        headers = internal_token.headers_for(
            Principal.guest(), transport.name, self.internal_secret, RequestContext("readiness")
        )
        try:
            async with asyncio.timeout(self.timeout):
                raw = await transport.send(PROBE_BODY, headers)
        except TimeoutError:
            return f"no answer within {self.timeout:g}s"
        except TransportError as exc:
            return str(exc)
        try:
            answer = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return "answered something that is not JSON"
        data = answer.get("data") if isinstance(answer, dict) else None
        if isinstance(data, dict) and isinstance(data.get("__typename"), str):
            return "ok"
        return "did not answer {__typename}"


async def health_endpoint(request: Request) -> Response:
    return json_response({"status": "ok"}, headers={"Cache-Control": "no-store"})


async def ready_endpoint(request: Request) -> Response:
    probe: ReadinessProbe = request.app.state.readiness
    readiness = await probe.check()
    headers = {"Cache-Control": "no-store"}
    if readiness.version is None:
        unloaded = {"status": "unavailable", "reason": "no supergraph loaded"}
        return json_response(unloaded, 503, headers=headers)
    failed = {name: why for name, why in readiness.subgraphs.items() if why != "ok"}
    body: dict[str, object] = {
        "status": "ready" if readiness.ready else "unavailable",
        "supergraphVersion": readiness.version,
        "subgraphs": readiness.subgraphs,
    }
    if failed:
        body["reason"] = "subgraphs not answering: " + ", ".join(sorted(failed))
    return json_response(body, 200 if readiness.ready else 503, headers=headers)
