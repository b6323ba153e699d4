"""A province of any size, written straight to the tables, consistent with the flow.

The pages and reports are measured at 38, 2,500 and 100,000 models.  Going
through the services would take hours at 100,000, so each model is written
in bulk in one of nine situations (registered … completed, cancelled), with
exactly the rows the services would have left: the approval steps, the
funding round, the completion report, the viewflow process and its tasks
(the open one matching the pending step), a blocker now and then, and the
audit entries, chained and hashed like ``approvals.audit.append`` does.

The mix follows the demo: per 40 models 12 not started, 20 in progress,
6 completed and 2 cancelled; deadlines and last actions spread over five
months, so some models are overdue, due soon or stuck.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bench import harness

BATCH = 2000
HISTORY_DAYS = 150
DEPARTMENTS = ("SYT", "SGDDT", "SKHCN", "BHXH", "SXD", "SNNMT", "SVHTTDL")

# The main flow's human nodes in the order a model meets them; stage k has
# done the first k and waits on NODES[k] (stage 8 has reached the end).
NODES = (
    "start",
    "registration_review",
    "plan",
    "funding_appraisal",
    "start_deployment",
    "deploy",
    "completion_verification",
    "signoff",
    "end",
)
# (event, acting role, from state, to state) of the action that ends each stage.
EVENTS = (
    ("registration.submitted", "officer", "", "registered"),
    ("registration.approved", "police", "registered", "registered"),
    ("funding.requested", "officer", "registered", "funding_requested"),
    ("funding.approved", "finance", "funding_requested", "financed"),
    ("deployment.started", "officer", "financed", "deploying"),
    ("completion.submitted", "officer", "deploying", "deploying"),
    ("completion.verified", "police", "deploying", "deploying"),
    ("completion.signed_off", "leader", "deploying", "completed"),
)
STATE_AT_STAGE = {
    1: "registered",
    2: "registered",
    3: "funding_requested",
    4: "financed",
    5: "deploying",
    6: "deploying",
    7: "deploying",
    8: "completed",
}
CANCELLED = 0  # a pseudo-stage: registered, approved, then cancelled by the leader
# Per 40 models: 12 not started, 20 in progress, 6 completed, 2 cancelled.
MIX = (
    [1] * 3 + [2] * 3 + [3] * 3 + [4] * 3 + [5] * 14 + [6] * 3 + [7] * 3 + [8] * 6 + [CANCELLED] * 2
)
BLOCKER_REASONS = (
    "no_funding",
    "legacy_systems",
    "data_quality",
    "reorganisation",
    "waiting_on_central",
)
_AGENCY_OF_ROLE = {
    "police": "CAT",
    "finance": "STC",
    "leader": "UBND",
}  # as tests.factories seats them
# Who acts on each node that is not the lead agency's own.
_ROLE_OF_NODE = {
    "registration_review": "police",
    "funding_appraisal": "finance",
    "completion_verification": "police",
    "signoff": "leader",
}


@dataclass
class Cast:
    """Who acts: the officer of each lead agency, and one person per province-wide role."""

    officers: dict[int, Any]  # agency id → officer
    agencies: list[Any]
    police: Any
    finance: Any
    leader: Any

    def actor(self, role: str, agency_id: int) -> Any:
        return self.officers[agency_id] if role == "officer" else getattr(self, role)


def cast() -> Cast:
    from django.contrib.auth.models import User

    from bench.people import ensure_people
    from tests.factories import make_user

    people = ensure_people()
    officers: dict[int, Any] = {}
    agencies = []
    for code in DEPARTMENTS:
        username = f"officer_{code.lower()}"  # the name tests and the demo give them
        officer = User.objects.filter(username=username).first() or make_user(
            username, code, "officer"
        )
        agency = officer.official.agency
        officers[agency.pk] = officer
        agencies.append(agency)
    return Cast(officers, agencies, people["police"], people["finance"], people["leader"])


def _permission(node: str, agency_id: int) -> str:
    """The queue a node's task waits in, as ``workflows.flows`` assigns it."""
    from approvals.backends import agency_permission, role_permission

    role = _ROLE_OF_NODE.get(node)
    return role_permission(role) if role else agency_permission(agency_id)


def grow_to(total: int) -> int:
    """Add models until there are ``total``; returns how many were added."""
    from workflows.models import PilotModel

    existing = PilotModel.objects.count()
    if existing >= total:
        return 0
    people = cast()
    first_number = (
        PilotModel.objects.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    now = _now()
    added = 0
    for start in range(existing, total, BATCH):
        size = min(BATCH, total - start)
        _write_batch(people, list(range(start, start + size)), first_number + added, now)
        added += size
        if total >= 10_000 and (added % 20_000 == 0 or added == total - existing):
            harness.note(f"dataset: {existing + added:,} models")
    return added


def _now() -> dt.datetime:
    from approvals import clock

    return clock.now()


def _stage(index: int) -> int:
    return MIX[index % len(MIX)]


def _write_batch(people: Cast, indexes: list[int], first_number: int, now: dt.datetime) -> None:
    from django.db import transaction

    with transaction.atomic():
        rows = [_plan(people, index, first_number + k, now) for k, index in enumerate(indexes)]
        _insert(rows)


@dataclass
class Plan:
    """One model to write: its situation and the times of its events."""

    number: int
    index: int
    stage: int
    agency: Any
    officer: Any
    times: list[dt.datetime]
    deadline: dt.date
    cast: Cast

    @property
    def events_done(self) -> int:
        return 3 if self.stage == CANCELLED else self.stage

    @property
    def state(self) -> str:
        return "cancelled" if self.stage == CANCELLED else STATE_AT_STAGE[self.stage]


def _plan(people: Cast, index: int, number: int, now: dt.datetime) -> Plan:
    stage = _stage(index)
    agency = people.agencies[index % len(people.agencies)]
    # Registered between 150 and 100 days ago; one event every 6–10 days.
    start = now - dt.timedelta(days=HISTORY_DAYS - (index * 7919) % 50, minutes=index % 1440)
    events = 3 if stage == CANCELLED else stage
    times = [start + dt.timedelta(days=k * (6 + index % 5), seconds=k * 61) for k in range(events)]
    # Some deadlines have passed, some fall within the month, most are ahead.
    deadline = (start + dt.timedelta(days=90 + (index * 104729) % 150)).date()
    return Plan(number, index, stage, agency, people.officers[agency.pk], times, deadline, people)


def _insert(plans: list[Plan]) -> None:
    from viewflow.workflow.models import Process, Task
    from viewflow.workflow.status import PROCESS

    from approvals.models import ApprovalStep
    from bench.bulk import Db, Table, reset_sequences
    from workflows.flows import PilotFlow
    from workflows.models import (
        Blocker,
        CompletionReport,
        Deliverable,
        FundingLine,
        FundingRequest,
        LeadAgencyTerm,
        PilotModel,
    )

    db = Db()
    flow_ref = Process._meta.get_field("flow_class").get_prep_value(PilotFlow)
    task_ref = {
        node: Task._meta.get_field("flow_task").get_prep_value(getattr(PilotFlow, node))
        for node in NODES
    }
    task_type = {node: getattr(PilotFlow, node).task_type for node in NODES}

    processes = Table(Process, ["flow_class", "status", "created", "finished", "data"])
    models = Table(
        PilotModel,
        [
            "number",
            "title",
            "is_sample",
            "tasks",
            "lead_agency",
            "responsible_officer",
            "deadline",
            "original_deadline",
            "needs_funding",
            "needs_population_db_connection",
            "db_permission_number",
            "db_permission_date",
            "state",
            "version",
            "start_date",
            "progress_percent",
            "registered_at",
            "last_action_at",
            "completed_at",
            "process",
        ],
    )
    deliverables = Table(Deliverable, ["pilot_model", "name", "unit", "target", "achieved"])
    terms = Table(LeadAgencyTerm, ["pilot_model", "agency", "since", "until", "decision_number"])
    steps = Table(
        ApprovalStep,
        [
            "pilot_model",
            "kind",
            "outcome",
            "submitted_by",
            "submitted_at",
            "decided_by",
            "decided_at",
            "comment",
        ],
    )
    requests = Table(
        FundingRequest,
        [
            "pilot_model",
            "round",
            "step",
            "amount",
            "funding_source",
            "spending_kind",
            "budget_year",
            "justification",
            "approved_amount",
            "decision_number",
            "decision_date",
            "it_appraisal_number",
            "it_appraisal_date",
            "process",
        ],
    )
    lines = Table(FundingLine, ["request", "item", "amount"])
    reports = Table(
        CompletionReport,
        [
            "pilot_model",
            "summary",
            "achieved",
            "submitted_by",
            "submitted_at",
            "verification_step",
            "signoff_step",
        ],
    )
    blockers = Table(
        Blocker,
        [
            "pilot_model",
            "reason",
            "note",
            "set_by",
            "set_at",
            "cleared_by",
            "cleared_at",
            "clear_comment",
        ],
    )
    tasks = Table(
        Task,
        [
            "flow_task",
            "flow_task_type",
            "status",
            "created",
            "assigned",
            "started",
            "finished",
            "token",
            "owner",
            "owner_permission",
            "process",
            "data",
        ],
    )
    model_ids: list[int] = []

    for p in plans:
        done, ended = p.stage == 8, p.stage == CANCELLED
        status = PROCESS.DONE if done else PROCESS.CANCELED if ended else PROCESS.NEW
        last = p.times[-1]
        process_id = processes.add(
            flow_ref, status, db.dt(p.times[0]), db.dt(last) if done or ended else None, "{}"
        )
        pm = models.add(
            p.number,
            f"Mô hình thử nghiệm số {p.number}: số hóa thủ tục bằng CCCD gắn chip",
            True,
            "Triển khai dịch vụ công trực tuyến, xác thực bằng VNeID",
            p.agency.pk,
            p.officer.pk,
            db.date(p.deadline),
            db.date(p.deadline),
            True,
            p.index % 3 == 0,
            "12/CAT-PC06" if p.index % 6 == 0 else "",
            db.date(p.times[0].date()) if p.index % 6 == 0 else None,
            p.state,
            1 + p.events_done,
            db.date(p.times[4].date()) if p.stage >= 5 else None,
            100 if p.stage >= 6 else (10 + p.index % 80 if p.stage == 5 else 0),
            db.dt(p.times[0]),
            db.dt(last),
            db.dt(last) if done else None,
            process_id,
        )
        model_ids.append(pm)
        deliverables.add(pm, "Thủ tục được số hóa", "thủ tục", 20, 20 if p.stage >= 6 else None)
        terms.add(pm, p.agency.pk, db.dt(p.times[0]), None, "")

        step_of: dict[str, int] = {}
        for kind, submitted, decided in _steps_of(p):
            decider = _decider(p, kind, decided)
            step_of[kind] = steps.add(
                pm,
                kind,
                "approved" if decided is not None else "pending",
                p.officer.pk,
                db.dt(p.times[submitted]),
                decider.pk if decider is not None else None,
                db.dt(p.times[decided]) if decided is not None else None,
                "Đồng ý" if decided is not None else "",
            )
        if "funding_appraisal" in step_of:
            approved = p.stage >= 4
            request = requests.add(
                pm,
                1,
                step_of["funding_appraisal"],
                1_250_000_000,
                "provincial_recurrent",
                "recurrent",
                p.times[2].year,
                "Theo Kế hoạch triển khai Đề án 06",
                1_000_000_000 if approved else None,
                f"{1000 + p.index % 8000}/QĐ-UBND" if approved else "",
                db.date(p.times[3].date()) if approved else None,
                "",
                None,
                None,
            )
            lines.add(request, "Thiết bị đọc CCCD", 1_250_000_000)
        if "completion_verification" in step_of:
            reports.add(
                pm,
                "Đã hoàn thành các sản phẩm đăng ký",
                db.json([{"name": "Thủ tục được số hóa", "achieved": 20}]),
                p.officer.pk,
                db.dt(p.times[5]),
                step_of["completion_verification"],
                step_of.get("completion_signoff"),
            )
        if not (done or ended) and p.index % 10 == 7:
            blockers.add(
                pm,
                BLOCKER_REASONS[(p.index // 10) % len(BLOCKER_REASONS)],
                "Chờ văn bản hướng dẫn",
                p.officer.pk,
                db.dt(last),
                None,
                None,
                "",
            )
        for node, state, at, owner in _tasks_of(p):
            when = db.dt(at)
            human = task_type[node] == "HUMAN"
            tasks.add(
                task_ref[node],
                task_type[node],
                state,
                when,
                when if owner is not None else None,
                when if state == "DONE" else None,
                when if state in ("DONE", "CANCELED") else None,
                "start",
                owner.pk if owner is not None else None,
                _permission(node, p.agency.pk) if human else None,
                process_id,
                "{}",
            )

    # Parents before children: the foreign keys are checked as rows arrive.
    for table in (
        processes,
        models,
        deliverables,
        terms,
        steps,
        requests,
        lines,
        reports,
        blockers,
        tasks,
    ):
        table.flush()
    reset_sequences(
        [
            Process,
            Task,
            PilotModel,
            Deliverable,
            LeadAgencyTerm,
            ApprovalStep,
            FundingRequest,
            FundingLine,
            CompletionReport,
            Blocker,
        ]
    )

    from bench.audit_rows import append_many

    append_many(sorted(_drafts(plans, model_ids), key=lambda d: d.at))


def _steps_of(p: Plan) -> Iterator[tuple[str, int, int | None]]:
    """(kind, index of the submitting event, index of the deciding event or None)."""
    done = p.events_done
    yield "registration_review", 0, (1 if done >= 2 else None)
    if p.stage == CANCELLED:
        return
    if done >= 3:
        yield "funding_appraisal", 2, (3 if done >= 4 else None)
    if done >= 6:
        yield "completion_verification", 5, (6 if done >= 7 else None)
    if done >= 7:
        yield "completion_signoff", 6, (7 if done >= 8 else None)


_DECIDING_ROLE = {
    "registration_review": "police",
    "funding_appraisal": "finance",
    "completion_verification": "police",
    "completion_signoff": "leader",
}


def _decider(p: Plan, kind: str, decided: int | None) -> Any:
    return None if decided is None else p.cast.actor(_DECIDING_ROLE[kind], p.agency.pk)


def _tasks_of(p: Plan) -> Iterator[tuple[str, str, dt.datetime, Any]]:
    """(node, status, when, owner): the done path, then the open (or cancelled) task."""
    if p.stage == CANCELLED:
        yield "start", "DONE", p.times[0], None
        yield "registration_review", "DONE", p.times[1], None
        yield "plan", "CANCELED", p.times[2], None
        return
    for k in range(p.stage):
        node = NODES[k]
        owner = (
            None
            if node == "start"
            else p.cast.actor(_ROLE_OF_NODE.get(node, "officer"), p.agency.pk)
        )
        yield node, "DONE", p.times[k], owner
    if p.stage == 8:
        yield "end", "DONE", p.times[-1], None
    else:
        yield NODES[p.stage], "NEW", p.times[-1], None


def _drafts(plans: list[Plan], model_ids: list[int]) -> Iterator[Any]:
    from bench.audit_rows import Draft

    for p, pm in zip(plans, model_ids, strict=True):
        events = list(EVENTS[: p.events_done if p.stage != CANCELLED else 2])
        if p.stage == CANCELLED:
            events.append(("model.cancelled", "leader", "registered", "cancelled"))
        for k, (action, role, from_state, to_state) in enumerate(events):
            yield Draft(
                at=p.times[k],
                action=action,
                actor=p.cast.actor(role, p.agency.pk),
                role=role,
                agency_code=p.agency.code if role == "officer" else _AGENCY_OF_ROLE[role],
                object_type="workflows.pilotmodel",
                object_id=str(pm),
                from_state=from_state,
                to_state=to_state,
                payload={"version": k + 1, "comment": "Đồng ý" if role != "officer" else ""},
                ip="10.0.0.1",
            )
