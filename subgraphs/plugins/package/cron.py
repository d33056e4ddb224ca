"""Checking a cron expression of five fields (minute hour day-of-month month day-of-week)."""

from __future__ import annotations

import re

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")

# (field name, lowest, highest, names accepted for the numbers from `lowest` on)
_FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, _MONTHS),
    ("day of week", 0, 7, _DAYS),
)
_TERM = re.compile(r"^(?P<range>\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:/(?P<step>\d+))?$")


def cron_problems(expression: str) -> list[str]:
    """What is wrong with `expression`; an empty list when it is a valid 5-field cron line."""
    fields = expression.split()
    if len(fields) != 5:
        return [
            f"must have 5 fields (minute hour day-of-month month day-of-week), got {len(fields)}"
        ]
    problems: list[str] = []
    for text, (label, low, high, names) in zip(fields, _FIELDS, strict=True):
        for term in text.lower().split(","):
            problem = _term_problem(term, low, high, names)
            if problem:
                problems.append(f"{label} {text!r}: {problem}")
                break
    return problems


def _term_problem(term: str, low: int, high: int, names: tuple[str, ...]) -> str | None:
    match = _TERM.match(term)
    if match is None:
        return f"{term!r} is not a number, range (a-b), '*' or step (x/n)"
    step = match.group("step")
    if step is not None and not 1 <= int(step) <= high:
        return f"step {step} must be between 1 and {high}"
    if match.group("range") == "*":
        return None
    bounds = match.group("range").split("-")
    values: list[int] = []
    for bound in bounds:
        value = _value(bound, low, names)
        if value is None or not low <= value <= high:
            return f"{bound!r} is not between {low} and {high}"
        values.append(value)
    if len(values) == 2 and values[0] > values[1]:
        return f"range {term!r} runs backwards"
    return None


def _value(text: str, low: int, names: tuple[str, ...]) -> int | None:
    if text.isdigit():
        return int(text)
    if text in names:
        return names.index(text) + low
    return None
