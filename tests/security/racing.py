"""Race every action: build its situation once, release N threads together, count the winners.

Shared by the PostgreSQL race tests (in process, real threads) and the
SQLite runner (``tests.security.sqlite_race_main``, in a subprocess on a
file database, because the in-memory test database cannot take concurrent
writers).  Every racer sends the ``version`` it read, as a client does: for
actions that leave the state alone (report_progress, update_details…) the
version is what turns N identical requests into one winner and N-1
conflicts instead of N queued edits.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection

from approvals import audit, clock
from approvals.events import Event
from approvals.exceptions import Conflict, DomainError, Invalid
from approvals.models import ApprovalStep, AuditEntry, Outcome
from tests.factories import Driver, approval_data, evidence_pdf, funding_data, registration_data
from workflows import flow_sync, services
from workflows.actions import REGISTRY
from workflows.models import EvidenceFile, PilotModel
from workflows.states import Action

DELIVERABLE = "Bệnh viện áp dụng"


@dataclass
class Situation:
    """One action ready to be raced: the model, who acts, and with what."""

    action: str
    pilot_model: PilotModel
    actor: str
    data: dict[str, Any]
    with_files: bool = False


def _today() -> str:
    return clock.today().isoformat()


def _done() -> dict[str, Any]:
    return {"deliverables": [{"name": DELIVERABLE, "achieved": 10}], "summary": "Đã hoàn thành"}


def _blocked(d: Driver, n: int) -> PilotModel:
    return d.act(
        "set_blocker", d.register(n), "police", {"reason": "legacy_systems", "note": "Phần mềm cũ"}
    )


Builder = Callable[[Driver, int], Situation]

# One situation per action of SPEC §4, each the state from which the action is allowed.
SITUATIONS: dict[str, Builder] = {
    "approve_registration": lambda d, n: Situation(
        "approve_registration", d.register(n), "police", {"comment": "Đồng ý"}
    ),
    "return_registration": lambda d, n: Situation(
        "return_registration", d.register(n), "police", {"comment": "Bổ sung sản phẩm"}
    ),
    "resubmit_registration": lambda d, n: Situation(
        "resubmit_registration",
        d.act("return_registration", d.register(n), "police", {"comment": "Bổ sung"}),
        "officer",
        {"title": "Khám chữa bệnh bằng CCCD gắn chip"},
    ),
    "withdraw": lambda d, n: Situation(
        "withdraw", d.register(n), "officer", {"comment": "Rút để làm lại"}
    ),
    "request_funding": lambda d, n: Situation(
        "request_funding", d.approved(n), "officer", funding_data()
    ),
    "approve_funding": lambda d, n: Situation(
        "approve_funding", d.funding_requested(n), "finance", approval_data()
    ),
    "return_funding": lambda d, n: Situation(
        "return_funding", d.funding_requested(n), "finance", {"comment": "Thiếu thuyết minh"}
    ),
    "reject_funding": lambda d, n: Situation(
        "reject_funding", d.funding_requested(n), "finance", {"comment": "Không có nguồn"}
    ),
    "start_deployment": lambda d, n: Situation(
        "start_deployment", d.financed(n), "officer", {"start_date": _today()}
    ),
    "report_progress": lambda d, n: Situation(
        "report_progress",
        d.deploying(n),
        "officer",
        {
            "percent": 40,
            "deliverables": [{"name": DELIVERABLE, "achieved": 4}],
            "note": "Đúng tiến độ",
        },
    ),
    "submit_completion": lambda d, n: Situation(
        "submit_completion", d.deploying(n), "officer", _done(), with_files=True
    ),
    "verify_completion": lambda d, n: Situation(
        "verify_completion", d.completion_submitted(n), "police", {"comment": "Đúng thực tế"}
    ),
    "return_completion": lambda d, n: Situation(
        "return_completion", d.completion_submitted(n), "police", {"comment": "Thiếu biên bản"}
    ),
    "sign_off": lambda d, n: Situation("sign_off", d.verified(n), "leader", {"comment": "Đồng ý"}),
    "return_signoff": lambda d, n: Situation(
        "return_signoff", d.verified(n), "leader", {"comment": "Xác minh lại"}
    ),
    "set_blocker": lambda d, n: Situation(
        "set_blocker", d.register(n), "police", {"reason": "legacy_systems", "note": "Phần mềm cũ"}
    ),
    "clear_blocker": lambda d, n: Situation(
        "clear_blocker",
        _blocked(d, n),
        "police",
        {"reason": "legacy_systems", "comment": "Đã nâng cấp"},
    ),
    "update_details": lambda d, n: Situation(
        "update_details", d.approved(n), "officer", {"tasks": "Nhiệm vụ đã cập nhật"}
    ),
    "extend_deadline": lambda d, n: Situation(
        "extend_deadline",
        d.register(n),
        "leader",
        {
            "deadline": (clock.today() + dt.timedelta(days=400)).isoformat(),
            "decision_number": "12/QĐ-UBND",
            "comment": "Gia hạn",
        },
    ),
    "reassign_lead_agency": lambda d, n: Situation(
        "reassign_lead_agency",
        d.register(n),
        "leader",
        {
            "lead_agency": "SGDDT",
            "responsible_officer": "officer_sgddt",
            "decision_number": "13/QĐ-UBND",
            "comment": "Giao lại",
        },
    ),
    "record_db_permission": lambda d, n: Situation(
        "record_db_permission",
        d.register(n, needs_population_db_connection=True),
        "police",
        {"document_number": "45/CAT-PC06", "date": _today()},
    ),
    "cancel": lambda d, n: Situation(
        "cancel",
        d.register(n),
        "leader",
        {"decision_number": "14/QĐ-UBND", "comment": "Không còn phù hợp"},
    ),
    # The additional funding round runs as a flow of its own: race it too.
    "request_funding@extra_round": lambda d, n: Situation(
        "request_funding", d.deploying(n), "officer", funding_data(300_000_000)
    ),
    "approve_funding@extra_round": lambda d, n: Situation(
        "approve_funding",
        d.act("request_funding", d.deploying(n), "officer", funding_data(300_000_000)),
        "finance",
        approval_data(200_000_000),
    ),
}

# Every action of SPEC §4 but register (raced separately, see ``race_register``).
assert {name.split("@")[0] for name in SITUATIONS} == set(Action) - {"register"}


@dataclass
class RaceResult:
    """What a race produced, as plain data so the SQLite subprocess can send it back as JSON."""

    case: str
    threads: int
    outcomes: dict[str, int] = field(default_factory=dict)
    unexpected: list[str] = field(default_factory=list)
    success_entries: int = 0
    refusal_entries: int = 0
    refusal_codes: list[str] = field(default_factory=list)
    other_entries: int = 0
    version_delta: int = 0
    steps_decided: int = 0
    pending_steps: int = 0
    evidence_files_on_disk: int = 0
    evidence_rows: int = 0
    in_step: str = "ok"
    chain_ok: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _classify(error: BaseException | None) -> str:
    if error is None:
        return "ok"
    if isinstance(error, Conflict):
        return "conflict"
    if isinstance(error, Invalid) and set(error.errors) == {"number"}:
        return "invalid_number"
    if isinstance(error, DomainError):
        return f"{type(error).__name__}:{error.code}"
    return "error"


def run_threads(
    n: int, call: Callable[[int, User], Any], actors: list[int]
) -> list[BaseException | None]:
    """Start n threads that each load their actor, wait at one barrier, then call at once.

    Each thread opens and closes its own database connection; errors are
    collected, never raised, so one bad thread cannot hide the others.
    """
    barrier = threading.Barrier(n)
    errors: list[BaseException | None] = [None] * n
    finished = [False] * n

    def worker(i: int) -> None:
        try:
            actor = User.objects.get(pk=actors[i % len(actors)])
            connection.ensure_connection()
            barrier.wait(timeout=60)
            call(i, actor)
        except BaseException as exc:  # noqa: BLE001 - every outcome is counted
            errors[i] = exc
        finally:
            finished[i] = True
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    if not all(finished):
        raise AssertionError(f"{finished.count(False)} racer(s) still running after 120 s")
    return errors


def _evidence_on_disk() -> int:
    root = Path(settings.PRIVATE_STORAGE_ROOT) / "evidence"
    return len(list(root.iterdir())) if root.exists() else 0


def _summarise(
    result: RaceResult, errors: list[BaseException | None], *, mark: int, event: str, refused: str
) -> None:
    result.outcomes = dict(Counter(_classify(e) for e in errors))
    result.unexpected = [f"{type(e).__name__}: {e}" for e in errors if _classify(e) == "error"][:5]
    new = AuditEntry.objects.filter(seq__gt=mark)
    result.success_entries = new.filter(action=event).count()
    refusals = list(new.filter(action=refused).values_list("payload", flat=True))
    result.refusal_entries = len(refusals)
    result.refusal_codes = sorted({str(p.get("code")) for p in refusals})
    result.other_entries = new.exclude(action__in=[event, refused]).count()
    result.chain_ok = audit.verify().ok


def race_action(drive: Driver, case: str, *, number: int, threads: int) -> RaceResult:
    """Build ``case``'s situation once, race ``threads`` identical requests, and measure."""
    situation = SITUATIONS[case](drive, number)
    spec = REGISTRY[situation.action]
    pm = PilotModel.objects.get(pk=situation.pilot_model.pk)
    data = {**situation.data, "version": pm.version}
    actor_pk = drive.p[situation.actor].pk
    mark = audit.head()[0]
    decided_before = (
        ApprovalStep.objects.filter(pilot_model=pm).exclude(outcome=Outcome.PENDING).count()
    )
    files_before, rows_before = _evidence_on_disk(), EvidenceFile.objects.count()

    def call(i: int, actor: User) -> None:
        files = [evidence_pdf(f"bien-ban-{i}.pdf")] if situation.with_files else []
        services.perform(
            situation.action, pilot_model_id=pm.pk, actor=actor, data=data, files=files
        )

    errors = run_threads(threads, call, [actor_pk])
    result = RaceResult(case=case, threads=threads)
    _summarise(result, errors, mark=mark, event=spec.event, refused=f"refused.{situation.action}")
    after = PilotModel.objects.get(pk=pm.pk)
    result.version_delta = after.version - pm.version
    result.steps_decided = (
        ApprovalStep.objects.filter(pilot_model=pm).exclude(outcome=Outcome.PENDING).count()
        - decided_before
    )
    result.pending_steps = ApprovalStep.objects.filter(
        pilot_model=pm, outcome=Outcome.PENDING
    ).count()
    result.evidence_files_on_disk = _evidence_on_disk() - files_before
    result.evidence_rows = EvidenceFile.objects.count() - rows_before
    try:
        flow_sync.assert_in_step(after)
    except flow_sync.OutOfStep as exc:
        result.in_step = str(exc)
    return result


def race_register(drive: Driver, *, number: int, threads: int) -> RaceResult:
    """N officers' requests to register the same number at once: one model, the rest refused."""
    data = registration_data(number)
    mark = audit.head()[0]

    def call(i: int, actor: User) -> None:
        services.pilot_model_register(actor=actor, data=data)

    errors = run_threads(threads, call, [drive.p["officer"].pk])
    result = RaceResult(case="register", threads=threads)
    _summarise(
        result, errors, mark=mark, event=Event.REGISTRATION_SUBMITTED, refused="refused.register"
    )
    models = list(PilotModel.objects.filter(number=number))
    result.version_delta = len(models)
    if len(models) == 1:
        try:
            flow_sync.assert_in_step(models[0])
        except flow_sync.OutOfStep as exc:
            result.in_step = str(exc)
    else:
        result.in_step = f"{len(models)} models with number {number}"
    return result


MIXED = (
    ("approve_funding", "finance", approval_data()),
    ("return_funding", "finance2", {"comment": "Thiếu thuyết minh"}),
    ("reject_funding", "finance", {"comment": "Không có nguồn"}),
)


def race_mixed_funding(drive: Driver, *, number: int, threads: int) -> tuple[RaceResult, str, str]:
    """Approve, return and reject one funding request at once; returns the result, winner and state."""
    pm = drive.funding_requested(number)
    mark = audit.head()[0]
    actors = {key: drive.p[key].pk for key in ("finance", "finance2")}
    winners: list[str] = []

    def call(i: int, actor: User) -> None:
        action, _who, data = MIXED[i % len(MIXED)]
        services.perform(
            action, pilot_model_id=pm.pk, actor=actor, data={**data, "version": pm.version}
        )
        winners.append(action)

    order = [actors[MIXED[i % len(MIXED)][1]] for i in range(threads)]
    errors = run_threads(threads, call, order)
    result = RaceResult(case="mixed_funding", threads=threads)
    result.outcomes = dict(Counter(_classify(e) for e in errors))
    result.unexpected = [f"{type(e).__name__}: {e}" for e in errors if _classify(e) == "error"][:5]
    new = AuditEntry.objects.filter(seq__gt=mark)
    decisions = [Event.FUNDING_APPROVED, Event.FUNDING_RETURNED, Event.FUNDING_REJECTED]
    result.success_entries = new.filter(action__in=decisions).count()
    result.refusal_entries = new.filter(action__startswith="refused.").count()
    result.refusal_codes = sorted(
        {
            str(p.get("code"))
            for p in new.filter(action__startswith="refused.").values_list("payload", flat=True)
        }
    )
    result.other_entries = new.count() - result.success_entries - result.refusal_entries
    after = PilotModel.objects.get(pk=pm.pk)
    result.version_delta = after.version - pm.version
    result.steps_decided = (
        ApprovalStep.objects.filter(pilot_model=pm, kind="funding_appraisal")
        .exclude(outcome=Outcome.PENDING)
        .count()
    )
    result.pending_steps = ApprovalStep.objects.filter(
        pilot_model=pm, outcome=Outcome.PENDING
    ).count()
    result.chain_ok = audit.verify().ok
    try:
        flow_sync.assert_in_step(after)
    except flow_sync.OutOfStep as exc:
        result.in_step = str(exc)
    return result, (winners[0] if len(winners) == 1 else ",".join(winners)), after.state


def race_unversioned_progress(drive: Driver, *, number: int, threads: int) -> RaceResult:
    """Without ``version`` a repeatable action queues: every report lands, none is lost."""
    pm = drive.deploying(number)
    mark = audit.head()[0]

    def call(i: int, actor: User) -> None:
        services.perform(
            "report_progress",
            pilot_model_id=pm.pk,
            actor=actor,
            data={"percent": i % 101, "note": f"#{i}"},
        )

    errors = run_threads(threads, call, [drive.p["officer"].pk])
    result = RaceResult(case="unversioned_progress", threads=threads)
    _summarise(
        result, errors, mark=mark, event=Event.PROGRESS_REPORTED, refused="refused.report_progress"
    )
    result.version_delta = PilotModel.objects.get(pk=pm.pk).version - pm.version
    result.evidence_rows = pm.progress_reports.count()
    return result


def assert_one_winner(result: RaceResult, *, losers: tuple[str, ...] = ("conflict",)) -> None:
    """Exactly one success, the rest refused as ``losers``; one success entry; the chain holds."""
    n = result.threads
    assert not result.unexpected, result.unexpected
    assert result.outcomes.get("ok") == 1, result.outcomes
    assert sum(result.outcomes.get(kind, 0) for kind in losers) == n - 1, result.outcomes
    assert result.success_entries == 1, result
    assert result.refusal_entries == n - 1, result
    assert result.other_entries == 0, result
    assert result.in_step == "ok", result.in_step
    assert result.pending_steps <= 1
    assert result.chain_ok


def recording_outcome(call: Callable[[], Any], outcome: list[str]) -> Callable[[], None]:
    """A thread target that runs ``call`` and appends "ok", "conflict" or the unexpected error.

    It closes the thread's own database connection, as every racing thread must.
    """

    def act() -> None:
        try:
            call()
            outcome.append("ok")
        except Conflict:
            outcome.append("conflict")
        except BaseException as exc:  # noqa: BLE001 - reported, not raised
            outcome.append(f"{type(exc).__name__}: {exc}")
        finally:
            connection.close()

    return act


def while_row_locked_pg(
    table: str, pk: int, call: Callable[[], Any], *, hold: float = 1.5, timeout_ms: int = 300
) -> str:
    """Run ``call`` in a thread while another PostgreSQL session holds ``table`` row ``pk`` FOR UPDATE.

    The thread's connection gets a lock_timeout shorter than the hold, as a
    production server would after ``PG_LOCK_TIMEOUT_MS``: the caller must see
    Conflict, never a database error.
    """
    import psycopg
    from django.db import connections

    params = connection.settings_dict
    holder = psycopg.connect(
        host=params["HOST"],
        port=params["PORT"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        dbname=params["NAME"],
    )
    options = connections.settings["default"].setdefault("OPTIONS", {})
    saved = options.get("options")
    outcome: list[str] = []
    act = recording_outcome(call, outcome)

    try:
        holder.execute(f'SELECT 1 FROM "{table}" WHERE id = %s FOR UPDATE', [pk])  # noqa: S608 - a model's own table
        options["options"] = f"-c lock_timeout={timeout_ms}"
        worker = threading.Thread(target=act)
        worker.start()
        worker.join(timeout=hold)
        holder.commit()
        worker.join(timeout=30)
    finally:
        if saved is None:
            options.pop("options", None)
        else:
            options["options"] = saved
        holder.close()
    return outcome[0] if outcome else "still running"


def lock_timeout_cases_pg(drive: Driver, *, number: int) -> dict[str, Any]:
    """Each lock an action waits on, held past the timeout: the process, the model row, the chain head."""
    from viewflow.workflow.models import Process

    from approvals.models import ChainHead

    pm = drive.register(number)
    police = drive.p["police"]

    def approve() -> None:
        services.perform(
            "approve_registration", pilot_model_id=pm.pk, actor=police, data={"comment": ""}
        )

    def register() -> None:
        services.pilot_model_register(actor=drive.p["officer"], data=registration_data(number + 1))

    outcomes = {
        "process": while_row_locked_pg(Process._meta.db_table, pm.process_id, approve),
        "model_row": while_row_locked_pg(PilotModel._meta.db_table, pm.pk, approve),
        "chain_head": while_row_locked_pg(ChainHead._meta.db_table, 1, approve),
        "register_chain_head": while_row_locked_pg(ChainHead._meta.db_table, 1, register),
    }
    after = PilotModel.objects.get(pk=pm.pk)
    return {
        "outcomes": outcomes,
        "version_unchanged": after.version == pm.version,
        "still_pending": after.steps.filter(outcome=Outcome.PENDING).count() == 1,
        "registered_extra": PilotModel.objects.filter(number=number + 1).exists(),
        "chain_ok": audit.verify().ok,
    }
