"""The plugin manifest (`plugin.yaml`): load it, check it against its JSON Schema and rules."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator, ValidationError
from jsonschema.exceptions import SchemaError
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from core.version import PLATFORM_VERSION
from subgraphs.plugins.package.cron import cron_problems
from subgraphs.plugins.package.errors import ManifestInvalidError, PlatformUnsupportedError

SCHEMA_PATH = Path(__file__).resolve().parents[3] / "schema" / "plugin-manifest.schema.json"
MANIFEST_FILE = "plugin.yaml"
CAPABILITIES = ("read:users", "http", "tasks", "settings")
# Names a plugin's Python package may not take: the platform's own packages and the stdlib.
RESERVED_NAMES = frozenset({"althaus", "core", "plugins", "subgraphs", "supergraph", "tests"})


@dataclass(frozen=True)
class Limits:
    """Resource limits; the defaults are the safe ones a manifest gets when it says nothing."""

    statement_timeout_ms: int = 5000
    memory_mb: int = 256
    storage_mb: int = 100
    connections: int = 5
    task_cpu_seconds: int = 60
    idle_in_transaction_timeout_ms: int = 5000  # absent from a manifest: its statement timeout
    temp_file_limit_mb: int = 64


@dataclass(frozen=True)
class Task:
    """A scheduled task: `function` (dotted, within the plugin's package) runs at each `cron`."""

    name: str
    cron: str
    function: str


@dataclass(frozen=True)
class Manifest:
    name: str
    version: str
    display_name: str
    description: str
    author: str
    platform: str
    capabilities: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    settings: Mapping[str, Any] = field(default_factory=dict)
    tasks: tuple[Task, ...] = ()
    theme: Mapping[str, str] = field(default_factory=dict)
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def schema_name(self) -> str:
        """The Postgres schema and role of this plugin."""
        return f"plugin_{self.name}"

    def settings_defaults(self) -> dict[str, Any]:
        """Each setting's default, from the settings JSON Schema."""
        properties = self.settings.get("properties", {})
        return {key: spec["default"] for key, spec in properties.items()}

    def supports(self, platform_version: str = PLATFORM_VERSION) -> bool:
        return SpecifierSet(self.platform).contains(platform_version, prereleases=True)

    def to_json(self) -> dict[str, Any]:
        """The manifest as written (for `plugin_registry.manifest`)."""
        return dict(self.raw)


@functools.cache
def manifest_validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def load_manifest(source: str | bytes | Path, *, name: str = MANIFEST_FILE) -> Manifest:
    """Parse and validate a manifest from YAML text/bytes or a file path.

    Raises ManifestInvalidError listing every problem found, field by field.
    """
    if isinstance(source, Path):
        try:
            source = source.read_bytes()
        except OSError as exc:
            raise ManifestInvalidError([f"cannot be read: {exc.strerror}"], name) from None
    try:
        data = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ManifestInvalidError([f"(file): {problem}{where}"], name) from None
    return manifest_from_data(data, name=name)


def manifest_from_data(data: Any, *, name: str = MANIFEST_FILE) -> Manifest:
    """Validate an already-parsed manifest (a mapping) and build the Manifest."""
    if not isinstance(data, dict):
        raise ManifestInvalidError(["(file): must be a mapping of fields"], name)
    problems = manifest_problems(data)
    if problems:
        raise ManifestInvalidError(problems, name)
    limits_data = dict(data.get("limits", {}))
    limits_data.setdefault(
        "idle_in_transaction_timeout_ms", limits_data.get("statement_timeout_ms", 5000)
    )
    limits = Limits(**limits_data)
    tasks = tuple(Task(**task) for task in data.get("tasks", []))
    return Manifest(
        name=data["name"],
        version=data["version"],
        display_name=data["display_name"],
        description=data["description"],
        author=data["author"],
        platform=data["platform"],
        capabilities=tuple(data.get("capabilities", [])),
        limits=limits,
        settings=data.get("settings", {"type": "object", "properties": {}}),
        tasks=tasks,
        theme=dict(data.get("theme", {})),
        raw=data,
    )


def manifest_problems(data: Mapping[str, Any]) -> list[str]:
    """Every problem of a parsed manifest: its schema first, then the rules a schema cannot say."""
    errors = sorted(
        manifest_validator().iter_errors(data), key=lambda e: (list(map(str, e.path)), e.message)
    )
    problems = [problem for error in errors for problem in _describe(error)]
    broken = {_json_path(list(error.path)[:1]) for error in errors}
    problems.extend(_rule_problems(data, broken))
    return sorted(problems)


def check_platform(manifest: Manifest, platform_version: str = PLATFORM_VERSION) -> None:
    """Raise PlatformUnsupportedError unless this platform's version is in the plugin's range."""
    if not manifest.supports(platform_version):
        raise PlatformUnsupportedError(
            f"{manifest.name} {manifest.version} supports platform {manifest.platform!r};"
            f" this platform is {platform_version}"
        )


def _rule_problems(data: Mapping[str, Any], broken: set[str]) -> list[str]:
    problems: list[str] = []
    name = data.get("name")
    if "name" not in broken and isinstance(name, str):
        if name in RESERVED_NAMES or name in sys.stdlib_module_names:
            problems.append(f"name: {name!r} is reserved (a platform or standard library module)")
    platform = data.get("platform")
    if "platform" not in broken and isinstance(platform, str):
        try:
            SpecifierSet(platform)
        except InvalidSpecifier:
            problems.append(
                f"platform: {platform!r} is not a version range (write e.g. '>=0.1,<1.0')"
            )
    tasks = data.get("tasks", [])
    if isinstance(tasks, list):
        problems.extend(_task_problems(tasks, data.get("capabilities", [])))
    settings = data.get("settings")
    if "settings" not in broken and isinstance(settings, dict):
        problems.extend(_settings_problems(settings))
    return problems


def _task_problems(tasks: list[Any], capabilities: Any) -> list[str]:
    problems: list[str] = []
    seen: set[str] = set()
    for index, task in enumerate(tasks):
        if not isinstance(task, dict):
            continue
        if isinstance(task.get("cron"), str):
            problems.extend(f"tasks[{index}].cron: {p}" for p in cron_problems(task["cron"]))
        if isinstance(task.get("name"), str):
            if task["name"] in seen:
                problems.append(f"tasks[{index}].name: {task['name']!r} is declared twice")
            seen.add(task["name"])
    if tasks and isinstance(capabilities, list) and "tasks" not in capabilities:
        problems.append("capabilities: must include 'tasks' when tasks are declared")
    return problems


def _settings_problems(settings: Mapping[str, Any]) -> list[str]:
    try:
        Draft202012Validator.check_schema(settings)
    except SchemaError as exc:
        return [f"settings: not a valid JSON Schema: {exc.message}"]
    validator = Draft202012Validator(settings)
    problems: list[str] = []
    for key, spec in settings.get("properties", {}).items():
        for error in Draft202012Validator(spec).iter_errors(spec["default"]):
            problems.append(f"settings.properties.{key}.default: {_message(error)}")
    defaults = {key: spec["default"] for key, spec in settings.get("properties", {}).items()}
    if not problems:
        for error in validator.iter_errors(defaults):
            problems.append(f"settings: the defaults do not validate: {_message(error)}")
    return problems


def _json_path(path: list[Any]) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _describe(error: ValidationError) -> list[str]:
    path = list(error.path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return [f"{_json_path([*path, missing])}: is required"]
    if error.validator == "additionalProperties" and error.validator_value is False:
        schema: Any = error.schema
        known = set(schema.get("properties", {}))
        instance: Any = error.instance
        extra = sorted(key for key in instance if key not in known)
        return [f"{_json_path([*path, key])}: is not a known field" for key in extra]
    return [f"{_json_path(path) or '(file)'}: {_message(error)}"]


def _message(error: ValidationError) -> str:
    value: Any = error.validator_value
    kind = error.validator
    if kind == "minimum":
        return f"must be >= {value}"
    if kind == "maximum":
        return f"must be <= {value}"
    if kind == "type":
        article = "an" if str(value)[0] in "aeiou" else "a"
        if value == "string" and isinstance(error.instance, int | float):
            return f'must be a string (quote it: "{error.instance}")'
        return f"must be {article} {value}"
    if kind == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, value))}"
    if kind == "const":
        return f"must be {value!r}"
    if kind == "pattern":
        schema: Any = error.schema
        return f"{error.instance!r}: {schema.get('x-pattern-message') or f'must match {value}'}"
    if kind == "minLength":
        return "must not be empty" if value == 1 else f"must be at least {value} characters"
    if kind == "maxLength":
        return f"must be at most {value} characters"
    if kind == "uniqueItems":
        return "has duplicate items"
    return error.message
