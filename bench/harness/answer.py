"""The one request every gateway gets, and the check that its answer is the expected one."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import orjson

BENCH_DIR = Path(__file__).resolve().parent.parent
QUERY_FILE = BENCH_DIR / "query.graphql"
EXPECTED_FILE = BENCH_DIR / "expected.json"
OPERATION_NAME = "TestQuery"


def request_body() -> bytes:
    """The JSON body of the benchmark request: the nested query, by operation name."""
    return orjson.dumps({"query": QUERY_FILE.read_text(), "operationName": OPERATION_NAME})


def post(url: str, body: bytes, timeout: float = 10.0) -> tuple[int, bytes]:
    """POST `body` as JSON; the status and body of the answer (error statuses included)."""
    request = urllib.request.Request(
        url,
        data=body,
        headers={"Content-Type": "application/json", "Accept": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def is_listening(url: str) -> bool:
    """Whether anything answers HTTP at `url` yet (any status counts)."""
    try:
        post(url, b"{}", timeout=2.0)
    except (OSError, urllib.error.URLError):
        return False
    return True


def first_difference(got: Any, want: Any, path: str = "$") -> str | None:
    """Where `got` first differs from `want`, as a JSON path and the two values; None if equal."""
    if isinstance(want, dict) and isinstance(got, dict):
        for key in want:
            if key not in got:
                return f"{path}.{key}: missing"
            found = first_difference(got[key], want[key], f"{path}.{key}")
            if found:
                return found
        extra = [key for key in got if key not in want]
        return f"{path}: unexpected keys {extra}" if extra else None
    if isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            return f"{path}: {len(got)} items, expected {len(want)}"
        for index, (item, wanted) in enumerate(zip(got, want, strict=True)):
            found = first_difference(item, wanted, f"{path}[{index}]")
            if found:
                return found
        return None
    if got != want or type(got) is not type(want):
        return f"{path}: got {str(got)[:120]!r}, expected {str(want)[:120]!r}"
    return None


def check_answer(status: int, body: bytes, expected: Any) -> str | None:
    """Why an answer is not the expected one, or None when it is."""
    if status != 200:
        return f"HTTP {status}: {body[:300].decode(errors='replace')}"
    try:
        got = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return f"answer is not JSON: {exc}"
    difference = first_difference(got, expected)
    if difference is not None and isinstance(got, dict) and got.get("errors"):
        first = got["errors"][0]
        message = first.get("message") if isinstance(first, dict) else first
        difference += f" (first error: {str(message)[:200]})"
    return difference
