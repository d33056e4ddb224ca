"""Fetches a subgraph's SDL over HTTP (`{ _service { sdl } }`) (httpx: a tool path)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping

import httpx

SDL_QUERY = "query SubgraphSdl { _service { sdl } }"


class SdlFetchError(Exception):
    """A subgraph did not answer its SDL; `code` is SUBGRAPH_SDL_UNAVAILABLE."""

    code = "SUBGRAPH_SDL_UNAVAILABLE"

    def __init__(self, subgraph: str, url: str, problem: str) -> None:
        super().__init__(f"[{subgraph}] could not fetch the SDL from {url}: {problem}")
        self.subgraph = subgraph
        self.url = url


async def fetch_sdl(
    name: str,
    url: str,
    headers: Mapping[str, str] | None = None,
    client: httpx.AsyncClient | None = None,
    timeout_seconds: float = 10.0,
) -> str:
    """POST `{ _service { sdl } }` to `url` and return the SDL string."""
    own = client is None
    http = client or httpx.AsyncClient(timeout=timeout_seconds)
    try:
        response = await http.post(url, json={"query": SDL_QUERY}, headers=dict(headers or {}))
    except httpx.HTTPError as exc:
        raise SdlFetchError(name, url, f"{type(exc).__name__}: {exc}") from exc
    finally:
        if own:
            await http.aclose()
    if response.status_code != 200:
        raise SdlFetchError(name, url, f"HTTP {response.status_code}")
    try:
        body = response.json()
        sdl = body["data"]["_service"]["sdl"]
    except (ValueError, KeyError, TypeError) as exc:
        raise SdlFetchError(
            name, url, "the answer has no data._service.sdl (is it a federation subgraph?)"
        ) from exc
    if not isinstance(sdl, str):
        raise SdlFetchError(name, url, "data._service.sdl is not a string")
    return sdl


async def fetch_all(
    subgraphs: Mapping[str, str],
    headers: Mapping[str, Mapping[str, str]] | None = None,
    timeout_seconds: float = 10.0,
) -> dict[str, str]:
    """Fetch every subgraph's SDL concurrently: name -> SDL. Raises the first SdlFetchError."""
    async with httpx.AsyncClient(timeout=timeout_seconds) as client:
        names = list(subgraphs)
        results = await asyncio.gather(
            *(fetch_sdl(n, subgraphs[n], (headers or {}).get(n), client) for n in names)
        )
    return dict(zip(names, results, strict=True))
