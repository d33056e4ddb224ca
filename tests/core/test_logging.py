"""JSON logs: one line per event with service, level and the request's ids."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from core.logging import bind_request, configure_logging


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def _capture(service: str, level: str = "INFO") -> io.StringIO:
    stream = io.StringIO()
    configure_logging(service, level, stream=stream)
    return stream


def test_log_line_has_the_documented_shape_and_request_ids() -> None:
    stream = _capture("users")
    with bind_request("req-1", "user-9"):
        logging.getLogger("althaus.test").info(
            "signed in %s", "ann", extra={"context": {"duration_ms": 12.5}}
        )
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert set(line) == {"timestamp", "level", "service", "message", "context"}
    assert line["level"] == "INFO"
    assert line["service"] == "users"
    assert line["message"] == "signed in ann"
    assert line["context"]["request_id"] == "req-1"
    assert line["context"]["user_id"] == "user-9"
    assert line["context"]["duration_ms"] == 12.5


def test_request_ids_do_not_leak_past_the_request() -> None:
    stream = _capture("system")
    with bind_request("req-2", None):
        pass
    logging.getLogger("althaus.test").warning("after")
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert "request_id" not in line["context"]


def test_level_filters_lower_events() -> None:
    stream = _capture("gateway", "WARNING")
    logging.getLogger("althaus.test").info("hidden")
    logging.getLogger("althaus.test").error("shown")
    lines = [json.loads(x) for x in stream.getvalue().strip().splitlines()]
    assert [x["message"] for x in lines] == ["shown"]


def test_exceptions_are_logged_inside_the_single_line() -> None:
    stream = _capture("users")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("althaus.test").exception("failed")
    lines = stream.getvalue().strip().splitlines()
    assert len(lines) == 1
    assert "RuntimeError: boom" in json.loads(lines[0])["context"]["exception"]
