"""Due times of cron expressions: the latest at or before a moment, the first after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from subgraphs.plugins.tasks import (
    CronExpressionInvalid,
    CronNeverDue,
    next_due,
    parse_cron,
    previous_due,
)
from tests.subgraphs.plugins.tasks.conftest import at

# 2026-12-03 is a Thursday.
NOW = at("2026-12-03 16:30:45")

# (expression, moment, latest due at or before it, first due after it)
CASES = [
    ("* * * * *", NOW, "2026-12-03 16:30", "2026-12-03 16:31"),
    ("* * * * *", at("2026-12-03 16:30:00"), "2026-12-03 16:30", "2026-12-03 16:31"),
    ("*/15 * * * *", at("2026-12-03 16:44:59"), "2026-12-03 16:30", "2026-12-03 16:45"),
    ("*/15 * * * *", at("2026-12-03 16:45:00"), "2026-12-03 16:45", "2026-12-03 17:00"),
    ("10-40/10 * * * *", at("2026-12-03 16:05:00"), "2026-12-03 15:40", "2026-12-03 16:10"),
    ("10-40/10 * * * *", at("2026-12-03 16:40:00"), "2026-12-03 16:40", "2026-12-03 17:10"),
    ("5/20 * * * *", at("2026-12-03 16:50:00"), "2026-12-03 16:45", "2026-12-03 17:05"),
    ("0,30 * * * *", at("2026-12-03 16:29:00"), "2026-12-03 16:00", "2026-12-03 16:30"),
    ("0 9-17/4 * * *", at("2026-12-03 08:00:00"), "2026-12-02 17:00", "2026-12-03 09:00"),
    ("0 9-17/4 * * *", at("2026-12-03 14:00:00"), "2026-12-03 13:00", "2026-12-03 17:00"),
    ("30 2 * * *", at("2026-12-03 02:29:59"), "2026-12-02 02:30", "2026-12-03 02:30"),
    ("0 0 1 jan *", NOW, "2026-01-01 00:00", "2027-01-01 00:00"),
    ("0 0 * jan,jul *", NOW, "2026-07-31 00:00", "2027-01-01 00:00"),
    ("0 0 * JAN-FEB *", NOW, "2026-02-28 00:00", "2027-01-01 00:00"),
    ("59 23 * * *", at("2026-12-31 23:59:30"), "2026-12-31 23:59", "2027-01-01 23:59"),
    ("0 0 1 * *", at("2026-12-31 23:59:00"), "2026-12-01 00:00", "2027-01-01 00:00"),
]

# Month ends: a day of month that some months lack is skipped in those months.
MONTH_ENDS = [
    ("0 0 31 * *", NOW, "2026-10-31 00:00", "2026-12-31 00:00"),
    ("0 0 31 * *", at("2027-03-01 00:00:00"), "2027-01-31 00:00", "2027-03-31 00:00"),
    ("0 0 30 * *", at("2027-03-01 00:00:00"), "2027-01-30 00:00", "2027-03-30 00:00"),
    ("0 0 29 * *", at("2027-03-01 00:00:00"), "2027-01-29 00:00", "2027-03-29 00:00"),
    ("0 0 29 * *", at("2028-03-01 00:00:00"), "2028-02-29 00:00", "2028-03-29 00:00"),
    ("0 0 29 feb *", NOW, "2024-02-29 00:00", "2028-02-29 00:00"),
    ("0 12 28-31 feb *", at("2028-03-01 00:00:00"), "2028-02-29 12:00", "2029-02-28 12:00"),
]

# Days of week; 0 and 7 are both Sunday.
WEEKDAYS = [
    ("0 12 * * 0", NOW, "2026-11-29 12:00", "2026-12-06 12:00"),
    ("0 12 * * 7", NOW, "2026-11-29 12:00", "2026-12-06 12:00"),
    ("0 12 * * sun", NOW, "2026-11-29 12:00", "2026-12-06 12:00"),
    ("0 0 * * mon-fri", at("2026-12-05 12:00:00"), "2026-12-04 00:00", "2026-12-07 00:00"),
    ("0 0 * * 5-7", NOW, "2026-11-29 00:00", "2026-12-04 00:00"),
    ("0 0 * * tue,thu", NOW, "2026-12-03 00:00", "2026-12-08 00:00"),
    ("0 0 * * */2", NOW, "2026-12-03 00:00", "2026-12-05 00:00"),  # sun tue thu sat
]

# Both day fields restricted: either one matches (Vixie cron); one starting with `*`: both.
DAY_RULE = [
    ("0 0 1-7 * mon", at("2026-12-10 12:00:00"), "2026-12-07 00:00", "2026-12-14 00:00"),
    ("0 9 13 * fri", NOW, "2026-11-27 09:00", "2026-12-04 09:00"),
    ("0 0 29 feb mon", NOW, "2026-02-23 00:00", "2027-02-01 00:00"),
    ("0 0 */2 * mon", NOW, "2026-11-23 00:00", "2026-12-07 00:00"),
    ("0 0 * * mon", NOW, "2026-11-30 00:00", "2026-12-07 00:00"),
    ("0 0 13 * *", NOW, "2026-11-13 00:00", "2026-12-13 00:00"),
]


def _minute(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(("expression", "moment", "previous", "following"), CASES)
def test_fields_ranges_lists_steps_and_names(
    expression: str, moment: datetime, previous: str, following: str
) -> None:
    assert previous_due(expression, moment) == _minute(previous)
    assert next_due(expression, moment) == _minute(following)


@pytest.mark.parametrize(("expression", "moment", "previous", "following"), MONTH_ENDS)
def test_days_a_month_lacks_are_skipped(
    expression: str, moment: datetime, previous: str, following: str
) -> None:
    assert previous_due(expression, moment) == _minute(previous)
    assert next_due(expression, moment) == _minute(following)


@pytest.mark.parametrize(("expression", "moment", "previous", "following"), WEEKDAYS)
def test_days_of_week_with_sunday_as_0_or_7(
    expression: str, moment: datetime, previous: str, following: str
) -> None:
    assert previous_due(expression, moment) == _minute(previous)
    assert next_due(expression, moment) == _minute(following)


@pytest.mark.parametrize(("expression", "moment", "previous", "following"), DAY_RULE)
def test_day_of_month_or_day_of_week_when_both_are_restricted(
    expression: str, moment: datetime, previous: str, following: str
) -> None:
    assert previous_due(expression, moment) == _minute(previous)
    assert next_due(expression, moment) == _minute(following)


def test_due_times_are_in_utc_whatever_the_zone_of_the_moment() -> None:
    paris_winter = timezone(timedelta(hours=1))
    moment = datetime(2026, 12, 3, 17, 30, tzinfo=paris_winter)  # 16:30 UTC
    assert previous_due("0 17 * * *", moment) == _minute("2026-12-02 17:00")
    assert next_due("0 17 * * *", moment) == _minute("2026-12-03 17:00")
    assert next_due("0 17 * * *", moment).tzinfo is UTC


def test_a_date_that_never_exists_is_never_due() -> None:
    assert previous_due("0 0 30 feb *", NOW) is None
    assert previous_due("0 0 31 apr,jun *", NOW) is None
    with pytest.raises(CronNeverDue) as raised:
        next_due("0 0 30 feb *", NOW)
    assert raised.value.code == "TASK_CRON_NEVER_DUE"


def test_an_invalid_expression_is_refused_with_its_problems() -> None:
    with pytest.raises(CronExpressionInvalid) as raised:
        previous_due("61 * * * *", NOW)
    assert raised.value.code == "TASK_CRON_INVALID"
    assert raised.value.problems == ["minute '61': '61' is not between 0 and 59"]
    with pytest.raises(CronExpressionInvalid):
        next_due("* * * *", NOW)


def test_a_moment_without_time_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        previous_due("* * * * *", datetime(2026, 12, 3, 16, 30))


def test_nothing_is_due_before_the_first_year() -> None:
    assert previous_due("0 0 1 jan *", datetime(1, 1, 1, 0, 0, tzinfo=UTC)) == datetime(
        1, 1, 1, tzinfo=UTC
    )
    assert previous_due("0 0 2 jan *", datetime(1, 1, 1, 12, 0, tzinfo=UTC)) is None


@pytest.mark.parametrize(
    "expression",
    [
        "*/7 * * * *",
        "0 */5 * * *",
        "15 3 1,15 * *",
        "0 0 1-7 * mon",
        "0 0 */2 * mon",
        "30 23 28-31 * *",
        "0 0 * * 6,7",
    ],
)
def test_previous_and_next_agree_with_the_minutes_that_match(expression: str) -> None:
    schedule = parse_cron(expression)
    start = at("2027-02-25 00:00:00")
    moment = start
    latest = schedule.previous(start)
    for _ in range(8 * 24 * 60):  # eight days across the end of February, minute by minute
        before = moment - timedelta(minutes=1)
        if schedule.matches(moment):
            assert schedule.previous(moment + timedelta(seconds=59)) == moment
            assert schedule.next(before) == moment
            latest = moment
        else:
            assert schedule.previous(moment) == latest
        moment += timedelta(minutes=1)
