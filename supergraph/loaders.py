"""Where a gateway's first supergraph comes from: a file, or composing its subgraphs' SDLs."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping

import orjson

from core.config import CORE_SUBGRAPHS, Settings
from core.security import internal_token
from core.security.principal import Principal, RequestContext
from supergraph.transport.base import SubgraphTransport, TransportError
from supergraph.transport.factory import create_transport

SupergraphLoader = Callable[[], Awaitable[str]]


def file_loader(path: str) -> SupergraphLoader:
    """Reads a supergraph SDL file (as `althaus gateway --supergraph FILE` does)."""

    async def load() -> str:
        return await asyncio.to_thread(_read_text, path)

    return load


def _read_text(path: str) -> str:
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _declared_url(settings: Settings, name: str, *, in_process: bool) -> str:
    """The URL written into the supergraph for `name` (only informative for in-process ones)."""
    if in_process and name.lower() not in settings.subgraph_urls:
        return f"http://127.0.0.1:{settings.port}/subgraphs/{name}/graphql"
    return settings.subgraph_url(name)


class SupergraphLoadError(Exception):
    """The supergraph could not be built: a subgraph did not answer, or composition failed."""

    code = "SUPERGRAPH_LOAD_FAILED"


SDL_QUERY = b'{"query":"{ _service { sdl } }"}'


def compose_from_subgraphs(
    settings: Settings, transports: Mapping[str, SubgraphTransport] | None = None
) -> SupergraphLoader:
    """Asks each subgraph for its SDL (`_service { sdl }`) and composes them.

    With `transports` (name -> transport, e.g. in-process ASGI ones in `althaus dev`) those
    subgraphs are asked through them; otherwise the subgraphs named by `SUBGRAPH_<NAME>_URL`,
    or the four core ones when none is, are asked over HTTP at their configured URLs.
    """
    names = (
        sorted(transports) if transports else sorted(settings.subgraph_urls) or list(CORE_SUBGRAPHS)
    )

    async def fetch_sdl(name: str, url: str) -> str:
        given = transports.get(name) if transports else None
        transport = given or create_transport(name, url, settings.subgraph_timeout(name))
        headers = internal_token.headers_for(
            Principal.guest(), name, settings.internal_token_secret or "", RequestContext("compose")
        )
        try:
            raw = await transport.send(SDL_QUERY, headers)
        except TransportError as exc:
            raise SupergraphLoadError(f"subgraph {name!r} at {url}: {exc}") from None
        finally:
            if given is None:
                await transport.close()
        try:
            sdl = orjson.loads(raw)["data"]["_service"]["sdl"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            raise SupergraphLoadError(
                f"subgraph {name!r} at {url} did not answer {{ _service {{ sdl }} }}"
            ) from None
        if not isinstance(sdl, str):
            raise SupergraphLoadError(f"subgraph {name!r} at {url} answered no SDL")
        return sdl

    async def load() -> str:
        from supergraph.compose import SubgraphDefinition, compose

        definitions = []
        for name in names:
            url = _declared_url(settings, name, in_process=bool(transports))
            definitions.append(SubgraphDefinition(name, url, await fetch_sdl(name, url)))
        result = compose(definitions)
        if result.supergraph_sdl is None:
            raise SupergraphLoadError(
                "composition failed: " + "; ".join(str(e) for e in result.errors)
            )
        return result.supergraph_sdl

    return load
