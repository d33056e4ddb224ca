"""An ASGI app served by uvicorn on a Unix socket in a temporary directory, for transport tests."""

from __future__ import annotations

import asyncio
import tempfile
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp


@asynccontextmanager
async def serve_unix(app: ASGIApp, name: str = "app") -> AsyncIterator[str]:
    """Yields the socket's path while uvicorn serves `app` on it."""
    with tempfile.TemporaryDirectory() as directory:
        socket_path = str(Path(directory) / f"{name}.sock")
        config = uvicorn.Config(app, uds=socket_path, log_level="warning", lifespan="off")
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            for _ in range(500):
                if server.started or not thread.is_alive():
                    break
                await asyncio.sleep(0.01)
            if not server.started:
                raise RuntimeError("unix socket server did not start")
            yield socket_path
        finally:
            server.should_exit = True
            await asyncio.to_thread(thread.join, 10)
