"""The dashboard: SPEC §6's figures, the attention lists and where models wait, cached.

Every figure is aggregated in the database, so the number of queries is the
same at 38 models and at 100,000.  Officers get figures for the models they
can see (``workflows.selectors.visible_models``); every other role gets the
whole province.  Nothing here writes.

``dashboard_summary`` is kept in Django's cache (the default per-process
memory cache unless settings name another), keyed by the audit chain head:
every successful action appends an entry, so a new head means new data and
a new key.  The key also holds what else shapes the figures: the viewer's
scope, stuck_days, the day, the list limit, detail and the language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Count,
    IntegerField,
    Q,
    QuerySet,
    Value,
)
from django.utils import translation
from django.utils.translation import gettext as _

from approvals import audit, clock
from approvals.permissions import agency_id_of, sees_province
from approvals.roles import Role, roles_of
from workflows import rules
from workflows.counting import count_each
from workflows.models import (
    PilotModel,
)
from workflows.selectors import visible_models
from workflows.states import (
    BlockerReason,
    Bucket,
    State,
)

from .accountability import accountability
from .bottlenecks import bottlenecks
from .charts import PALETTE, hbars, stacked
from .late_steps import late_counts, late_flags, most_overdue
from .scope import LIST_LIMIT, Moment, agencies_by_id, scope_of


def _flags(moment: Moment, stuck_days: int, clock: rules.StepClock) -> dict[str, Q]:
    """SPEC §6's definitions (``workflows.rules``), as filters on PilotModel; late steps per kind beside."""
    return {
        "open": rules.open_q(),
        "overdue": rules.overdue_q(moment.today),
        "due_soon": rules.due_soon_q(moment.today),
        "stuck": rules.stuck_q(moment.now, stuck_days),
        **late_flags(clock, moment.today),
    }


def _counts(scope: QuerySet[PilotModel], flags: dict[str, Q]) -> dict[str, int]:
    """States, the three definitions and blockers by reason: one query, each count through its own index."""
    filters: dict[str, Q] = {f"state:{s}": Q(state=s) for s in State.values}
    for name in ("overdue", "due_soon", "stuck"):
        filters[name] = flags[name]
    for reason in BlockerReason.values:
        filters[f"blocker:{reason}"] = rules.blocked_q(reason)
    filters["blocked"] = rules.blocked_q()
    for name in flags:
        if name.startswith("late:"):
            filters[name] = flags[name]
    return count_each(scope, filters)


def _model_row(row: Mapping[str, Any], agencies: dict[int, dict[str, Any]]) -> dict[str, Any]:
    agency = agencies.get(row["lead_agency_id"], {})
    return {
        "id": row["pk"],
        "number": row["number"],
        "title": row["title"],
        "is_sample": row["is_sample"],
        "state": row["state"],
        "state_label": str(State(row["state"]).label),
        "lead_agency": {"code": agency.get("code", ""), "name": agency.get("name", "")},
        "deadline": row["deadline"],
        "last_action_at": row["last_action_at"],
    }


def _attention(
    scope: QuerySet[PilotModel],
    flags: dict[str, Q],
    moment: Moment,
    agencies: dict[int, dict[str, Any]],
    limit: int,
) -> dict[str, list[dict[str, Any]]]:
    """The first ``limit`` overdue, due-soon and stuck models, in one query.

    Three ordered, limited reads glued with UNION ALL: each walks the
    partial index of open models in its own order (deadline, or last
    action) and stops after ``limit`` rows, so the cost does not grow with
    the number of models in each list.
    """
    lists: dict[str, list[dict[str, Any]]] = {"overdue": [], "due_soon": [], "stuck": []}
    if limit <= 0:
        return lists
    columns = (
        "pk",
        "number",
        "title",
        "is_sample",
        "state",
        "deadline",
        "last_action_at",
        "lead_agency_id",
        "lane",
    )

    def lane(name: str, index: int, *order: str) -> QuerySet[PilotModel, dict[str, Any]]:
        return (
            scope.filter(flags[name])
            .annotate(lane=Value(index, output_field=IntegerField()))
            .order_by(*order)
            .values(*columns)[:limit]
        )

    parts = [
        lane("overdue", 0, "deadline", "number"),
        lane("due_soon", 1, "deadline", "number"),
        lane("stuck", 2, "last_action_at", "number"),
    ]
    for row in _union_all(parts, columns):
        item = _model_row(row, agencies)
        if row["lane"] == 0:
            lists["overdue"].append({**item, "days": (moment.today - row["deadline"]).days})
        elif row["lane"] == 1:
            lists["due_soon"].append({**item, "days": (row["deadline"] - moment.today).days})
        else:
            lists["stuck"].append({**item, "days": (moment.now - row["last_action_at"]).days})
    lists["overdue"].sort(key=lambda r: (r["deadline"], r["number"]))
    lists["due_soon"].sort(key=lambda r: (r["deadline"], r["number"]))
    lists["stuck"].sort(key=lambda r: (r["last_action_at"], r["number"]))
    return lists


def _union_all(
    parts: list[QuerySet[PilotModel, dict[str, Any]]], columns: tuple[str, ...]
) -> list[dict[str, Any]]:
    """Rows of ordered, limited querysets glued with UNION ALL (each wrapped, as SQLite requires)."""
    selects: list[str] = []
    params: list[Any] = []
    for index, part in enumerate(parts):
        try:
            sql, part_params = part.query.sql_with_params()
        except EmptyResultSet:  # a scope that holds nothing (an administrator's): no rows
            continue
        selects.append(f"SELECT * FROM ({sql}) AS lane{index}")
        params.extend(part_params)
    if not selects:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        converters = _converters(parts[0])
        return [
            {
                name: convert(value)
                for name, convert, value in zip(columns, converters, row, strict=True)
            }
            for row in cursor.fetchall()
        ]


def _converters(part: QuerySet[PilotModel, dict[str, Any]]) -> list[Any]:
    """How each selected column comes back from this backend into Python (dates, datetimes, booleans)."""
    compiler = part.query.get_compiler(connection=connection)
    compiler.setup_query()
    result = []
    for expression, _sql, _alias in compiler.select:
        found = compiler.get_converters([expression])
        if not found:
            result.append(lambda value: value)
            continue
        functions = next(iter(found.values()))[0]

        def convert(
            value: Any, functions: list[Any] = functions, expression: Any = expression
        ) -> Any:
            for function in functions:
                value = function(value, expression, connection)
            return value

        result.append(convert)
    return result


def _by_agency(
    scope: QuerySet[PilotModel], flags: dict[str, Q], agencies: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    rows = (
        scope.values("lead_agency_id")
        .annotate(
            led=Count("pk", filter=~Q(state=State.CANCELLED)),
            completed=Count("pk", filter=Q(state=State.COMPLETED)),
            overdue=Count("pk", filter=flags["overdue"]),
        )
        .order_by()
    )
    out = []
    for row in rows:
        agency = agencies.get(row["lead_agency_id"], {"code": "", "name": ""})
        out.append(
            {
                "code": agency["code"],
                "name": agency["name"],
                "led": row["led"],
                "completed": row["completed"],
                "overdue": row["overdue"],
            }
        )
    out.sort(key=lambda r: (-r["led"], r["code"]))
    return out


# How long a cached summary may serve before it is computed again even
# though no action happened: "stuck" is measured against the clock, so it
# may lag by this much behind the time, never behind an action.
SUMMARY_CACHE_SECONDS = 300


def _scope_key(user: Any) -> str:
    """The viewer's scope as ``visible_models`` draws it: the province, one agency, or nothing."""
    if sees_province(user):
        return "province"
    agency_id = agency_id_of(user) if Role.OFFICER in roles_of(user) else None
    return f"agency:{agency_id}" if agency_id is not None else "none"


def dashboard_summary(
    user: Any,
    *,
    stuck_days: int | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    list_limit: int = LIST_LIMIT,
    detail: bool = True,
) -> dict[str, Any]:
    """``summarize`` for ``user``, from the cache while the audit chain head has not moved.

    One query (the chain head) when the figures are cached; the full
    computation otherwise.  An explicit ``now`` is part of the key, so a
    document drawn for a given moment never gets another moment's figures.
    """
    stuck_days = stuck_days if stuck_days is not None else int(settings.PILOT06_STUCK_DAYS)
    day = today or clock.today()
    seq, head_hash = audit.head()
    key = ":".join(
        [
            "pilot06.dashboard",
            str(seq),
            head_hash[:32],
            _scope_key(user),
            str(stuck_days),
            day.isoformat(),
            now.isoformat() if now is not None else "",
            str(list_limit),
            "detail" if detail else "short",
            translation.get_language() or "",
        ]
    )
    summary: dict[str, Any] | None = cache.get(key)
    if summary is None:
        summary = summarize(
            user, stuck_days=stuck_days, today=day, now=now, list_limit=list_limit, detail=detail
        )
        cache.set(key, summary, SUMMARY_CACHE_SECONDS)
    return summary


def summarize(
    user: Any,
    *,
    stuck_days: int | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
    list_limit: int = LIST_LIMIT,
    detail: bool = True,
) -> dict[str, Any]:
    """SPEC §9's dashboard shape, plus what the dashboard page shows.

    The stable keys (the REST API returns them as they are): ``buckets``,
    ``cancelled``, ``states``, ``overdue``, ``due_soon``, ``stuck``,
    ``by_agency`` and ``blockers``.  The extra keys: ``total``, ``blocked``,
    ``today``, ``stuck_days``, ``due_soon_days``, the first ``list_limit``
    ``overdue_models``/``due_soon_models``/``stuck_models``, ``bottlenecks``
    and ``accountability`` (left out with ``detail=False``, which saves three
    queries for callers that only need the stable keys).  A constant number
    of queries at any size: seven for a province-wide role, eight for an
    officer (its agency), three fewer without detail.
    """
    moment = Moment.current(today, now)
    stuck_days = stuck_days if stuck_days is not None else int(settings.PILOT06_STUCK_DAYS)
    scope = scope_of(user)
    clock = rules.step_clock()
    flags = _flags(moment, stuck_days, clock)
    counts = _counts(scope, flags)
    agencies, heads = agencies_by_id()
    states = {s: counts[f"state:{s}"] for s in State.values}
    buckets = {
        Bucket.NOT_STARTED.value: states[State.REGISTERED]
        + states[State.FUNDING_REQUESTED]
        + states[State.FINANCED],
        Bucket.IN_PROGRESS.value: states[State.DEPLOYING],
        Bucket.COMPLETED.value: states[State.COMPLETED],
    }
    blockers = {reason: counts[f"blocker:{reason}"] for reason in BlockerReason.values}
    summary: dict[str, Any] = {
        "buckets": buckets,
        "cancelled": states[State.CANCELLED],
        "states": states,
        "overdue": counts["overdue"],
        "due_soon": counts["due_soon"],
        "stuck": counts["stuck"],
        "by_agency": _by_agency(scope, flags, agencies),
        "blockers": blockers,
        # Extras for the dashboard page and the documents.
        "total": sum(buckets.values()),
        "blocked": counts["blocked"],
        "today": moment.today,
        "stuck_days": stuck_days,
        "due_soon_days": int(settings.PILOT06_DUE_SOON_DAYS),
        # Pending approval steps past their time limit, by deciding agency (issue 14).
        "late_steps": late_counts(counts),
    }
    if not detail:
        return summary
    lists = _attention(scope, flags, moment, agencies, list_limit)
    summary["late_steps"]["steps"] = most_overdue(scope, clock, moment.today, list_limit)
    return {
        **summary,
        "overdue_models": lists["overdue"],
        "due_soon_models": lists["due_soon"],
        "stuck_models": lists["stuck"],
        "bottlenecks": bottlenecks(
            user, moment=moment, scope=scope, agencies=agencies, blockers=blockers
        ),
        "accountability": accountability(
            user, moment=moment, scope=scope, agencies=agencies, heads=heads
        ),
    }


# Pages ----------------------------------------------------------------------


def _days_text(value: float) -> str:
    return (_("%(d)s ngày") % {"d": f"{value:.1f}"}).replace(".", ",")


def _wdays_text(working: float, calendar: float) -> str:
    text = _("%(w)s ngày làm việc (%(d)s ngày lịch)") % {
        "w": f"{working:.1f}",
        "d": f"{calendar:.1f}",
    }
    return text.replace(".", ",")


def dashboard_page(user: Any, *, stuck_days: int, list_limit: int = 10) -> dict[str, Any]:
    """The dashboard's context: the summary, plus chart geometry drawn as inline SVG."""
    summary = dashboard_summary(user, stuck_days=stuck_days, list_limit=list_limit)
    buckets = summary["buckets"]
    state_fill: dict[str, str] = {
        State.REGISTERED: PALETTE["not_started"],
        State.FUNDING_REQUESTED: PALETTE["not_started"],
        State.FINANCED: PALETTE["not_started"],
        State.DEPLOYING: PALETTE["in_progress"],
        State.COMPLETED: PALETTE["completed"],
        State.CANCELLED: PALETTE["cancelled"],
    }
    states = [
        (str(State(s).label), summary["states"][s], str(summary["states"][s])) for s in State.values
    ]
    agencies = summary["by_agency"]
    steps = summary["bottlenecks"]["steps"]
    blockers = summary["bottlenecks"]["blockers"]
    late = summary["late_steps"]["by_agency"]
    return {
        "summary": summary,
        "sees_province": sees_province(user),
        "stuck_days": stuck_days,
        "bucket_chart": stacked(
            [
                (str(Bucket.COMPLETED.label), buckets[Bucket.COMPLETED], PALETTE["completed"]),
                (
                    str(Bucket.IN_PROGRESS.label),
                    buckets[Bucket.IN_PROGRESS],
                    PALETTE["in_progress"],
                ),
                (
                    str(Bucket.NOT_STARTED.label),
                    buckets[Bucket.NOT_STARTED],
                    PALETTE["not_started"],
                ),
            ]
        ),
        "state_chart": hbars(states, fills=[state_fill[s] for s in State.values]),
        "agency_chart": hbars(
            [(a["name"] or a["code"], a["led"], f"{a['completed']}/{a['led']}") for a in agencies],
            fill=PALETTE["in_progress"],
            marks=[a["completed"] for a in agencies],
        ),
        "step_chart": hbars(
            [
                (r["label"], r["median_wdays"], _wdays_text(r["median_wdays"], r["median_days"]))
                for r in steps
            ],
            fill=PALETTE["not_started"],
            marks=[r["max_wdays"] for r in steps],
        ),
        "late_chart": hbars(
            [(r["label"], r["count"], str(r["count"])) for r in late], fill=PALETTE["overdue"]
        ),
        "blocker_chart": hbars(
            [(r["label"], r["count"], str(r["count"])) for r in blockers], fill=PALETTE["overdue"]
        ),
    }


def reports_index(user: Any) -> dict[str, Any]:
    """What the reports page offers this user; Finance sees the funding report first."""
    province = sees_province(user)
    documents = []
    if province:
        documents = ["progress", "funding", "accountability"]
        if Role.FINANCE in roles_of(user):
            documents = ["funding", "progress", "accountability"]
    models = [
        {**row, "state_label": str(State(row["state"]).label)}
        for row in visible_models(user)
        .order_by("number")
        .values("pk", "number", "title", "is_sample", "state")[:500]
    ]
    return {
        "documents": documents,
        "sees_province": province,
        "models": models,
        "today": clock.today(),
    }
