"""The read side of the pages: the inbox, the model list's filters, a model's record.

Everything a template shows is computed here, so templates never query and
never call anything that writes.  Visibility comes from ``selectors`` and
``selectors.get_visible``; nothing here widens it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
    prefetch_related_objects,
)
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from approvals import clock
from approvals.models import Agency, ApprovalStep, AuditEntry, Outcome, StepKind
from approvals.permissions import sees_province

from . import routing, rules, selectors, trail
from .actions import REGISTRY, Button, actions_of_node
from .counting import count_each
from .labels import action_label, blocker_label, event_label, state_label
from .models import Blocker, CompletionReport, FundingRequest, PilotModel
from .routing import OPEN_TASK
from .selectors import pilot_model_of_task
from .states import Action, BlockerReason, Bucket, State, bucket_of

# Inbox -----------------------------------------------------------------


# Each section of the inbox lists its oldest tasks, at most this many; the
# heading still counts them all.  A province-wide queue can hold thousands.
INBOX_LIMIT = 50
MINE, QUEUED, OTHERS = "mine", "queued", "others"
# Actions whose check reads the completion report (separation of duties).
_NEEDS_REPORT = {Action.SIGN_OFF.value, Action.RETURN_SIGNOFF.value}


@dataclass
class InboxRow:
    task: Task
    pilot_model: PilotModel
    title: str
    url: str
    owner: Any
    mine: bool
    overdue: bool
    waiting_days: int
    # The same wait in working days (issue 14).
    waiting_working_days: int = 0
    actions: list[dict[str, str]] = field(default_factory=list)
    # The pending step this task decides: its due date and working days left.
    timing: rules.StepTiming | None = None


@dataclass
class Inbox:
    mine: list[InboxRow]
    queued: list[InboxRow]
    others: list[InboxRow]
    # How many tasks each section holds; its list shows the oldest INBOX_LIMIT.
    totals: dict[str, int] = field(default_factory=dict)
    limit: int = INBOX_LIMIT

    @property
    def mine_total(self) -> int:
        return self.totals.get(MINE, len(self.mine))

    @property
    def queued_total(self) -> int:
        return self.totals.get(QUEUED, len(self.queued))

    @property
    def others_total(self) -> int:
        return self.totals.get(OTHERS, len(self.others))

    @property
    def todo_count(self) -> int:
        return self.mine_total + self.queued_total


def _due_or_last(ordinal: int | None) -> float:
    """A task whose step has no time limit sorts after every due date (SQL's NULLS LAST)."""
    return float("inf") if ordinal is None else ordinal


def _inbox_tasks(user: Any) -> list[Task]:
    """The user's open tasks on models they may see, each with its section, rank and section size.

    Visibility is a subquery, not a check per row.  Two queries: the first
    ranks the whole queue (window functions: the most overdue step first,
    issue 14, then the oldest task) and keeps every section's first
    ``INBOX_LIMIT`` with how many the section holds, as narrow rows; the
    second reads only those tasks with their model and lead agency.  A queue
    of 15,000 tasks then costs a narrow scan, not 15,000 wide joined rows.
    """
    tasks = selectors.inbox(user)
    if sees_province(user):
        # Probed per task through the one-to-one indexes, not joined over every model.
        tasks = tasks.filter(
            Exists(PilotModel.objects.filter(process_id=OuterRef("process_id")))
            | Exists(FundingRequest.objects.filter(process_id=OuterRef("process_id")))
        )
    else:
        visible = selectors.visible_models(user).values("pk")
        tasks = tasks.filter(
            Q(process__pilot_model__in=visible)
            | Q(process__funding_request__pilot_model__in=visible)
        )
    section = Case(
        When(owner_id=user.pk, then=Value(MINE)),
        When(owner__isnull=True, then=Value(QUEUED)),
        default=Value(OTHERS),
        output_field=CharField(),
    )
    # The most overdue step first (issue 14), then the oldest task.
    order = [F("due_ordinal").asc(nulls_last=True), F("created").asc(), F("id").asc()]
    ranked = {
        row["pk"]: row
        for row in selectors.with_due_ordinal(tasks, rules.step_clock())
        .order_by()
        .annotate(
            section=section,
            rank=Window(RowNumber(), partition_by=[section], order_by=order),
            section_total=Window(Count("id"), partition_by=[section]),
        )
        .filter(rank__lte=INBOX_LIMIT)
        .values("pk", "section", "section_total", "due_ordinal")
    }
    if not ranked:
        return []
    chosen = list(
        Task.objects.filter(pk__in=list(ranked)).select_related(
            "process",
            "owner",
            "process__pilot_model__lead_agency",
            "process__funding_request__pilot_model__lead_agency",
        )
    )
    chosen.sort(key=lambda t: (_due_or_last(ranked[t.pk]["due_ordinal"]), t.created, t.pk))
    for task in chosen:
        task.section = ranked[task.pk]["section"]  # type: ignore[attr-defined]
        task.section_total = ranked[task.pk]["section_total"]  # type: ignore[attr-defined]
    return chosen


def inbox_for(user: Any) -> Inbox:
    """Open tasks for the user: claimed by them, waiting in their queue, claimed by a colleague.

    The queue follows viewflow's own rule (the task's owner_permission is one
    of the user's permissions), which scopes an officer to their agency.
    The page costs the same few queries at any size: one for the tasks, one
    for the steps of their models, and one for completion reports when a
    sign-off is among them; a row's buttons come from that prefetched data.
    """
    tasks = _inbox_tasks(user)
    inbox = Inbox(mine=[], queued=[], others=[])
    found = [(task, pilot_model_of_task(task)) for task in tasks]
    models = [pm for _task, pm in found if pm is not None]
    prefetch_related_objects(models, "steps")
    with_reports = [
        pm
        for task, pm in found
        if pm is not None and _NEEDS_REPORT & set(actions_of_node(task.flow_task.name))
    ]
    if with_reports:
        prefetch_related_objects(
            with_reports,
            Prefetch(
                "completion_reports",
                queryset=CompletionReport.objects.select_related(
                    "verification_step", "signoff_step"
                ),
            ),
        )
    today = clock.today()
    now = clock.now()
    step_clock = rules.step_clock()
    for task, pilot_model in found:
        inbox.totals[task.section] = task.section_total
        if pilot_model is None:
            continue
        node_actions = actions_of_node(task.flow_task.name)
        allowed = selectors.available_actions(pilot_model, user, among=node_actions)
        row = InboxRow(
            task=task,
            pilot_model=pilot_model,
            title=str(task.flow_task.task_title or task.flow_task.name),
            url=task.reverse("execute"),
            owner=task.owner,
            mine=task.section == MINE,
            overdue=rules.is_overdue(pilot_model, today),
            waiting_days=max(0, (now - pilot_model.last_action_at).days),
            waiting_working_days=max(
                0, step_clock.working_days_taken(pilot_model.last_action_at, now)
            ),
            actions=[
                {"name": name, "label": action_label(name), "url": action_url(pilot_model.pk, name)}
                for name in node_actions
                if name in allowed
            ],
            timing=step_clock.timing(selectors.step_of_task(task, pilot_model), today),
        )
        {MINE: inbox.mine, QUEUED: inbox.queued, OTHERS: inbox.others}[task.section].append(row)
    return inbox


def action_url(pk: int, name: str) -> str:
    return reverse("workflows:action", kwargs={"pk": pk, "action": name})


@dataclass
class HomeFigures:
    total: int
    buckets: list[dict[str, Any]]
    cancelled: int
    overdue: int
    due_soon: int
    blocked: int


def home_figures(user: Any) -> HomeFigures:
    """The user's models at a glance, each figure a link into the filtered list.

    Two queries at any size: the count per state, and the three open-model
    figures, each counted through its own index (``counting.count_each``).
    """
    qs = selectors.visible_models(user)
    today = clock.today()
    counts = {
        row["state"]: row["n"] for row in qs.order_by().values("state").annotate(n=Count("id"))
    }
    by_bucket: Counter[str] = Counter()
    for state, n in counts.items():
        bucket = bucket_of(state)
        if bucket:
            by_bucket[bucket] += n
    buckets = [
        {"code": b.value, "label": b.label, "count": by_bucket.get(b.value, 0)} for b in Bucket
    ]
    open_figures = count_each(
        qs,
        {
            "overdue": rules.overdue_q(today),
            "due_soon": rules.due_soon_q(today),
            "blocked": rules.blocked_q(),
        },
    )
    return HomeFigures(
        total=sum(counts.values()),
        buckets=buckets,
        cancelled=counts.get(State.CANCELLED, 0),
        overdue=open_figures["overdue"],
        due_soon=open_figures["due_soon"],
        blocked=open_figures["blocked"],
    )


# The model list -----------------------------------------------------------


def pilot_model_list(*, user: Any, filters: dict[str, Any]) -> QuerySet[PilotModel]:
    """The visible models, filtered by state, bucket, lead agency, overdue, blocker and search."""
    qs = selectors.filter_models(selectors.visible_models(user), filters, today=clock.today())
    return qs.prefetch_related(
        Prefetch(
            "steps",
            queryset=ApprovalStep.objects.filter(outcome=Outcome.PENDING),
            to_attr="pending_steps",
        ),
        Prefetch(
            "blockers",
            queryset=Blocker.objects.filter(cleared_at__isnull=True),
            to_attr="open_blockers",
        ),
    ).order_by("number")


def agency_choices_for(user: Any) -> list[tuple[str, str]]:
    """Lead agencies of the models the user can see, for the list's filter."""
    ids = selectors.visible_models(user).values_list("lead_agency_id", flat=True)
    return [
        (a.code, f"{a.code} – {a.name}") for a in Agency.objects.filter(pk__in=ids).order_by("code")
    ]


def list_rows(page: Any) -> list[dict[str, Any]]:
    today = clock.today()
    step_clock = rules.step_clock()
    rows = []
    for pm in page:
        reasons = rules.blocker_reasons(pm, [b.reason for b in pm.open_blockers])
        blockers = [blocker_label(reason) for reason in reasons]
        pending = pm.pending_steps[0] if pm.pending_steps else None
        rows.append(
            {
                "pm": pm,
                "pending": pending.kind_label if pending else "",
                "blockers": blockers,
                "overdue": rules.is_overdue(pm, today),
                "timing": step_clock.timing(pending, today),
            }
        )
    return rows


# A model's record ------------------------------------------------------


def open_blockers(pm: PilotModel) -> list[dict[str, Any]]:
    """What blocks the model: every uncleared blocker, and the derived one while open (``rules.blocker_reasons``)."""
    rows: list[dict[str, Any]] = [
        {
            "reason": b.reason,
            "label": b.get_reason_display(),
            "note": b.note,
            "set_by": b.set_by,
            "set_at": b.set_at,
            "derived": False,
        }
        for b in pm.blockers.filter(cleared_at__isnull=True).select_related("set_by")
    ]
    if rules.has_derived_db_blocker(pm) and not any(
        r["reason"] == BlockerReason.NO_POPULATION_DB_PERMISSION for r in rows
    ):
        rows.append(
            {
                "reason": BlockerReason.NO_POPULATION_DB_PERMISSION.value,
                "label": BlockerReason.NO_POPULATION_DB_PERMISSION.label,
                "note": _("Tự động: mô hình cần kết nối nhưng chưa ghi nhận văn bản cho phép."),
                "set_by": None,
                "set_at": None,
                "derived": True,
            }
        )
    return rows


def available_buttons(pm: PilotModel, user: Any) -> list[dict[str, str]]:
    names = selectors.available_actions(pm, user)
    buttons = []
    for name in names:
        tone = button_tone(name)
        buttons.append(
            {
                "name": name,
                "label": action_label(name),
                "url": action_url(pm.pk, name),
                "tone": tone,
            }
        )
    order = {"primary": 0, "secondary": 1, "danger": 2}
    return sorted(buttons, key=lambda b: order[b["tone"]])


def button_tone(name: str) -> str:
    """primary, danger (sending back or ending) or secondary, from the action's declaration."""
    button = REGISTRY[name].button
    if button in (Button.RETURN, Button.DANGER):
        return "danger"
    return str(button)


def audit_rows(pm: PilotModel, entries: Iterable[AuditEntry] | None = None) -> list[dict[str, Any]]:
    """The trail's rows: the latest entries unless ``entries`` (a page of the full feed) are given."""
    entries = trail.latest_of(pm)[0] if entries is None else entries
    return [
        {
            "entry": e,
            "label": event_label(e.action),
            "refused": e.action.startswith("refused."),
            "reason": e.payload.get("reason", "") if e.action.startswith("refused.") else "",
            "from_label": state_label(e.from_state),
            "to_label": state_label(e.to_state),
        }
        for e in entries
    ]


def open_tasks_of(pm: PilotModel, user: Any) -> list[dict[str, Any]]:
    """The model's open tasks, with who holds them and whether this user may claim them."""
    processes = [
        pm.process_id,
        *pm.funding_requests.exclude(process=None).values_list("process_id", flat=True),
    ]
    permissions = user.get_all_permissions()
    rows = []
    for task in Task.objects.filter(
        process_id__in=[p for p in processes if p], status__in=OPEN_TASK
    ).select_related("owner"):
        in_queue = task.owner_permission in permissions
        rows.append(
            {
                "task": task,
                "title": str(task.flow_task.task_title or task.flow_task.name),
                "owner": task.owner,
                "url": task.reverse("execute") if in_queue else "",
                "can_claim": in_queue and task.status == STATUS.NEW,
                "can_unclaim": in_queue
                and task.status == STATUS.ASSIGNED
                and task.owner_id == user.pk,
            }
        )
    return rows


def funding_rounds(pm: PilotModel) -> list[FundingRequest]:
    return list(
        pm.funding_requests.select_related(
            "step", "step__decided_by", "step__submitted_by"
        ).prefetch_related("lines")
    )


def completion_reports(pm: PilotModel) -> list[CompletionReport]:
    return list(
        pm.completion_reports.select_related(
            "submitted_by", "verification_step", "signoff_step"
        ).prefetch_related("evidence")
    )


def pilot_model_record(pm: PilotModel, user: Any) -> dict[str, Any]:
    """Everything the detail page shows: SPEC §3 fields, decisions, evidence and trail."""
    totals = pm.funding_requests.aggregate(
        requested=rules.requested_sum(), approved=rules.approved_sum()
    )
    today = clock.today()
    deliverables = list(pm.deliverables.all())
    pending = pm.steps.filter(outcome=Outcome.PENDING).select_related("submitted_by").first()
    return {
        "pm": pm,
        "bucket": bucket_of(pm.state),
        "overdue": rules.is_overdue(pm, today),
        "days_left": (pm.deadline - today).days,
        "days_over": rules.days_overdue(pm, today),
        "coordinating": list(pm.coordinating_agencies.order_by("code")),
        "lead_terms": list(pm.lead_terms.select_related("agency")),
        "deliverables": deliverables,
        "pending": pending,
        "pending_timing": rules.step_clock().timing(pending, today),
        "steps": list(
            pm.steps.select_related("submitted_by", "decided_by").order_by("submitted_at", "id")
        ),
        "blockers": open_blockers(pm),
        "cleared_blockers": list(
            pm.blockers.filter(cleared_at__isnull=False).select_related("set_by", "cleared_by")
        ),
        "rounds": funding_rounds(pm),
        "requested_total": totals["requested"] or 0,
        "approved_total": totals["approved"] or 0,
        "reports": completion_reports(pm),
        "progress_reports": list(pm.progress_reports.select_related("reported_by")),
        "audit": audit_rows(pm),
        "audit_total": trail.entries_of(pm).count(),
        "audit_url": trail.feed_path(pm),
        "buttons": available_buttons(pm, user),
        "tasks": open_tasks_of(pm, user),
    }


def action_context(pm: PilotModel, action: str) -> dict[str, Any]:
    """What a decider needs beside the form: what the step they decide is about.

    Read off the pending step the action decides (its route), not the
    action's name, so a declared step gets the same help.
    """
    context: dict[str, Any] = {}
    if not REGISTRY[action].nodes:
        return context
    pending = pm.steps.filter(outcome=Outcome.PENDING).first()
    if pending is None or not set(REGISTRY[action].nodes) & {routing.node_of_step(pending.kind)}:
        return context
    route = routing.ROUTES[pending.kind]
    if route.funding:
        context["funding_request"] = (
            FundingRequest.objects.filter(step=pending).prefetch_related("lines").first()
        )
    elif pending.kind in (StepKind.COMPLETION_VERIFICATION, StepKind.COMPLETION_SIGNOFF):
        reports = completion_reports(pm)
        context["report"] = reports[-1] if reports else None
    elif pending.kind == StepKind.REGISTRATION_REVIEW:
        context["registration"] = {
            "deliverables": list(pm.deliverables.all()),
            "coordinating": list(pm.coordinating_agencies.order_by("code")),
        }
    return context
