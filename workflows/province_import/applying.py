"""Take the checked rows through the services, in one transaction.

Agencies first, then officials, then models, each row in a savepoint of its
own so one bad row is reported and the others still run; at the end the
whole transaction is rolled back unless every row is good and the caller
asked to commit.  A dry run is therefore the real import, undone: the
services' own checks (a deadline in the past, a number already used) show
up in it exactly as they would when applying.

Models are registered through ``pilot_model_register`` by the importing
administrator on behalf of the lead agency; agencies and officials through
``province.agencies`` and ``province.people``, whose writes the audit
receivers record under that administrator.  Mail (the officials'
set-password links, the registration notices) leaves only after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from approvals import audit, current
from approvals.events import Event
from approvals.exceptions import DomainError, Invalid
from approvals.models import Agency
from approvals.roles import Role
from province.access import audit_refusal, require_admin
from province.agencies import AgencyFacts, agency_upsert
from province.people import official_create, official_update

from .. import services
from ..models import PilotModel
from .outcome import Outcome, Problem, RowResult, Status
from .reading import Row, Workbook
from .sheets import AGENCIES, MODELS, OFFICIALS, SHEETS, Sheet

Applied = tuple[Status, list[str], str]  # status, what changed, a note


class _Undo(Exception):
    """Raised to roll the whole import back: a dry run, or a row in error."""


def run(
    book: Workbook, *, actor: Any, commit: bool, ip: str = "", sheets: Sequence[Sheet] = SHEETS
) -> Outcome:
    """Apply ``book`` as ``actor``; commit only when ``commit`` and every row is good.

    ``sheets`` limits the run to some sheets (``seed_demo`` imports the
    models one by one, each on the day its story registers it).
    """
    outcome = Outcome(file_problems=list(book.problems), dry_run=not commit)
    if book.problems:
        return outcome
    try:
        require_admin(actor)
    except DomainError as error:
        audit_refusal(
            "import_province", actor=actor, error=error, object_type="province.workbook", ip=ip
        )
        raise
    steps: dict[str, Callable[[Row, Any, str], Applied]] = {
        AGENCIES.name: _agency,
        OFFICIALS.name: _official,
        MODELS.name: _model,
    }
    try:
        with current.acting(actor, ip), transaction.atomic():
            for sheet in SHEETS:
                if sheet in sheets:
                    outcome.rows += [
                        _apply_row(row, steps[sheet.name], actor, ip) for row in book.of(sheet)
                    ]
            if not commit or not outcome.ok:
                raise _Undo
            if not outcome.changed:
                return outcome
            audit.append(
                action=Event.PROVINCE_IMPORTED,
                actor=actor,
                role=Role.ADMIN,
                object_type="province.workbook",
                object_id=book.sha256[:16],
                payload={
                    "file": book.filename[:200],
                    "sha256": book.sha256,
                    "rows": outcome.counts(),
                },
                ip=ip,
            )
            outcome.committed = True
    except _Undo:
        pass
    return outcome


def _apply_row(
    row: Row, apply: Callable[[Row, Any, str], Applied], actor: Any, ip: str
) -> RowResult:
    result = RowResult(
        row.sheet.name, row.number, row.key, Status.ERROR, problems=list(row.problems)
    )
    if not row.ok:
        return result
    try:
        with transaction.atomic():
            result.status, changes, result.note = apply(row, actor, ip)
    except Invalid as error:
        result.problems = [
            _problem(row, field, messages) for field, messages in error.errors.items()
        ]
        return result
    except DomainError as error:
        result.problems = [Problem(str(error), row.sheet.name, row.number)]
        return result
    result.changes = [_change_label(row.sheet, name) for name in changes]
    return result


def _problem(row: Row, field: str, messages: list[str]) -> Problem:
    column = row.sheet.column_for_field(field.split(".")[0])
    text = " ".join(messages)
    if column is None and field not in ("__all__", "non_field_errors"):
        text = f"{field}: {text}"
    return Problem(text, row.sheet.name, row.number, column.header if column else None)


_CHANGE_LABELS = {"head": "thủ trưởng mới", "roles": "vai trò"}


def _change_label(sheet: Sheet, name: str) -> str:
    column = sheet.column_for_field(name)
    return column.header if column is not None else _CHANGE_LABELS.get(name, name)


def _agency(row: Row, actor: Any, ip: str) -> Applied:
    v = row.values
    facts = AgencyFacts(
        code=v["code"],
        name=v["name"],
        kind=v["kind"],
        parent_name=v["parent_name"],
        head_name=v["head_name"],
        head_title=v["head_title"],
        head_since=v["head_since"],
        head_email=v["head_email"],
    )
    _agency_model, created, changed = agency_upsert(actor=actor, facts=facts, ip=ip)
    if created:
        return Status.CREATED, [], ""
    return (Status.UPDATED if changed else Status.UNCHANGED), changed, ""


def _official(row: Row, actor: Any, ip: str) -> Applied:
    v = row.values
    agency = _agency_named(v["agency"], "agency")
    user = get_user_model().objects.filter(username=v["username"]).first()
    facts = {
        "full_name": v["full_name"],
        "email": v["email"],
        "agency": agency,
        "roles": v["roles"],
        "title": v["title"],
    }
    if user is None:
        official_create(actor=actor, username=v["username"], ip=ip, **facts)
        return Status.CREATED, [], _("gửi email đặt mật khẩu")
    changed = official_update(actor=actor, user=user, ip=ip, **facts)
    note = "" if user.is_active else _("tài khoản đang bị khóa")
    return (Status.UPDATED if changed else Status.UNCHANGED), changed, note


def _model(row: Row, actor: Any, ip: str) -> Applied:
    v = row.values
    existing = (
        PilotModel.objects.filter(number=v["number"])
        .select_related("lead_agency", "responsible_officer")
        .prefetch_related("coordinating_agencies", "deliverables")
        .first()
    )
    if existing is not None:
        differs = model_differences(existing, v)
        note = ""
        if differs:
            note = _(
                "mô hình đã đăng ký, không sửa qua tệp (khác ở: %(cols)s); thay đổi làm trên hồ sơ mô hình"
            ) % {"cols": ", ".join(MODELS.column(key).header for key in differs)}
        return Status.UNCHANGED, [], note
    register_row(row, actor=actor, ip=ip)
    return Status.CREATED, [], ""


def register_row(row: Row, *, actor: Any, ip: str = "") -> PilotModel:
    """Register the model of one checked Mô hình row, as ``actor`` on behalf of its lead agency."""
    if not row.ok:
        raise Invalid({"__all__": [str(p) for p in row.problems]})
    lead = _agency_named(row.values["lead_agency"], "lead_agency")
    return services.pilot_model_register(
        actor=actor, data=register_data(row.values), ip=ip, on_behalf_of=lead
    )


def _agency_named(code: str, field: str) -> Agency:
    """The agency, which a row earlier in the file may have failed to create."""
    agency = Agency.objects.filter(code=code).first()
    if agency is None:
        raise Invalid(
            {
                field: [
                    _("Không có cơ quan mã “%(code)s” (dòng của cơ quan này có lỗi).")
                    % {"code": code}
                ]
            }
        )
    return agency


def register_data(values: dict[str, Any]) -> dict[str, Any]:
    """A Mô hình row as the input of ``register`` (SPEC §9)."""
    return {
        "number": values["number"],
        "title": values["title"],
        "tasks": values["tasks"],
        "lead_agency": values["lead_agency"],
        "coordinating_agencies": list(values["coordinating_agencies"]),
        "responsible_officer": values["responsible_officer"],
        "deadline": values["deadline"].isoformat(),
        "needs_funding": values["needs_funding"],
        "needs_population_db_connection": values["needs_population_db_connection"],
        "deliverables": [dict(d) for d in values["deliverables"]],
        "is_sample": values["is_sample"],
    }


def model_differences(pilot_model: PilotModel, values: dict[str, Any]) -> list[str]:
    """The columns where a registered model no longer says what the row says."""
    now = {
        "title": pilot_model.title,
        "tasks": pilot_model.tasks,
        "lead_agency": pilot_model.lead_agency.code,
        "coordinating_agencies": sorted(a.code for a in pilot_model.coordinating_agencies.all()),
        "responsible_officer": pilot_model.responsible_officer.username,
        "deadline": pilot_model.deadline,
        "needs_funding": pilot_model.needs_funding,
        "needs_population_db_connection": pilot_model.needs_population_db_connection,
        "deliverables": sorted((d.name, d.unit, d.target) for d in pilot_model.deliverables.all()),
        "is_sample": pilot_model.is_sample,
    }
    wanted = {
        **{key: values[key] for key in now},
        "coordinating_agencies": sorted(values["coordinating_agencies"]),
        "deliverables": sorted((d["name"], d["unit"], d["target"]) for d in values["deliverables"]),
    }
    return [key for key in now if now[key] != wanted[key]]
