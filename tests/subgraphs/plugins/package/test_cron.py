"""Cron expressions of five fields."""

from __future__ import annotations

import pytest

from subgraphs.plugins.package.cron import cron_problems


@pytest.mark.parametrize(
    "expression",
    ["* * * * *", "*/15 0-6 1,15 jan-jun mon-fri", "0 3 * * 7", "5-55/10 * * DEC sun"],
)
def test_valid_expressions_have_no_problems(expression: str) -> None:
    assert cron_problems(expression) == []


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("* * * *", "must have 5 fields"),
        ("@hourly", "must have 5 fields"),
        ("60 * * * *", "minute '60': '60' is not between 0 and 59"),
        ("* 24 * * *", "hour '24'"),
        ("* * 0 * *", "day of month '0'"),
        ("* * * * 8", "day of week '8'"),
        ("10-5 * * * *", "range '10-5' runs backwards"),
        ("*/0 * * * *", "step 0 must be between 1 and 59"),
        ("? * * * *", "is not a number, range"),
    ],
)
def test_invalid_expressions_say_which_field_is_wrong(expression: str, problem: str) -> None:
    problems = cron_problems(expression)
    assert len(problems) == 1
    assert problem in problems[0]
