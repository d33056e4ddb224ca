"""bench/plugin_activation.py and bench/activation/: arguments, figures, verdict and answer
checks on given numbers (no platform, no timing)."""

from __future__ import annotations

import pytest

from bench.activation.figures import Round, Spread, Summary, spread
from bench.activation.report import format_table
from bench.activation.scenario import answers_posts, refuses_posts
from bench.plugin_activation import parse_args


def _round(visible: float, *, activate: float = 0.5, gone: float = 0.01) -> Round:
    return Round(
        activate_seconds=activate,
        visible_seconds=visible,
        visible_polls=3,
        deactivate_seconds=0.3,
        gone_seconds=gone,
        gone_polls=1,
    )


def test_rounds_default_to_five_and_the_table_to_text() -> None:
    args = parse_args([])
    assert args.rounds == 5
    assert args.json is False


def test_rounds_and_json_are_read_from_the_command_line() -> None:
    args = parse_args(["--rounds", "12", "--json"])
    assert args.rounds == 12
    assert args.json is True


@pytest.mark.parametrize("rounds", ["0", "-1", "two", "1.5"])
def test_rounds_must_be_a_whole_number_of_one_or_more(
    rounds: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(["--rounds", rounds])
    assert exited.value.code == 2
    assert "--rounds" in capsys.readouterr().err


def test_spread_of_an_odd_count_takes_the_middle_figure() -> None:
    assert spread([0.3, 0.1, 0.2, 0.9, 0.4]) == Spread(min=0.1, median=0.3, max=0.9)


def test_spread_of_an_even_count_takes_the_mean_of_the_middle_two() -> None:
    even = spread([0.4, 0.1, 0.2, 0.8])
    assert (even.min, even.max) == (0.1, 0.8)
    assert even.median == pytest.approx(0.3)


def test_spread_of_one_figure_is_that_figure() -> None:
    assert spread([1.25]) == Spread(1.25, 1.25, 1.25)


def test_spread_of_no_figures_is_an_error() -> None:
    with pytest.raises(ValueError, match="no figures"):
        spread([])


def test_summary_spreads_each_figure_over_the_rounds() -> None:
    summary = Summary((_round(0.05, activate=0.6), _round(0.02, activate=0.4), _round(0.5)))
    assert summary.of("visible_seconds") == Spread(0.02, 0.05, 0.5)
    assert summary.of("activate_seconds") == Spread(0.4, 0.5, 0.6)


def test_every_round_within_the_target_passes() -> None:
    summary = Summary((_round(0.05), _round(2.0), _round(0.1)))
    assert summary.within_target
    assert summary.late_rounds == []
    assert summary.verdict().startswith("verdict: within the 2 s target")
    assert "2000.0 ms" in summary.verdict()


def test_a_round_over_the_target_fails_and_is_named() -> None:
    summary = Summary((_round(0.05), _round(2.5), _round(0.1), _round(3.0)))
    assert not summary.within_target
    assert summary.late_rounds == [2, 4]
    assert summary.verdict() == (
        "verdict: over the 2 s target in 2 of 4 rounds (2, 4); slowest 3000.0 ms"
    )


def test_a_single_round_is_named_in_the_singular() -> None:
    assert Summary((_round(0.05),)).verdict().endswith("(1 round)")
    assert "in 1 of 1 round (1)" in Summary((_round(2.5),)).verdict()


def test_the_target_is_a_parameter_of_the_summary() -> None:
    assert not Summary((_round(0.2),), target_seconds=0.1).within_target


def test_json_carries_every_round_and_each_spread() -> None:
    record = Summary((_round(0.05), _round(0.15))).as_json()
    assert record["target_seconds"] == 2.0
    assert record["within_target"] is True
    assert [r["visible_seconds"] for r in record["rounds"]] == [0.05, 0.15]
    assert record["rounds"][0]["visible_polls"] == 3
    assert set(record["summary"]) == {
        "activate_seconds",
        "visible_seconds",
        "deactivate_seconds",
        "gone_seconds",
    }
    assert record["summary"]["visible_seconds"] == {
        "min": 0.05,
        "median": pytest.approx(0.1),
        "max": 0.15,
    }


def test_table_has_a_row_per_round_the_spreads_and_the_verdict() -> None:
    table = format_table(Summary((_round(0.0124), _round(0.5))))
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["round", "activate"]
    assert lines[2].split() == ["1", "500.0", "12.4", "3", "300.0", "10.0", "1"]
    assert lines[3].split()[0] == "2"
    assert [line.split()[0] for line in lines[5:8]] == ["min", "median", "max"]
    assert lines[6].split() == ["median", "500.0", "256.2", "300.0", "10.0"]
    assert lines[-1].startswith("verdict: within the 2 s target")


def test_a_posts_answer_counts_only_without_errors() -> None:
    assert answers_posts({"data": {"me": {"posts": []}}})
    assert answers_posts({"data": {"me": {"posts": [{"title": "Hello"}]}}})
    assert not answers_posts({"data": {"me": None}})
    assert not answers_posts(
        {"data": {"me": {"posts": None}}, "errors": [{"message": "subgraph unreachable"}]}
    )


def test_only_a_validation_error_counts_as_the_field_gone() -> None:
    gone = {
        "errors": [{"message": "no field", "extensions": {"code": "GRAPHQL_VALIDATION_FAILED"}}]
    }
    other = {"errors": [{"message": "down", "extensions": {"code": "SUBGRAPH_UNAVAILABLE"}}]}
    assert refuses_posts(gone)
    assert not refuses_posts(other)
    assert not refuses_posts({"data": {"me": {"posts": []}}})
