"""The registry of known platform settings: each with a JSON Schema, a default and a description.

`plugin.<name>.*` keys belong to plugins and are managed by the plugin engine, not here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from subgraphs.kit.errors import AlthausError

PLUGIN_NAMESPACE = "plugin."


class UnknownSettingError(AlthausError):
    code = "SETTING_UNKNOWN"


class ReservedSettingError(AlthausError):
    code = "SETTING_RESERVED"


class InvalidSettingError(AlthausError):
    code = "SETTING_INVALID"


@dataclass(frozen=True)
class SettingDefinition:
    key: str
    schema: dict[str, Any]
    default: Any
    description: str

    def validate(self, value: Any) -> None:
        """Raise InvalidSettingError naming this setting and what is wrong with `value`."""
        error = best_match(Draft202012Validator(self.schema).iter_errors(value))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path)
            detail = f" at {where}" if where else ""
            raise InvalidSettingError(
                f"setting {self.key}{detail}: {error.message}", setting=self.key
            )


def _setting(key: str, schema: dict[str, Any], default: Any, description: str) -> SettingDefinition:
    definition = SettingDefinition(key, schema, default, description)
    Draft202012Validator.check_schema(schema)
    definition.validate(default)
    return definition


REGISTRY: dict[str, SettingDefinition] = {
    d.key: d
    for d in (
        _setting(
            "site.name",
            {"type": "string", "minLength": 1, "maxLength": 100},
            "Althaus",
            "The site's name, shown in titles and emails.",
        ),
        _setting(
            "site.description",
            {"type": "string", "maxLength": 500},
            "",
            "A one-paragraph description of the site.",
        ),
        _setting(
            "auth.registrationOpen",
            {"type": "boolean"},
            True,
            "Whether anyone may register an account.",
        ),
        _setting(
            "auth.accessTokenTtlSeconds",
            {"type": "integer", "minimum": 60, "maximum": 86400},
            900,
            "Lifetime of access tokens in seconds (60 to 86400).",
        ),
        _setting(
            "ratelimit.anonymousPerMinute",
            {"type": "integer", "minimum": 0, "maximum": 1000000},
            60,
            "Requests per minute allowed per IP without credentials (0 turns the limit off).",
        ),
        _setting(
            "ratelimit.userPerMinute",
            {"type": "integer", "minimum": 0, "maximum": 1000000},
            600,
            "Requests per minute allowed per signed-in user or API key (0 turns the limit off).",
        ),
    )
}


def definition_of(key: str) -> SettingDefinition:
    """The registered setting `key`; refuses plugin keys and unknown keys with clear errors."""
    if key.startswith(PLUGIN_NAMESPACE):
        raise ReservedSettingError(
            f"setting {key}: the plugin.<name>.* namespace is managed by plugins", setting=key
        )
    definition = REGISTRY.get(key)
    if definition is None:
        raise UnknownSettingError(
            f"setting {key} does not exist; known settings: {', '.join(sorted(REGISTRY))}",
            setting=key,
        )
    return definition
