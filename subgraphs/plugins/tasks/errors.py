"""Why a task's schedule cannot be used: one error type per reason, each with a stable code."""

from __future__ import annotations


class TaskScheduleError(ValueError):
    """A task's cron expression cannot give due times; `str()` is one line a user can act on."""

    code = "TASK_SCHEDULE_INVALID"

    def __init__(self, expression: str, message: str) -> None:
        super().__init__(message)
        self.expression = expression
        self.message = message


class CronExpressionInvalid(TaskScheduleError):
    """Not a valid 5-field cron line; `problems` lists what is wrong, field by field."""

    code = "TASK_CRON_INVALID"

    def __init__(self, expression: str, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(expression, f"cron {expression!r} is invalid: " + "; ".join(problems))


class CronNeverDue(TaskScheduleError):
    """A valid expression naming no date that exists (`0 0 30 feb *`)."""

    code = "TASK_CRON_NEVER_DUE"

    def __init__(self, expression: str) -> None:
        super().__init__(
            expression,
            f"cron {expression!r} is never due: no month it names has the days it names",
        )
