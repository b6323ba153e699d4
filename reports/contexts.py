"""What each document template in ``templates/reports/`` receives, built without writing anything."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Mapping
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from approvals import audit, clock
from approvals.models import AuditEntry, Outcome
from workflows import rules, trail
from workflows.labels import blocker_label, event_label, state_label
from workflows.models import (
    Blocker,
    FundingRequest,
    PilotModel,
)
from workflows.states import (
    BlockerReason,
    FundingSource,
    State,
)

from . import history
from .accountability import accountability, decided_late
from .bottlenecks import bottlenecks
from .dashboard import dashboard_summary
from .documents import header
from .periods import Period
from .scope import SENT_BACK, Moment, agencies_by_id, scope_of, within

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
    return within(FundingRequest.objects.all(), scope_of(user)).count()


def period_activity(user: Any, period: Period) -> dict[str, int]:
    """What happened within the report's period: one query."""
    scope = scope_of(user)
    within = {"range": (period.start, period.end)}
    counts = scope.annotate(
        registered_day=TruncDate("registered_at"), completed_day=TruncDate("completed_at")
    ).aggregate(
        registered=Count("pk", filter=Q(registered_day__range=within["range"])),
        started=Count("pk", filter=Q(start_date__range=within["range"])),
        completed=Count("pk", filter=Q(completed_day__range=within["range"])),
    )
    return {key: int(value or 0) for key, value in counts.items()}


def _blocker_labels(scope: QuerySet[PilotModel]) -> dict[int, list[str]]:
    """Uncleared entered blockers per model: one query (the derived one is added per row)."""
    labels: dict[int, list[str]] = defaultdict(list)
    rows = (
        within(Blocker.objects.filter(cleared_at__isnull=True), scope)
        .order_by("pilot_model_id", "reason")
        .values_list("pilot_model_id", "reason")
    )
    for pilot_model_id, reason in rows:
        labels[pilot_model_id].append(reason)
    return labels


def model_rows(
    user: Any, *, moment: Moment | None = None, limit: int | None = None
) -> Iterator[dict[str, Any]]:
    """Every visible model, by number, for the progress tables: two queries, streamed."""
    moment = moment or Moment.current()
    scope = scope_of(user)
    blockers = _blocker_labels(scope)
    rows = scope.order_by("number").values(
        "pk",
        "number",
        "title",
        "is_sample",
        "state",
        "deadline",
        "original_deadline",
        "progress_percent",
        "needs_population_db_connection",
        "db_permission_number",
        "lead_agency__code",
        "lead_agency__name",
        "completed_at",
    )
    if limit is not None:
        rows = rows[:limit]
    for row in rows.iterator(chunk_size=2000):
        model = SimpleNamespace(**row)
        reasons = rules.blocker_reasons(model, blockers.get(row["pk"], []))
        overdue_days = (
            rules.days_overdue(model, moment.today) if rules.is_overdue(model, moment.today) else 0
        )
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
            "blockers": [blocker_label(r) for r in reasons],
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
    rounds = within(FundingRequest.objects.all(), scope_of(user)).order_by()
    sums = {
        "requested": Coalesce(rules.requested_sum(), 0),
        "approved": Coalesce(rules.approved_sum(), 0),
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
                "pilot_model_id",
                "pilot_model__number",
                "pilot_model__title",
                "pilot_model__is_sample",
                "pilot_model__lead_agency__name",
                "pilot_model__state",
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

    per_year = [
        finish(r) for r in rounds.values("budget_year").annotate(**sums).order_by("budget_year")
    ]
    per_source = [
        finish(r)
        for r in rounds.values("funding_source").annotate(**sums).order_by("funding_source")
    ]
    for row in per_source:
        row["label"] = str(FundingSource(row["funding_source"]).label)
    totals = finish(rounds.aggregate(models=Count("pilot_model", distinct=True), **sums))
    return {
        "per_model": per_model(),
        "per_year": per_year,
        "per_source": per_source,
        "totals": totals,
    }


def model_record(pilot_model: PilotModel, *, today: dt.date | None = None) -> dict[str, Any]:
    """One model's record: details, decisions and its audit trail.

    The caller has already checked visibility; a record is small, so plain
    related lookups are fine here.
    """
    steps = list(
        pilot_model.steps.select_related("submitted_by", "decided_by").order_by(
            "submitted_at", "id"
        )
    )
    latest, entries_total = trail.latest_of(pilot_model)
    step_clock = rules.step_clock()
    pending = next((s for s in steps if s.outcome == Outcome.PENDING), None)
    entries = [
        {
            "seq": e.seq,
            "at": e.at,
            "actor_username": e.actor_username,
            "role": e.role,
            "label": event_label(e.action),
            "from_state": state_label(e.from_state),
            "to_state": state_label(e.to_state),
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
        # The open step's due date and working days left (issue 14).
        "pending_timing": step_clock.timing(pending, today or clock.today()),
        "blockers": list(
            pilot_model.blockers.select_related("set_by", "cleared_by").order_by("set_at", "id")
        ),
        "progress": list(
            pilot_model.progress_reports.select_related("reported_by").order_by("reported_at", "id")
        ),
        "entries": entries,
        "entries_total": entries_total,
        "trail_url": trail.feed_url(pilot_model),
        "derived_no_db_permission": rules.has_derived_db_blocker(pilot_model),
        "no_db_permission_label": _("Chưa được kết nối CSDL quốc gia về dân cư"),
    }


# Document contexts: what each template in templates/reports/ receives.


def _pdf_row_cap() -> int:
    return int(settings.PILOT06_REPORT_PDF_MAX_ROWS)


def progress_context(
    user: Any, period: Period, *, moment: Moment | None = None, pdf: bool = True
) -> dict[str, Any]:
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
        "states": [
            {"key": s, "label": str(State(s).label), "count": summary["states"][s]}
            for s in State.values
        ],
        "activity": period_activity(user, period),
        "comparison": history.period_comparison(
            user, start=period.start, end=period.end, today=moment.today
        ),
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
        "overdue_rows": sorted(
            (r for r in rows if r["overdue_days"]), key=lambda r: (-r["overdue_days"], r["number"])
        ),
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
    agencies, heads = agencies_by_id()
    rows = accountability(user, moment=moment, scope=scope, agencies=agencies, heads=heads)
    totals = {
        key: sum(int(r[key]) for r in rows)
        for key in ("led", "completed", "completed_late", "overdue", "returns")
    }
    return {
        "header": header("accountability", today=moment.today),
        "rows": rows,
        "totals": totals,
        "bottlenecks": bottlenecks(
            user, moment=moment, scope=scope, agencies=agencies, blockers=_counts_blockers(scope)
        ),
        "decided_late": decided_late(user, scope=scope, agencies=agencies),
        "anchor": chain_anchor(),
        "today": moment.today,
    }


def _counts_blockers(scope: QuerySet[PilotModel]) -> dict[str, int]:
    aggregates = {
        reason: Count("pk", filter=rules.blocked_q(reason)) for reason in BlockerReason.values
    }
    return {key: int(value or 0) for key, value in scope.aggregate(**aggregates).items()}


def pilot_model_context(pilot_model: PilotModel, *, moment: Moment | None = None) -> dict[str, Any]:
    """One model's record as a document."""
    moment = moment or Moment.current()
    return {
        "header": header("pilot_model", today=moment.today),
        **model_record(pilot_model, today=moment.today),
        "anchor": chain_anchor(),
        "today": moment.today,
    }
