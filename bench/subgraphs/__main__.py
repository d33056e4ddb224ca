"""Serve the benchmark subgraphs: `python -m bench.subgraphs --port 4200 [--workers 2]`."""

from __future__ import annotations

import argparse

import uvicorn

KEEP_ALIVE_SECONDS = 3600


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.subgraphs",
        description="Serve accounts, inventory, products and reviews under /<name> on one port.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=4200, help="port to bind (default 4200)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (default 1)")
    args = parser.parse_args()
    uvicorn.run(
        "bench.subgraphs.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        loop="uvloop",
        http="httptools",
        log_level="warning",
        access_log=False,
        # Never close an idle keep-alive connection during a run: uvicorn's default of 5 s races
        # with gateways reusing pooled sockets ("socket hang up" under load).
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


if __name__ == "__main__":
    main()
