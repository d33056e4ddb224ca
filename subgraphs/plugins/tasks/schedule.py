"""When a task is due: the minutes, in UTC, that a 5-field cron expression names.

The fields are minute, hour, day of month, month and day of week, as in Vixie cron: numbers,
names (`jan`..`dec`, `sun`..`sat`), ranges (`1-5`), lists (`1,15`), steps (`*/15`, `10-40/10`,
`5/20` meaning `5-59/20`) and `*`; 0 and 7 are both Sunday. When the day-of-month and the
day-of-week fields are both restricted (neither starts with `*`) a day matches if it matches
either of them; otherwise it must match both (so `0 0 */2 * mon` means odd days that are
Mondays, as in Vixie cron and cronie).
"""

from __future__ import annotations

import calendar
import functools
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from subgraphs.plugins.package.cron import _FIELDS, _TERM, _value, cron_problems
from subgraphs.plugins.tasks.errors import CronExpressionInvalid, CronNeverDue

# The Gregorian calendar repeats its dates and weekdays every 400 years, so a schedule that is
# due at all is due at least once in any 400-year span.
_HORIZON_MONTHS = 400 * 12 + 1
_MINUTE = timedelta(minutes=1)
_LONGEST_MONTH = {
    month: 29 if month == 2 else calendar.monthrange(2001, month)[1] for month in range(1, 13)
}


@dataclass(frozen=True)
class CronSchedule:
    """A parsed cron expression: the values each field allows, sorted."""

    expression: str
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    """Sunday is 0 (a 7 in the expression is stored as 0)."""
    either_day: bool
    """Both day fields are restricted, so a day matches when it matches either one."""

    def matches(self, moment: datetime) -> bool:
        """Whether the minute of `moment` (in UTC) is a due time."""
        moment = _utc(moment)
        return (
            moment.minute in self.minutes
            and moment.hour in self.hours
            and self._day_matches(moment.date())
        )

    def previous(self, at: datetime) -> datetime | None:
        """The latest due minute at or before `at`; None when there is none (a date that does
        not exist, like the 30th of February, or before the year 1)."""
        cursor = _utc(at).replace(second=0, microsecond=0)
        for year, month, first_month in _months_back(cursor.year, cursor.month):
            if month not in self.months:
                continue
            top = cursor.day if first_month else calendar.monthrange(year, month)[1]
            for day in range(top, 0, -1):
                if not self._day_matches(date(year, month, day)):
                    continue
                today = first_month and day == cursor.day
                found = self._latest_time(cursor.hour, cursor.minute) if today else self._last
                if found is not None:
                    return datetime(year, month, day, found[0], found[1], tzinfo=UTC)
        return None

    def next(self, after: datetime) -> datetime:
        """The earliest due minute strictly after `after`.

        Raises CronNeverDue when the expression names no date that exists.
        """
        moment = _utc(after).replace(second=0, microsecond=0)
        try:
            cursor = moment + _MINUTE
        except OverflowError:
            raise CronNeverDue(self.expression) from None
        for year, month, first_month in _months_forward(cursor.year, cursor.month):
            if month not in self.months:
                continue
            bottom = cursor.day if first_month else 1
            for day in range(bottom, calendar.monthrange(year, month)[1] + 1):
                if not self._day_matches(date(year, month, day)):
                    continue
                today = first_month and day == cursor.day
                found = self._earliest_time(cursor.hour, cursor.minute) if today else self._first
                if found is not None:
                    return datetime(year, month, day, found[0], found[1], tzinfo=UTC)
        raise CronNeverDue(self.expression)

    @property
    def _first(self) -> tuple[int, int]:
        return self.hours[0], self.minutes[0]

    @property
    def _last(self) -> tuple[int, int]:
        return self.hours[-1], self.minutes[-1]

    def _day_matches(self, day: date) -> bool:
        if day.month not in self.months:
            return False
        by_date = day.day in self.days
        by_weekday = day.isoweekday() % 7 in self.weekdays
        return (by_date or by_weekday) if self.either_day else (by_date and by_weekday)

    def _latest_time(self, hour: int, minute: int) -> tuple[int, int] | None:
        """The latest (hour, minute) of the schedule at or before hour:minute of a day."""
        index = bisect_right(self.hours, hour)
        if index and self.hours[index - 1] == hour:
            position = bisect_right(self.minutes, minute)
            if position:
                return hour, self.minutes[position - 1]
            index -= 1
        if index:
            return self.hours[index - 1], self.minutes[-1]
        return None

    def _earliest_time(self, hour: int, minute: int) -> tuple[int, int] | None:
        """The earliest (hour, minute) of the schedule at or after hour:minute of a day."""
        index = bisect_left(self.hours, hour)
        if index < len(self.hours) and self.hours[index] == hour:
            position = bisect_left(self.minutes, minute)
            if position < len(self.minutes):
                return hour, self.minutes[position]
            index += 1
        if index < len(self.hours):
            return self.hours[index], self.minutes[0]
        return None


@functools.lru_cache(maxsize=1024)
def parse_cron(expression: str) -> CronSchedule:
    """Parse a 5-field cron expression (checked by `subgraphs.plugins.package.cron`).

    Raises CronExpressionInvalid listing its problems, or CronNeverDue when it names no date
    that exists in any year.
    """
    problems = cron_problems(expression)
    if problems:
        raise CronExpressionInvalid(expression, problems)
    fields = expression.lower().split()
    values = [
        _field_values(text, low, high, names)
        for text, (_label, low, high, names) in zip(fields, _FIELDS, strict=True)
    ]
    minutes, hours, days, months, weekdays = values
    schedule = CronSchedule(
        expression=expression,
        minutes=tuple(sorted(minutes)),
        hours=tuple(sorted(hours)),
        days=frozenset(days),
        months=frozenset(months),
        weekdays=frozenset(day % 7 for day in weekdays),
        either_day=not fields[2].startswith("*") and not fields[4].startswith("*"),
    )
    if not _ever_due(schedule):
        raise CronNeverDue(expression)
    return schedule


def previous_due(expression: str, at: datetime) -> datetime | None:
    """The latest minute at or before `at` (aware, any zone) when `expression` is due, in UTC.

    None when it was never due before (or names no date that exists, like `0 0 30 feb *`).
    Raises CronExpressionInvalid for an invalid expression.
    """
    try:
        schedule = parse_cron(expression)
    except CronNeverDue:
        return None
    return schedule.previous(at)


def next_due(expression: str, after: datetime) -> datetime:
    """The earliest minute strictly after `after` (aware, any zone) when `expression` is due,
    in UTC. Raises CronExpressionInvalid, or CronNeverDue when it names no date that exists."""
    return parse_cron(expression).next(after)


def _field_values(text: str, low: int, high: int, names: tuple[str, ...]) -> set[int]:
    values: set[int] = set()
    for term in text.split(","):
        match = _TERM.match(term)
        assert match is not None  # cron_problems accepted it
        step = int(match.group("step") or 1)
        span = match.group("range")
        if span == "*":
            start, end = low, high
        else:
            bounds = [_number(bound, low, names) for bound in span.split("-")]
            start = bounds[0]
            if len(bounds) == 2:
                end = bounds[1]
            else:
                # `5/20` alone runs from 5 to the field's end, as in cronie.
                end = high if match.group("step") else start
        values.update(range(start, end + 1, step))
    return values


def _number(text: str, low: int, names: tuple[str, ...]) -> int:
    value = _value(text, low, names)
    assert value is not None  # cron_problems accepted it
    return value


def _ever_due(schedule: CronSchedule) -> bool:
    # With both day fields restricted every month has each weekday, so some day matches. With
    # one or none restricted, a month-and-day pair that exists in some year is needed; in 400
    # years each such date falls on every weekday (the 29th of February included).
    if schedule.either_day:
        return True
    return any(day <= _LONGEST_MONTH[month] for month in schedule.months for day in schedule.days)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"a due time needs an aware datetime (with a time zone), got {moment}")
    return moment.astimezone(UTC)


def _months_back(year: int, month: int) -> Iterator[tuple[int, int, bool]]:
    """(year, month, is_the_first) from the given month backwards, over the 400-year horizon."""
    for step in range(_HORIZON_MONTHS):
        if year < 1:
            return
        yield year, month, step == 0
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)


def _months_forward(year: int, month: int) -> Iterator[tuple[int, int, bool]]:
    for step in range(_HORIZON_MONTHS):
        if year > 9999:
            return
        yield year, month, step == 0
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
