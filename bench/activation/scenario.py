"""What is measured: the plugin, its field, the target, and when the field counts as there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent.parent
PLUGIN = "blog"
PLUGIN_DIR = ROOT / "plugins" / PLUGIN
TARGET_SECONDS = 2.0
POLL_CAP_SECONDS = 30.0
POLL_PAUSE_SECONDS = 0.001
DRAIN_SECONDS = 0.2
POSTS = "{ me { posts { title } } }"
VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"


def answers_posts(answer: dict[str, Any]) -> bool:
    me = (answer.get("data") or {}).get("me") or {}
    return not answer.get("errors") and isinstance(me.get("posts"), list)


def refuses_posts(answer: dict[str, Any]) -> bool:
    errors = answer.get("errors") or []
    return bool(errors) and (errors[0].get("extensions") or {}).get("code") == VALIDATION_FAILED
