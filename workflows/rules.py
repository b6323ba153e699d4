"""SPEC §6's definitions, written once: every page, API field, report and reminder imports them.

Each rule comes twice, side by side, so the two can be seen to agree: a
predicate on one loaded model (for a row already in hand) and a query
expression (for counts and filters in the database).  The agreement test
(``tests/workflows/test_rules__agreement.py``) computes each figure through
every reader and checks they match.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, F, IntegerField, Q, Sum, Value, When
from django.db.models.lookups import GreaterThan
from django.utils import timezone

from approvals import working_days
from approvals.models import Outcome
from approvals.working_days import Calendar, Ordinal, local_date
from province.time_limits import step_time_limits

from .models import Blocker
from .states import OPEN_STATES, STATES_OF_BUCKET, BlockerReason, State, bucket_of

CLOSED_STATES = frozenset({State.COMPLETED, State.CANCELLED})

__all__ = [
    "CLOSED_STATES",
    "OPEN_STATES",
    "REQUESTED_OUTCOMES",
    "approved_total",
    "blocked_q",
    "blocker_reasons",
    "bucket_of",
    "bucket_q",
    "days_overdue",
    "due_soon_q",
    "has_derived_db_blocker",
    "is_due_soon",
    "is_open",
    "is_overdue",
    "is_stuck",
    "open_q",
    "overdue_q",
    "requested_sum",
    "requested_total",
    "round_counts_as_requested",
    "stuck_q",
    "StepClock",
    "step_clock",
]


def due_soon_days() -> int:
    return int(settings.PILOT06_DUE_SOON_DAYS)


def stuck_days() -> int:
    return int(settings.PILOT06_STUCK_DAYS)


# Open: neither completed nor cancelled. ------------------------------------


def is_open(state: str) -> bool:
    return state in OPEN_STATES


def open_q() -> Q:
    return Q(state__in=OPEN_STATES)


# Overdue: past the deadline (the province's day) and still open. -----------


def is_overdue(pilot_model: Any, today: dt.date) -> bool:
    return is_open(pilot_model.state) and pilot_model.deadline < today


def overdue_q(today: dt.date) -> Q:
    return open_q() & Q(deadline__lt=today)


def days_overdue(pilot_model: Any, today: dt.date) -> int:
    deadline: dt.date = pilot_model.deadline
    return max(0, (today - deadline).days)


# Due soon: open, deadline from today to today + PILOT06_DUE_SOON_DAYS. -----


def is_due_soon(pilot_model: Any, today: dt.date) -> bool:
    return is_open(pilot_model.state) and today <= pilot_model.deadline <= today + dt.timedelta(
        days=due_soon_days()
    )


def due_soon_q(today: dt.date) -> Q:
    return open_q() & Q(
        deadline__gte=today, deadline__lte=today + dt.timedelta(days=due_soon_days())
    )


# Stuck: open, and no successful action for ``days`` days. -----------------


def is_stuck(pilot_model: Any, now: dt.datetime, days: int | None = None) -> bool:
    limit = now - dt.timedelta(days=stuck_days() if days is None else days)
    return is_open(pilot_model.state) and pilot_model.last_action_at < limit


def stuck_q(now: dt.datetime, days: int | None = None) -> Q:
    return open_q() & Q(
        last_action_at__lt=now - dt.timedelta(days=stuck_days() if days is None else days)
    )


# Blockers: entered ones, and the population-database one nobody enters. ----


def has_derived_db_blocker(pilot_model: Any) -> bool:
    """SPEC §3: an open model that needs the population database and has no permission recorded."""
    return (
        is_open(pilot_model.state)
        and pilot_model.needs_population_db_connection
        and not pilot_model.db_permission_number
    )


def derived_db_blocker_q() -> Q:
    return open_q() & Q(needs_population_db_connection=True, db_permission_number="")


def blocked_q(reason: str | None = None) -> Q:
    """Open models with an open blocker (of ``reason``), the derived one included.

    A plain ``IN (SELECT …)``, not a correlated EXISTS: the database builds
    the set once and probes it, which keeps a 100,000-model count fast.
    """
    blockers = Blocker.objects.filter(cleared_at__isnull=True)
    if reason is not None:
        blockers = blockers.filter(reason=reason)
    entered = open_q() & Q(pk__in=blockers.values("pilot_model_id"))
    if reason is None or reason == BlockerReason.NO_POPULATION_DB_PERMISSION:
        return entered | derived_db_blocker_q()
    return entered


def blocker_reasons(pilot_model: Any, entered: Iterable[str]) -> list[str]:
    """What a model's record lists: its uncleared entered blockers, then the derived one while open.

    A model's record shows every blocker nobody cleared, even once it was
    cancelled; the figures and filters (``blocked_q``) count open models
    only, since a closed model waits on no one.
    """
    reasons = list(entered)
    derived = BlockerReason.NO_POPULATION_DB_PERMISSION.value
    if has_derived_db_blocker(pilot_model) and derived not in reasons:
        reasons.append(derived)
    return reasons


# Funding: which rounds count. ------------------------------------------------

# A round counts as requested while it waits and once approved; a returned
# or rejected round was sent back, so its amount is no longer asked for.
REQUESTED_OUTCOMES = (Outcome.PENDING, Outcome.APPROVED)


def round_counts_as_requested(outcome: str) -> bool:
    return outcome in REQUESTED_OUTCOMES


def requested_total(rounds: Iterable[Any]) -> int:
    """Rounds with their step loaded (``round.step.outcome``)."""
    return sum(r.amount for r in rounds if round_counts_as_requested(r.step.outcome))


def approved_total(rounds: Iterable[Any]) -> int:
    return sum(r.approved_amount or 0 for r in rounds)


def requested_sum(prefix: str = "") -> Sum:
    """The requested total as an aggregate over funding requests (``prefix`` from another model)."""
    return Sum(f"{prefix}amount", filter=Q(**{f"{prefix}step__outcome__in": REQUESTED_OUTCOMES}))


def approved_sum(prefix: str = "") -> Sum:
    return Sum(f"{prefix}approved_amount")


# Buckets: not started, in progress, completed (SPEC §6). -------------------


def bucket_q(bucket: str) -> Q:
    return Q(state__in=STATES_OF_BUCKET.get(bucket, []))


# Time limits of approval steps, in working days (issue 14). ----------------
#
# A step is due on the limit-th working day after the day it was opened
# (the province's day), the limit being the province profile's for its kind.
# On day ``today`` it has ``ordinal(due) − ordinal(today)`` working days
# left: 0 on the due day, negative once a working day after it has begun,
# which is when it is late.  A decided step was decided late when the same
# count, taken on the day of the decision, is negative.


@dataclass(frozen=True)
class StepTiming:
    due_date: dt.date
    working_days_left: int

    @property
    def late(self) -> bool:
        return self.working_days_left < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.working_days_left)


@dataclass(frozen=True)
class StepClock:
    """The calendar and the time limits in force, taken once per page or report."""

    calendar: Calendar
    limits: Mapping[str, int]

    def limit_of(self, kind: str) -> int | None:
        return self.limits.get(str(kind))

    # On one step in hand.

    def due_date(self, kind: str, submitted_at: dt.datetime) -> dt.date | None:
        limit = self.limit_of(kind)
        return None if limit is None else self.calendar.add(local_date(submitted_at), limit)

    def timing(self, step: Any, today: dt.date) -> StepTiming | None:
        """Due date and working days left of a pending step (None when decided or without a limit)."""
        if step is None or step.outcome != Outcome.PENDING:
            return None
        due = self.due_date(step.kind, step.submitted_at)
        if due is None:
            return None
        return StepTiming(due, self.calendar.between(today, due))

    def is_late(self, step: Any, today: dt.date) -> bool:
        timing = self.timing(step, today)
        return timing is not None and timing.late

    def decided_late(self, step: Any) -> bool:
        """Decided (approved, returned, rejected) after its due date's working day had passed."""
        if step.decided_at is None or step.outcome in (Outcome.PENDING, Outcome.CLOSED):
            return False
        due = self.due_date(step.kind, step.submitted_at)
        return due is not None and self.calendar.between(local_date(step.decided_at), due) < 0

    def working_days_taken(self, start: dt.datetime, end: dt.datetime) -> int:
        return self.calendar.between(local_date(start), local_date(end))

    # As query expressions on ApprovalStep (``prefix`` reaches it from another model).

    def late_q(self, today: dt.date, prefix: str = "") -> Q:
        """Pending steps that are late on ``today``: opened before each kind's cut-off day.

        Late ⇔ ordinal(opened) + limit < ordinal(today) ⇔ the opening day is
        before the working day whose ordinal is ordinal(today) − limit.
        """
        now = self.calendar.ordinal(today)
        kinds = Q(pk__in=[])
        for kind, limit in self.limits.items():
            cutoff = self.calendar.working_day_at(now - limit)
            start = dt.datetime.combine(cutoff, dt.time(), tzinfo=timezone.get_default_timezone())
            kinds |= Q(**{f"{prefix}kind": kind, f"{prefix}submitted_at__lt": start})
        return Q(**{f"{prefix}outcome": Outcome.PENDING}) & kinds

    def limit_expression(self, prefix: str = "") -> Case:
        whens = [
            When(**{f"{prefix}kind": kind}, then=Value(limit))
            for kind, limit in self.limits.items()
        ]
        return Case(*whens, default=None, output_field=IntegerField())

    def ordinal_expression(self, field: str) -> Ordinal:
        return Ordinal(F(field), calendar=self.calendar)

    def due_ordinal_expression(self, prefix: str = "") -> Any:
        """ordinal(due date): the opening day's ordinal plus the kind's limit (NULL without a limit)."""
        return self.ordinal_expression(f"{prefix}submitted_at") + self.limit_expression(prefix)

    def decided_late_q(self, prefix: str = "") -> Q:
        decided = Q(
            **{f"{prefix}outcome__in": [Outcome.APPROVED, Outcome.RETURNED, Outcome.REJECTED]}
        )
        late = GreaterThan(
            self.ordinal_expression(f"{prefix}decided_at"), self.due_ordinal_expression(prefix)
        )
        return decided & Q(late)


def step_clock() -> StepClock:
    """The clock in force: the cached calendar and the province's limits (no query when cached)."""
    return StepClock(working_days.current(), step_time_limits())
