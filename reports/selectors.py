"""The read side of reports: dashboard figures, bottlenecks, accountability, document data.

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
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber, TruncDate
from django.utils import translation
from django.utils.translation import gettext as _

from approvals import audit, clock
from approvals.models import Agency, ApprovalStep, AuditEntry, Outcome, StepKind
from approvals.permissions import agency_id_of, sees_province
from approvals.roles import Role, roles_of
from workflows import trail
from workflows.models import (
    Blocker,
    FundingRequest,
    LeadAgencyTerm,
    PilotModel,
)
from workflows.selectors import visible_models
from workflows.states import (
    OPEN_STATES,
    BlockerReason,
    Bucket,
    FundingSource,
    State,
)

from .aggregates import DaysBetween, Spread, models_with_steps, spreads
from .charts import PALETTE, hbars, stacked
from .documents import header
from .labels import event_label
from .periods import Period

DECIDED = [Outcome.APPROVED, Outcome.RETURNED, Outcome.REJECTED]
SENT_BACK = [Outcome.RETURNED, Outcome.REJECTED]
LIST_LIMIT = 20


@dataclass(frozen=True)
class Moment:
    """The day and instant every figure of one summary is measured against."""

    today: dt.date
    now: dt.datetime

    @classmethod
    def current(cls, today: dt.date | None = None, now: dt.datetime | None = None) -> Moment:
        now = now or clock.now()
        return cls(today=today or clock.today(), now=now)


def scope_of(user: Any) -> QuerySet[PilotModel]:
    """The models whose figures ``user`` may see, without ordering (for aggregates)."""
    return visible_models(user).order_by()


def _within(queryset: QuerySet[Any], scope: QuerySet[PilotModel], lookup: str = "pilot_model") -> QuerySet[Any]:
    """Rows of ``queryset`` about models in ``scope``; no filter at all when the scope is everything."""
    if not scope.query.where:
        return queryset
    return queryset.filter(**{f"{lookup}__in": scope.values("pk")})


def stuck_days_or_default(raw: Any) -> int:
    """``?stuck_days=`` when it is a sane whole number, else the setting."""
    try:
        days = int(raw)
    except (TypeError, ValueError):
        return int(settings.PILOT06_STUCK_DAYS)
    return days if 1 <= days <= 3650 else int(settings.PILOT06_STUCK_DAYS)


def _flags(moment: Moment, stuck_days: int) -> dict[str, Q]:
    """SPEC §6's definitions, as filters on PilotModel."""
    open_ = Q(state__in=OPEN_STATES)
    soon = moment.today + dt.timedelta(days=int(settings.PILOT06_DUE_SOON_DAYS))
    return {
        "open": open_,
        "overdue": open_ & Q(deadline__lt=moment.today),
        "due_soon": open_ & Q(deadline__gte=moment.today, deadline__lte=soon),
        "stuck": open_ & Q(last_action_at__lt=moment.now - dt.timedelta(days=stuck_days)),
    }


def _open_blocker(reason: str | None = None) -> Q:
    """Models with an open blocker (of ``reason``).

    A plain ``IN (SELECT …)``, not a correlated EXISTS: the database builds
    the set once and probes it, which keeps a 100,000-model count fast.
    """
    blockers = Blocker.objects.filter(cleared_at__isnull=True)
    if reason is not None:
        blockers = blockers.filter(reason=reason)
    return Q(pk__in=blockers.values("pilot_model_id"))


# A model that needs the population database and has no permission recorded
# counts as blocked for that reason without anyone entering it (SPEC §3).
NO_DB_PERMISSION = Q(needs_population_db_connection=True, db_permission_number="")


def _blocked_for(reason: str) -> Q:
    q = _open_blocker(reason)
    if reason == BlockerReason.NO_POPULATION_DB_PERMISSION:
        q |= NO_DB_PERMISSION
    return Q(state__in=OPEN_STATES) & q


def _counts(scope: QuerySet[PilotModel], flags: dict[str, Q]) -> dict[str, int]:
    """States, the three definitions and blockers by reason: one query."""
    aggregates: dict[str, Any] = {f"state:{s}": Count("pk", filter=Q(state=s)) for s in State.values}
    for name in ("overdue", "due_soon", "stuck"):
        aggregates[name] = Count("pk", filter=flags[name])
    for reason in BlockerReason.values:
        aggregates[f"blocker:{reason}"] = Count("pk", filter=_blocked_for(reason))
    aggregates["blocked"] = Count("pk", filter=flags["open"] & (_open_blocker() | NO_DB_PERMISSION))
    return {key: int(value or 0) for key, value in scope.aggregate(**aggregates).items()}


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
    scope: QuerySet[PilotModel], flags: dict[str, Q], moment: Moment, agencies: dict[int, dict[str, Any]], limit: int
) -> dict[str, list[dict[str, Any]]]:
    """The first ``limit`` overdue, due-soon and stuck models, in one query.

    Window ranks pick the top of each list inside the database; a lane
    offset keeps models outside a list from ranking into it.
    """
    far = 10**9
    lane = Case(
        When(flags["overdue"], then=Value(0)),
        When(flags["due_soon"], then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    idle = Case(When(flags["stuck"], then=Value(0)), default=Value(1), output_field=IntegerField())
    rows = (
        scope.filter(flags["overdue"] | flags["due_soon"] | flags["stuck"])
        .annotate(
            lane=lane,
            idle_lane=idle,
            by_deadline=Window(RowNumber(), partition_by=[lane], order_by=[F("deadline").asc(), F("number").asc()])
            + Case(When(lane=2, then=Value(far)), default=Value(0), output_field=IntegerField()),
            by_idle=Window(
                RowNumber(), partition_by=[idle], order_by=[F("last_action_at").asc(), F("number").asc()]
            )
            + Case(When(idle_lane=1, then=Value(far)), default=Value(0), output_field=IntegerField()),
        )
        .filter(Q(by_deadline__lte=limit) | Q(by_idle__lte=limit))
        .values(
            "pk", "number", "title", "is_sample", "state", "deadline", "last_action_at",
            "lead_agency_id", "lane", "idle_lane", "by_deadline", "by_idle",
        )
    )
    lists: dict[str, list[dict[str, Any]]] = {"overdue": [], "due_soon": [], "stuck": []}
    if limit <= 0:
        return lists
    for row in rows:
        item = _model_row(row, agencies)
        if row["by_deadline"] <= limit and row["lane"] == 0:
            lists["overdue"].append({**item, "days": (moment.today - row["deadline"]).days})
        elif row["by_deadline"] <= limit and row["lane"] == 1:
            lists["due_soon"].append({**item, "days": (row["deadline"] - moment.today).days})
        if row["by_idle"] <= limit and row["idle_lane"] == 0:
            lists["stuck"].append({**item, "days": (moment.now - row["last_action_at"]).days})
    lists["overdue"].sort(key=lambda r: (r["deadline"], r["number"]))
    lists["due_soon"].sort(key=lambda r: (r["deadline"], r["number"]))
    lists["stuck"].sort(key=lambda r: (r["last_action_at"], r["number"]))
    return lists


def _agencies() -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    """Agencies and their heads' terms, in one query (a LEFT JOIN on the heads)."""
    agencies: dict[int, dict[str, Any]] = {}
    heads: dict[int, dict[str, Any]] = {}
    rows = Agency.objects.order_by("code").values(
        "id", "code", "name", "heads__id", "heads__name", "heads__title", "heads__since", "heads__until"
    )
    for row in rows:
        agencies.setdefault(row["id"], {"id": row["id"], "code": row["code"], "name": row["name"]})
        if row["heads__id"] is not None:
            heads[row["heads__id"]] = {
                "agency_id": row["id"],
                "name": row["heads__name"],
                "title": row["heads__title"],
                "since": row["heads__since"],
                "until": row["heads__until"],
            }
    return agencies, heads


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


def _part(queryset: QuerySet[Any], dim: str, grp: Any, days: Any) -> QuerySet[Any]:
    return (
        queryset.order_by()
        .annotate(dim=Cast(Value(dim), CharField()), grp=Cast(grp, CharField()), days=days)
        .values_list("dim", "grp", "days")
    )


def _spread_row(spread: Spread, label: str, **extra: Any) -> dict[str, Any]:
    return {
        "key": spread.group,
        "label": label,
        "count": spread.count,
        "median_days": round(spread.median, 1),
        "mean_days": round(spread.mean, 1),
        "max_days": round(spread.maximum, 1),
        **extra,
    }


def bottlenecks(
    user: Any,
    *,
    moment: Moment | None = None,
    scope: QuerySet[PilotModel] | None = None,
    agencies: dict[int, dict[str, Any]] | None = None,
    blockers: dict[str, int] | None = None,
) -> dict[str, Any]:
    """Where time goes: one query for every spread, plus the open blockers by reason.

    * ``steps``: per approval step kind, decided (decided_at − submitted_at)
      and pending (now − submitted_at) steps together;
    * ``deciding_agencies``: decided steps, by the agency of whoever decided;
    * ``lead_agencies``: every step, by the model's lead agency (whose models wait);
    * ``waiting_steps``: pending steps by kind, aged now − submitted_at;
    * ``waiting_states``: open models with no pending step, by state, aged
      now − last successful action.
    """
    moment = moment or Moment.current()
    scope = scope if scope is not None else scope_of(user)
    if agencies is None:
        agencies = _agencies()[0]
    now = Value(moment.now, output_field=DateTimeField())
    steps = _within(ApprovalStep.objects.exclude(outcome=Outcome.CLOSED), scope)
    pending = Q(pk__in=ApprovalStep.objects.filter(outcome=Outcome.PENDING).values("pilot_model_id"))
    span = DaysBetween(Coalesce(F("decided_at"), now), F("submitted_at"))
    parts = [
        _part(steps, "step", F("kind"), span),
        _part(steps.filter(outcome__in=DECIDED), "decider", F("decided_by__official__agency__code"),
              DaysBetween(F("decided_at"), F("submitted_at"))),
        _part(steps, "lead", F("pilot_model__lead_agency__code"), span),
        _part(steps.filter(outcome=Outcome.PENDING), "waiting_step", F("kind"), DaysBetween(now, F("submitted_at"))),
        _part(scope.filter(state__in=OPEN_STATES).exclude(pending), "waiting_state", F("state"),
              DaysBetween(now, F("last_action_at"))),
    ]
    by_dim: dict[str, list[Spread]] = defaultdict(list)
    for spread in spreads(parts):
        by_dim[spread.dim].append(spread)
    names = {a["code"]: a["name"] for a in agencies.values()}
    kind_order = {k: i for i, k in enumerate(StepKind.values)}
    state_order = {s: i for i, s in enumerate(State.values)}

    def kinds(dim: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [_spread_row(s, str(StepKind(s.group).label)) for s in by_dim[dim] if s.group in kind_order]
        return sorted(rows, key=lambda r: kind_order[r["key"]])

    def by_agency(dim: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = [_spread_row(s, names.get(s.group, s.group or "—")) for s in by_dim[dim]]
        return sorted(rows, key=lambda r: (-r["median_days"], r["key"] or ""))

    waiting_states = sorted(
        (_spread_row(s, str(State(s.group).label)) for s in by_dim["waiting_state"] if s.group in state_order),
        key=lambda r: state_order[r["key"]],
    )
    blocker_rows: list[dict[str, Any]] = [
        {"reason": reason, "label": str(BlockerReason(reason).label), "count": count}
        for reason, count in (blockers or {}).items()
        if count
    ]
    blocker_rows.sort(key=lambda r: -r["count"])
    return {
        "steps": kinds("step"),
        "deciding_agencies": by_agency("decider"),
        "lead_agencies": by_agency("lead"),
        "waiting_steps": kinds("waiting_step"),
        "waiting_states": waiting_states,
        "blockers": blocker_rows,
    }


def _head_on(heads: dict[int, dict[str, Any]], agency_id: int, day: dt.date) -> int | None:
    """The head whose term covers ``day`` (the latest to start, if terms overlap)."""
    best: tuple[dt.date, int] | None = None
    for head_id, head in heads.items():
        if head["agency_id"] != agency_id or head["since"] > day:
            continue
        if head["until"] is not None and head["until"] < day:
            continue
        if best is None or (head["since"], head_id) > best:
            best = (head["since"], head_id)
    return best[1] if best else None


def accountability(
    user: Any,
    *,
    moment: Moment | None = None,
    scope: QuerySet[PilotModel] | None = None,
    agencies: dict[int, dict[str, Any]] | None = None,
    heads: dict[int, dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Per lead agency and the head in post at the time, for the year-end evaluation.

    Each model is credited on its relevant day: the completion date when
    completed, the deadline when overdue (the head who let it lapse), else
    today.  The lead agency is the one that led the model on that day
    (LeadAgencyTerm), and the head the AgencyHead whose term covers it.
    Cancelled models are listed apart and not credited.

    One query: the database groups the models by (agency, day) and joins
    their decided steps, pre-aggregated per model; the few thousand groups
    at most are then mapped to heads here, from the heads already loaded.
    """
    moment = moment or Moment.current()
    scope = scope if scope is not None else scope_of(user)
    if agencies is None or heads is None:
        agencies, heads = _agencies()
    completed_day = TruncDate("completed_at")
    day = Case(
        When(state=State.COMPLETED, then=completed_day),
        When(deadline__lt=moment.today, then=F("deadline")),
        default=Value(moment.today, output_field=DateField()),
        output_field=DateField(),
    )
    term = (
        LeadAgencyTerm.objects.filter(pilot_model=OuterRef("pk"))
        .annotate(since_day=TruncDate("since"), until_day=TruncDate("until"))
        .filter(since_day__lte=OuterRef("day"))
        .filter(Q(until__isnull=True) | Q(until_day__gt=OuterRef("day")))
        .order_by("-since", "-id")
        .values("agency_id")[:1]
    )
    one, zero = Value(1), Value(0)
    late = Q(state=State.COMPLETED, completed_day__gt=Coalesce(F("original_deadline"), F("deadline")))
    models = (
        scope.exclude(state=State.CANCELLED)
        .annotate(day=day, completed_day=completed_day)
        .annotate(
            acct_agency=Coalesce(Subquery(term), F("lead_agency_id"), output_field=IntegerField()),
            model_id=F("pk"),
            is_completed=Case(When(state=State.COMPLETED, then=one), default=zero, output_field=IntegerField()),
            is_late=Case(When(late, then=one), default=zero, output_field=IntegerField()),
            is_overdue=Case(
                When(state__in=OPEN_STATES, deadline__lt=moment.today, then=one),
                default=zero,
                output_field=IntegerField(),
            ),
        )
        .order_by()
        .values_list("model_id", "acct_agency", "day", "is_completed", "is_late", "is_overdue")
    )
    steps = (
        _within(ApprovalStep.objects.filter(outcome__in=DECIDED), scope)
        .order_by()
        .values("pilot_model_id")
        .annotate(
            step_model=F("pilot_model_id"),
            returns=Count("pk", filter=Q(outcome__in=SENT_BACK)),
            step_days=Sum(DaysBetween(F("decided_at"), F("submitted_at"))),
            step_count=Count("pk"),
        )
        .values_list("step_model", "returns", "step_days", "step_count")
    )
    totals: dict[tuple[int, int | None], list[float]] = defaultdict(lambda: [0, 0, 0, 0, 0, 0.0, 0])
    for agency_id, when, led, done, late_n, overdue, sent_back, days, n_steps in models_with_steps(models, steps):
        when = dt.date.fromisoformat(when) if isinstance(when, str) else when
        key = (agency_id, _head_on(heads, agency_id, when))
        for index, value in enumerate((led, done, late_n, overdue, sent_back, days, n_steps)):
            totals[key][index] += value or 0
    out: list[dict[str, Any]] = []
    for (agency_id, head_id), (led, done, late_n, overdue, sent_back, days, n_steps) in totals.items():
        agency = agencies.get(agency_id, {"code": "", "name": ""})
        head = heads.get(head_id) if head_id is not None else None
        out.append(
            {
                "agency": {"code": agency["code"], "name": agency["name"]},
                "head": {k: head[k] for k in ("name", "title", "since", "until")} if head else None,
                "led": int(led),
                "completed": int(done),
                "completed_late": int(late_n),
                "overdue": int(overdue),
                "returns": int(sent_back),
                "steps": int(n_steps),
                "avg_step_days": round(float(days) / int(n_steps), 1) if n_steps else None,
            }
        )
    out.sort(key=lambda r: (r["agency"]["code"], (r["head"] or {}).get("since") or dt.date.min))
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
        summary = summarize(user, stuck_days=stuck_days, today=day, now=now, list_limit=list_limit, detail=detail)
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
    flags = _flags(moment, stuck_days)
    counts = _counts(scope, flags)
    agencies, heads = _agencies()
    states = {s: counts[f"state:{s}"] for s in State.values}
    buckets = {
        Bucket.NOT_STARTED.value: states[State.REGISTERED] + states[State.FUNDING_REQUESTED] + states[State.FINANCED],
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
    }
    if not detail:
        return summary
    lists = _attention(scope, flags, moment, agencies, list_limit)
    return {
        **summary,
        "overdue_models": lists["overdue"],
        "due_soon_models": lists["due_soon"],
        "stuck_models": lists["stuck"],
        "bottlenecks": bottlenecks(user, moment=moment, scope=scope, agencies=agencies, blockers=blockers),
        "accountability": accountability(user, moment=moment, scope=scope, agencies=agencies, heads=heads),
    }


# Documents ------------------------------------------------------------------


def chain_anchor() -> dict[str, Any]:
    """The audit chain head for a paper report: seq, hash and when it was written (SPEC §5)."""
    seq, head_hash = audit.head()
    at = AuditEntry.objects.filter(seq=seq).values_list("at", flat=True).first() if seq else None
    return {"seq": seq, "hash": head_hash, "at": at}


def data_version() -> int:
    """What a cached report is keyed on: every change appends to the audit chain."""
    return audit.head()[0]


def model_count(user: Any) -> int:
    return scope_of(user).count()


def funding_request_count(user: Any) -> int:
    return _within(FundingRequest.objects.all(), scope_of(user)).count()


def period_activity(user: Any, period: Period) -> dict[str, int]:
    """What happened within the report's period: one query."""
    scope = scope_of(user)
    within = {"range": (period.start, period.end)}
    counts = scope.annotate(registered_day=TruncDate("registered_at"), completed_day=TruncDate("completed_at")).aggregate(
        registered=Count("pk", filter=Q(registered_day__range=within["range"])),
        started=Count("pk", filter=Q(start_date__range=within["range"])),
        completed=Count("pk", filter=Q(completed_day__range=within["range"])),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def _blocker_labels(scope: QuerySet[PilotModel]) -> dict[int, list[str]]:
    """Open blockers per open model, entered and derived, as labels: one query."""
    labels: dict[int, list[str]] = defaultdict(list)
    rows = (
        _within(Blocker.objects.filter(cleared_at__isnull=True, pilot_model__state__in=OPEN_STATES), scope)
        .order_by("pilot_model_id", "reason")
        .values_list("pilot_model_id", "reason")
    )
    for pilot_model_id, reason in rows:
        labels[pilot_model_id].append(reason)
    return labels


def model_rows(user: Any, *, moment: Moment | None = None, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Every visible model, by number, for the progress tables: two queries, streamed."""
    moment = moment or Moment.current()
    scope = scope_of(user)
    blockers = _blocker_labels(scope)
    rows = scope.order_by("number").values(
        "pk", "number", "title", "is_sample", "state", "deadline", "original_deadline", "progress_percent",
        "needs_population_db_connection", "db_permission_number", "lead_agency__code", "lead_agency__name",
        "completed_at",
    )
    if limit is not None:
        rows = rows[:limit]
    for row in rows.iterator(chunk_size=2000):
        reasons = list(blockers.get(row["pk"], []))
        is_open = row["state"] in OPEN_STATES
        if (
            is_open
            and row["needs_population_db_connection"]
            and not row["db_permission_number"]
            and BlockerReason.NO_POPULATION_DB_PERMISSION not in reasons
        ):
            reasons.append(BlockerReason.NO_POPULATION_DB_PERMISSION)
        overdue_days = (moment.today - row["deadline"]).days if is_open and row["deadline"] < moment.today else 0
        yield {
            "id": row["pk"],
            "number": row["number"],
            "title": row["title"],
            "is_sample": row["is_sample"],
            "lead_agency": row["lead_agency__name"],
            "lead_agency_code": row["lead_agency__code"],
            "state": row["state"],
            "state_label": str(State(row["state"]).label),
            "deadline": row["deadline"],
            "original_deadline": row["original_deadline"],
            "progress_percent": row["progress_percent"],
            "overdue_days": overdue_days,
            "blockers": [str(BlockerReason(r).label) for r in reasons],
        }


def funding_summary(user: Any, *, limit: int | None = None) -> dict[str, Any]:
    """Requested, approved and the gap per model, budget year and source, with totals.

    *Requested* counts the rounds that are approved or still being
    appraised: a returned or rejected round is superseded by the next
    request, so adding it would count the same need twice.  Returned and
    rejected rounds are counted apart.  ``per_model`` is a stream (the first
    ``limit`` models when given), so 100,000 models never sit in memory.
    Four queries.
    """
    rounds = _within(FundingRequest.objects.all(), scope_of(user)).order_by()
    live = Q(step__outcome__in=[Outcome.APPROVED, Outcome.PENDING])
    sums = {
        "requested": Coalesce(Sum("amount", filter=live), 0),
        "approved": Coalesce(Sum("approved_amount", filter=Q(step__outcome=Outcome.APPROVED)), 0),
        "pending": Coalesce(Sum("amount", filter=Q(step__outcome=Outcome.PENDING)), 0),
        "rounds": Count("pk"),
        "sent_back": Count("pk", filter=Q(step__outcome__in=SENT_BACK)),
    }

    def finish(values: Mapping[str, Any]) -> dict[str, Any]:
        row = dict(values)
        row["gap"] = int(row["requested"]) - int(row["approved"])
        return row

    def per_model() -> Iterator[dict[str, Any]]:
        rows = (
            rounds.values(
                "pilot_model_id", "pilot_model__number", "pilot_model__title", "pilot_model__is_sample",
                "pilot_model__lead_agency__name", "pilot_model__state",
            )
            .annotate(**sums)
            .order_by("pilot_model__number")
        )
        if limit is not None:
            rows = rows[:limit]
        for values in rows.iterator(chunk_size=2000):
            row = finish(values)
            row["state_label"] = str(State(row["pilot_model__state"]).label)
            yield row

    per_year = [finish(r) for r in rounds.values("budget_year").annotate(**sums).order_by("budget_year")]
    per_source = [finish(r) for r in rounds.values("funding_source").annotate(**sums).order_by("funding_source")]
    for row in per_source:
        row["label"] = str(FundingSource(row["funding_source"]).label)
    totals = finish(rounds.aggregate(models=Count("pilot_model", distinct=True), **sums))
    return {"per_model": per_model(), "per_year": per_year, "per_source": per_source, "totals": totals}


def _state_label(value: str) -> str:
    return str(State(value).label) if value in State.values else value


def model_record(pilot_model: PilotModel) -> dict[str, Any]:
    """One model's record: details, decisions and its audit trail.

    The caller has already checked visibility; a record is small, so plain
    related lookups are fine here.
    """
    steps = list(pilot_model.steps.select_related("submitted_by", "decided_by").order_by("submitted_at", "id"))
    latest, entries_total = trail.latest_of(pilot_model)
    entries = [
        {
            "seq": e.seq,
            "at": e.at,
            "actor_username": e.actor_username,
            "role": e.role,
            "label": event_label(e.action),
            "from_state": _state_label(e.from_state),
            "to_state": _state_label(e.to_state),
            "hash": e.hash,
        }
        for e in latest
    ]
    return {
        "pm": pilot_model,
        "state_label": str(State(pilot_model.state).label),
        "coordinating": list(pilot_model.coordinating_agencies.order_by("code")),
        "deliverables": list(pilot_model.deliverables.all()),
        "funding": list(pilot_model.funding_requests.select_related("step").order_by("round")),
        "steps": steps,
        "blockers": list(pilot_model.blockers.select_related("set_by", "cleared_by").order_by("set_at", "id")),
        "progress": list(pilot_model.progress_reports.select_related("reported_by").order_by("reported_at", "id")),
        "entries": entries,
        "entries_total": entries_total,
        "trail_url": trail.feed_url(pilot_model),
        "derived_no_db_permission": pilot_model.state in OPEN_STATES
        and pilot_model.needs_population_db_connection
        and not pilot_model.db_permission_number,
        "no_db_permission_label": _("Chưa được kết nối CSDL quốc gia về dân cư"),
    }


# Document contexts: what each template in templates/reports/ receives.


def _pdf_row_cap() -> int:
    return int(settings.PILOT06_REPORT_PDF_MAX_ROWS)


def progress_context(user: Any, period: Period, *, moment: Moment | None = None, pdf: bool = True) -> dict[str, Any]:
    """The periodic progress report (SPEC §7), from Công an tỉnh to UBND tỉnh.

    For the PDF the model table is capped (``PILOT06_REPORT_PDF_MAX_ROWS``)
    and listed; for the .xlsx it is a stream of every model.
    """
    moment = moment or Moment.current()
    summary = dashboard_summary(user, today=moment.today, now=moment.now, list_limit=0)
    context: dict[str, Any] = {
        "header": header("progress", today=moment.today),
        "period": period,
        "summary": summary,
        "states": [{"key": s, "label": str(State(s).label), "count": summary["states"][s]} for s in State.values],
        "activity": period_activity(user, period),
        "anchor": chain_anchor(),
        "today": moment.today,
    }
    if not pdf:
        return {**context, "rows": model_rows(user, moment=moment)}
    cap = _pdf_row_cap()
    rows = list(model_rows(user, moment=moment, limit=cap))
    total = summary["total"] + summary["cancelled"]
    return {
        **context,
        "rows": rows,
        "rows_total": total,
        "truncated": total > len(rows),
        "overdue_rows": sorted((r for r in rows if r["overdue_days"]), key=lambda r: (-r["overdue_days"], r["number"])),
        "has_samples": any(r["is_sample"] for r in rows),
    }


def funding_context(user: Any, *, moment: Moment | None = None, pdf: bool = True) -> dict[str, Any]:
    """The consolidated funding report (SPEC §7), from Sở Tài chính."""
    moment = moment or Moment.current()
    funding = funding_summary(user, limit=_pdf_row_cap() if pdf else None)
    context: dict[str, Any] = {
        "header": header("funding", today=moment.today),
        "funding": funding,
        "anchor": chain_anchor(),
        "today": moment.today,
    }
    if not pdf:
        return context
    shown = list(funding["per_model"])
    total = int(funding["totals"]["models"])
    return {
        **context,
        "per_model": shown,
        "per_model_total": total,
        "truncated": total > len(shown),
        "has_samples": any(r["pilot_model__is_sample"] for r in shown),
    }


def accountability_context(user: Any, *, moment: Moment | None = None) -> dict[str, Any]:
    """The accountability report (SPEC §6, §7): per lead agency and head in post."""
    moment = moment or Moment.current()
    scope = scope_of(user)
    agencies, heads = _agencies()
    rows = accountability(user, moment=moment, scope=scope, agencies=agencies, heads=heads)
    totals = {
        key: sum(int(r[key]) for r in rows) for key in ("led", "completed", "completed_late", "overdue", "returns")
    }
    return {
        "header": header("accountability", today=moment.today),
        "rows": rows,
        "totals": totals,
        "bottlenecks": bottlenecks(user, moment=moment, scope=scope, agencies=agencies, blockers=_counts_blockers(scope)),
        "anchor": chain_anchor(),
        "today": moment.today,
    }


def _counts_blockers(scope: QuerySet[PilotModel]) -> dict[str, int]:
    aggregates = {reason: Count("pk", filter=_blocked_for(reason)) for reason in BlockerReason.values}
    return {key: int(value or 0) for key, value in scope.aggregate(**aggregates).items()}


def pilot_model_context(pilot_model: PilotModel, *, moment: Moment | None = None) -> dict[str, Any]:
    """One model's record as a document."""
    moment = moment or Moment.current()
    return {
        "header": header("pilot_model", today=moment.today),
        **model_record(pilot_model),
        "anchor": chain_anchor(),
        "today": moment.today,
    }


# Pages ----------------------------------------------------------------------


def _days_text(value: float) -> str:
    return (_("%(d)s ngày") % {"d": f"{value:.1f}"}).replace(".", ",")


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
    states = [(str(State(s).label), summary["states"][s], str(summary["states"][s])) for s in State.values]
    agencies = summary["by_agency"]
    steps = summary["bottlenecks"]["steps"]
    blockers = summary["bottlenecks"]["blockers"]
    return {
        "summary": summary,
        "sees_province": sees_province(user),
        "stuck_days": stuck_days,
        "bucket_chart": stacked(
            [
                (str(Bucket.COMPLETED.label), buckets[Bucket.COMPLETED], PALETTE["completed"]),
                (str(Bucket.IN_PROGRESS.label), buckets[Bucket.IN_PROGRESS], PALETTE["in_progress"]),
                (str(Bucket.NOT_STARTED.label), buckets[Bucket.NOT_STARTED], PALETTE["not_started"]),
            ]
        ),
        "state_chart": hbars(states, fills=[state_fill[s] for s in State.values]),
        "agency_chart": hbars(
            [(a["name"] or a["code"], a["led"], f"{a['completed']}/{a['led']}") for a in agencies],
            fill=PALETTE["in_progress"],
            marks=[a["completed"] for a in agencies],
        ),
        "step_chart": hbars(
            [(r["label"], r["median_days"], _days_text(r["median_days"])) for r in steps],
            fill=PALETTE["not_started"],
            marks=[r["max_days"] for r in steps],
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
        for row in visible_models(user).order_by("number").values("pk", "number", "title", "is_sample", "state")[:500]
    ]
    return {"documents": documents, "sees_province": province, "models": models, "today": clock.today()}
