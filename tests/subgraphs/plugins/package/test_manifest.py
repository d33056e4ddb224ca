"""The manifest: its JSON Schema and rules, every problem listed field by field."""

from __future__ import annotations

import pytest
import yaml

from subgraphs.plugins.package.errors import ManifestInvalidError, PlatformUnsupportedError
from subgraphs.plugins.package.manifest import check_platform, load_manifest

GOOD = {
    "name": "blog_extra",
    "version": "1.2.3-beta.1",
    "display_name": "Blog extra",
    "description": "More blog.",
    "author": "Ann",
    "platform": ">=0.1,<1.0",
    "capabilities": ["read:users", "tasks"],
    "limits": {"memory_mb": 128},
    "settings": {
        "type": "object",
        "properties": {"per_page": {"type": "integer", "minimum": 1, "default": 10}},
    },
    "tasks": [{"name": "publish", "cron": "*/5 * * * mon-fri", "function": "tasks.publish_due"}],
    "theme": {"accent-color": "#ff6600"},
}


def _problems(**changes: object) -> list[str]:
    data = {**GOOD, **changes}
    with pytest.raises(ManifestInvalidError) as caught:
        load_manifest(yaml.safe_dump(data))
    assert caught.value.code == "PLUGIN_MANIFEST_INVALID"
    return caught.value.problems


def test_a_good_manifest_loads_with_safe_defaults_for_absent_limits() -> None:
    manifest = load_manifest(yaml.safe_dump(GOOD))
    assert manifest.name == "blog_extra"
    assert manifest.limits.memory_mb == 128
    assert manifest.limits.statement_timeout_ms == 5000
    assert manifest.limits.idle_in_transaction_timeout_ms == 5000
    assert manifest.settings_defaults() == {"per_page": 10}
    assert manifest.tasks[0].function == "tasks.publish_due"
    assert manifest.to_json()["theme"] == {"accent-color": "#ff6600"}


def test_every_problem_is_listed_field_by_field_in_one_error() -> None:
    problems = _problems(
        name="X",
        version=1.0,
        limits={"memory_mb": 1, "swap": 2},
        capabilities=["root", "tasks"],
        theme={"accent": "red; background: url(x)"},
    )
    assert (
        "name: 'X': must be 3-41 characters of a-z, 0-9 and _, starting with a letter" in problems
    )
    assert 'version: must be a string (quote it: "1.0")' in problems
    assert "limits.memory_mb: must be >= 16" in problems
    assert "limits.swap: is not a known field" in problems
    assert "capabilities[0]: 'root' is not one of read:users, http, tasks, settings" in problems
    assert (
        "theme.accent: 'red; background: url(x)': a CSS value may not contain ; { } < > or a"
        " backslash" in problems
    )
    assert len(problems) == 6


def test_missing_required_fields_are_each_named() -> None:
    with pytest.raises(ManifestInvalidError) as caught:
        load_manifest("name: notes\n")
    assert caught.value.problems == [
        "author: is required",
        "description: is required",
        "display_name: is required",
        "platform: is required",
        "version: is required",
    ]
    assert str(caught.value).startswith("plugin.yaml is invalid (5 problems): author: is required")


def test_cron_expressions_must_have_five_valid_fields() -> None:
    tasks = [
        {"name": "a", "cron": "* * *", "function": "f"},
        {"name": "b", "cron": "61 * * * *", "function": "f"},
        {"name": "b", "cron": "0 0 * 13 *", "function": "f"},
    ]
    problems = _problems(tasks=tasks)
    assert (
        "tasks[0].cron: must have 5 fields (minute hour day-of-month month day-of-week), got 3"
        in problems
    )
    assert "tasks[1].cron: minute '61': '61' is not between 0 and 59" in problems
    assert "tasks[2].cron: month '13': '13' is not between 1 and 12" in problems
    assert "tasks[2].name: 'b' is declared twice" in problems


def test_tasks_need_the_tasks_capability() -> None:
    assert _problems(capabilities=[]) == [
        "capabilities: must include 'tasks' when tasks are declared"
    ]


def test_platform_must_be_a_version_range() -> None:
    assert _problems(platform="whenever") == [
        "platform: 'whenever' is not a version range (write e.g. '>=0.1,<1.0')"
    ]


def test_a_platform_range_this_platform_is_outside_of_is_refused() -> None:
    manifest = load_manifest(yaml.safe_dump({**GOOD, "platform": ">=2.0"}))
    with pytest.raises(PlatformUnsupportedError) as caught:
        check_platform(manifest, "0.1.0")
    assert caught.value.code == "PLUGIN_PLATFORM_UNSUPPORTED"
    check_platform(manifest, "2.1.0")


def test_settings_defaults_must_satisfy_their_own_schema() -> None:
    settings = {"type": "object", "properties": {"n": {"type": "integer", "default": "ten"}}}
    assert _problems(settings=settings) == ["settings.properties.n.default: must be an integer"]


def test_every_setting_needs_a_default() -> None:
    settings = {"type": "object", "properties": {"n": {"type": "integer"}}}
    assert _problems(settings=settings) == ["settings.properties.n.default: is required"]


def test_names_of_platform_or_standard_library_modules_are_reserved() -> None:
    assert _problems(name="json") == [
        "name: 'json' is reserved (a platform or standard library module)"
    ]
    assert _problems(name="core")[0].startswith("name: 'core' is reserved")


def test_yaml_syntax_errors_name_the_line() -> None:
    with pytest.raises(ManifestInvalidError) as caught:
        load_manifest("name: notes\nversion: [1\n")
    assert len(caught.value.problems) == 1
    assert "line" in caught.value.problems[0]


def test_the_platform_version_is_the_cli_version() -> None:
    import althaus
    from core.version import PLATFORM_VERSION

    assert althaus.__version__ == PLATFORM_VERSION


def test_each_unknown_field_is_its_own_problem() -> None:
    assert _problems(colour="red", size=3) == [
        "colour: is not a known field",
        "size: is not a known field",
    ]
