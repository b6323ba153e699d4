"""Factories and a small driver that takes a model to any situation through the services.

Tests speak in roles: officer (SYT), other_officer (SGDDT), police, police2,
finance, finance2, leader, inspector, and officer_finance_syt, who holds two
roles for the separation-of-duties checks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from approvals import clock
from approvals.models import Agency, AgencyHead, Official
from approvals.roles import Role
from workflows import services
from workflows.models import PilotModel

AGENCIES = [
    ("CAT", "Công an tỉnh", "police"),
    ("STC", "Sở Tài chính", "finance"),
    ("UBND", "UBND tỉnh", "leadership"),
    ("SNV", "Sở Nội vụ", "department"),
    ("SYT", "Sở Y tế", "department"),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "department"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "department"),
]


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"AG{n}")
    name = factory.LazyAttribute(lambda o: f"Cơ quan {o.code}")
    kind = "department"


def agency(code: str) -> Agency:
    for c, name, kind in AGENCIES:
        if c == code:
            found = AgencyFactory(code=c, name=name, kind=kind)
            if not found.heads.exists():
                AgencyHead.objects.create(
                    agency=found,
                    name=f"Thủ trưởng {c}",
                    title="Giám đốc",
                    email=f"head.{c.lower()}@example.vn",
                    since=dt.date(2024, 1, 1),
                )
            return found
    return AgencyFactory(code=code)


def make_user(username: str, agency_code: str, *roles: str) -> User:
    user = User.objects.create_user(username, f"{username}@example.vn", "pw-" + username)
    Official.objects.create(user=user, agency=agency(agency_code))
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return User.objects.get(pk=user.pk)  # fresh: no cached roles


def registration_data(
    number: int = 6, *, agency_code: str = "SYT", officer: str = "officer_syt", **overrides: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "number": number,
        "title": f"Mô hình thử nghiệm {number}",
        "tasks": "Triển khai khám chữa bệnh bằng CCCD gắn chip",
        "lead_agency": agency_code,
        "responsible_officer": officer,
        "deadline": (clock.today() + dt.timedelta(days=180)).isoformat(),
        "needs_funding": True,
        "needs_population_db_connection": False,
        "deliverables": [{"name": "Bệnh viện áp dụng", "unit": "cơ sở", "target": 10}],
        "coordinating_agencies": [],
    }
    data.update(overrides)
    return data


def funding_data(amount: int = 1_250_000_000, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "amount": amount,
        "funding_source": "provincial_recurrent",
        "spending_kind": "recurrent",
        "budget_year": clock.today().year,
        "lines": [{"item": "Thiết bị đọc CCCD", "amount": amount}],
        "justification": "Theo Kế hoạch triển khai Đề án 06",
    }
    data.update(overrides)
    return data


def approval_data(amount: int = 1_000_000_000, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "approved_amount": amount,
        "decision_number": "1234/QĐ-UBND",
        "decision_date": clock.today().isoformat(),
        "comment": "Đồng ý",
    }
    data.update(overrides)
    return data


def evidence_pdf(name: str = "bien-ban.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf"
    )


def completion_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "deliverables": [{"name": "Bệnh viện áp dụng", "achieved": 10}],
        "summary": "Đã hoàn thành",
    }
    data.update(overrides)
    return data


class DeclaredSizeUpload(SimpleUploadedFile):
    """An upload whose ``size`` claims more bytes than it holds, like a spoofed multipart part."""

    def __init__(self, name: str, content: bytes, declared_size: int) -> None:
        super().__init__(name, content, content_type="application/pdf")
        self.size = declared_size


def exe_named_pdf(name: str = "bao-cao.pdf") -> SimpleUploadedFile:
    """Windows executable bytes under a PDF name and content type."""
    return SimpleUploadedFile(
        name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120, content_type="application/pdf"
    )


class Driver:
    """Takes a model through the real services, one named step at a time."""

    def __init__(self, people: dict[str, User]) -> None:
        self.p = people

    def register(self, number: int = 6, **overrides: Any) -> PilotModel:
        return services.pilot_model_register(
            actor=self.p["officer"], data=registration_data(number, **overrides)
        )

    def act(
        self,
        action: str,
        pm: PilotModel,
        who: str,
        data: dict[str, Any] | None = None,
        files: Any = (),
    ) -> PilotModel:
        return services.perform(
            action, pilot_model_id=pm.pk, actor=self.p[who], data=data or {}, files=files
        )

    def approved(self, number: int = 6, **overrides: Any) -> PilotModel:
        pm = self.register(number, **overrides)
        return self.act("approve_registration", pm, "police")

    def funding_requested(self, number: int = 6, **overrides: Any) -> PilotModel:
        return self.act(
            "request_funding", self.approved(number, **overrides), "officer", funding_data()
        )

    def financed(self, number: int = 6, **overrides: Any) -> PilotModel:
        return self.act(
            "approve_funding",
            self.funding_requested(number, **overrides),
            "finance",
            approval_data(),
        )

    def deploying(self, number: int = 6, **overrides: Any) -> PilotModel:
        return self.act(
            "start_deployment",
            self.financed(number, **overrides),
            "officer",
            {"start_date": clock.today().isoformat()},
        )

    def completion_submitted(self, number: int = 6, **overrides: Any) -> PilotModel:
        pm = self.deploying(number, **overrides)
        return self.act(
            "submit_completion", pm, "officer", completion_data(), files=[evidence_pdf()]
        )

    def verified(self, number: int = 6, **overrides: Any) -> PilotModel:
        return self.act(
            "verify_completion", self.completion_submitted(number, **overrides), "police"
        )

    def completed(self, number: int = 6, **overrides: Any) -> PilotModel:
        return self.act("sign_off", self.verified(number, **overrides), "leader")

    # More situations, for the transition matrix and the flow tests.

    def returned(self, number: int = 6, **overrides: Any) -> PilotModel:
        """(registered, —) with the last registration step returned."""
        return self.act(
            "return_registration",
            self.register(number, **overrides),
            "police",
            {"comment": "Bổ sung hồ sơ"},
        )

    def withdrawn(self, number: int = 6, **overrides: Any) -> PilotModel:
        return self.act(
            "withdraw", self.register(number, **overrides), "officer", {"comment": "Rút đăng ký"}
        )

    def funding_returned(self, number: int = 6, **overrides: Any) -> PilotModel:
        return self.act(
            "return_funding",
            self.funding_requested(number, **overrides),
            "finance",
            {"comment": "Thiếu thuyết minh"},
        )

    def funding_rejected(self, number: int = 6, **overrides: Any) -> PilotModel:
        """(registered, —), registration approved, with a no_funding blocker set by finance."""
        return self.act(
            "reject_funding",
            self.funding_requested(number, **overrides),
            "finance",
            {"comment": "Chưa bố trí được"},
        )

    def extra_round(
        self, number: int = 6, *, base: str = "financed", **overrides: Any
    ) -> PilotModel:
        """An additional funding round pending while financed or deploying."""
        pm = getattr(self, base)(number, **overrides)
        return self.act("request_funding", pm, "officer", funding_data(500_000_000))

    def completion_returned(self, number: int = 6, **overrides: Any) -> PilotModel:
        return self.act(
            "return_completion",
            self.completion_submitted(number, **overrides),
            "police",
            {"comment": "Thiếu biên bản"},
        )

    def signoff_returned(self, number: int = 6, **overrides: Any) -> PilotModel:
        return self.act(
            "return_signoff",
            self.verified(number, **overrides),
            "leader",
            {"comment": "Xác minh lại"},
        )

    def blocked(
        self, pm: PilotModel, who: str = "officer", reason: str = "data_quality"
    ) -> PilotModel:
        return self.act("set_blocker", pm, who, {"reason": reason, "note": "Dữ liệu chưa sạch"})

    def cancelled(self, pm: PilotModel) -> PilotModel:
        return self.act(
            "cancel", pm, "leader", {"decision_number": "99/QĐ-UBND", "comment": "Dừng thí điểm"}
        )


ROLE_PEOPLE = {
    "officer": ("officer_syt", "SYT", (Role.OFFICER,)),
    "other_officer": ("officer_sgddt", "SGDDT", (Role.OFFICER,)),
    "police": ("police", "CAT", (Role.POLICE,)),
    "police2": ("police2", "CAT", (Role.POLICE,)),
    "finance": ("finance", "STC", (Role.FINANCE,)),
    "finance2": ("finance2", "STC", (Role.FINANCE,)),
    "leader": ("leader", "UBND", (Role.LEADER,)),
    "inspector": ("inspector", "SNV", (Role.INSPECTOR,)),
    "officer_finance_syt": ("officer_finance_syt", "SYT", (Role.OFFICER, Role.FINANCE)),
}

# An officer of an agency that neither leads nor coordinates the test models.
OUTSIDER = ("officer_skhcn", "SKHCN", (Role.OFFICER,))


def model_snapshot(pilot_model_id: int) -> dict[str, Any]:
    """Everything an action may change about one model, for "nothing changed" checks.

    The model row, its coordinating agencies, steps, blockers, funding rounds
    and lines, deliverables, lead-agency terms, reports and evidence, and the
    status and tasks of every viewflow process it runs (main and extra rounds).
    Plain SQL: the transition matrix takes thousands of these.
    """
    from django.db import connection
    from viewflow.workflow.models import Process, Task

    from approvals.models import ApprovalStep
    from workflows.models import (
        Blocker,
        CompletionReport,
        Deliverable,
        EvidenceFile,
        FundingLine,
        FundingRequest,
        LeadAgencyTerm,
        ProgressReport,
    )

    def table(model: Any) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    through = table(PilotModel.coordinating_agencies.through)
    funding = table(FundingRequest)
    reports = table(CompletionReport)
    processes = (
        f"SELECT process_id FROM {table(PilotModel)} WHERE id = %(pk)s "
        f"UNION SELECT process_id FROM {funding} WHERE pilot_model_id = %(pk)s"
    )
    queries = {
        "model": f"SELECT * FROM {table(PilotModel)} WHERE id = %(pk)s",
        "coordinating": f"SELECT agency_id FROM {through} WHERE pilotmodel_id = %(pk)s ORDER BY agency_id",
        "steps": f"SELECT * FROM {table(ApprovalStep)} WHERE pilot_model_id = %(pk)s ORDER BY id",
        "blockers": f"SELECT * FROM {table(Blocker)} WHERE pilot_model_id = %(pk)s ORDER BY id",
        "funding": f"SELECT * FROM {funding} WHERE pilot_model_id = %(pk)s ORDER BY id",
        "lines": f"SELECT * FROM {table(FundingLine)} WHERE request_id IN "
        f"(SELECT id FROM {funding} WHERE pilot_model_id = %(pk)s) ORDER BY id",
        "deliverables": f"SELECT * FROM {table(Deliverable)} WHERE pilot_model_id = %(pk)s ORDER BY id",
        "lead_terms": f"SELECT * FROM {table(LeadAgencyTerm)} WHERE pilot_model_id = %(pk)s ORDER BY id",
        "progress": f"SELECT * FROM {table(ProgressReport)} WHERE pilot_model_id = %(pk)s ORDER BY id",
        "completion": f"SELECT * FROM {reports} WHERE pilot_model_id = %(pk)s ORDER BY id",
        "evidence": f"SELECT * FROM {table(EvidenceFile)} WHERE report_id IN "
        f"(SELECT id FROM {reports} WHERE pilot_model_id = %(pk)s) ORDER BY id",
        "processes": f"SELECT * FROM {table(Process)} WHERE id IN ({processes}) ORDER BY id",
        "tasks": f"SELECT * FROM {table(Task)} WHERE process_id IN ({processes}) ORDER BY id",
        "process_count": f"SELECT COUNT(*) FROM {table(Process)}",
        "task_count": f"SELECT COUNT(*) FROM {table(Task)}",
    }
    snapshot: dict[str, Any] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One round trip: psycopg returns each statement's rows as its own result set.
            cursor.execute(";\n".join(queries.values()), {"pk": pilot_model_id})
            raw = cursor.cursor
            for index, key in enumerate(queries):
                if index:
                    assert raw.nextset()
                columns = [c[0] for c in raw.description]
                snapshot[key] = [dict(zip(columns, row, strict=True)) for row in raw.fetchall()]
            return snapshot
        for key, sql in queries.items():
            cursor.execute(sql, {"pk": pilot_model_id})
            columns = [c[0] for c in cursor.description]
            snapshot[key] = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return snapshot


def all_people() -> dict[str, User]:
    """Everyone of ``ROLE_PEOPLE`` and the outsider, keyed as the Driver knows them."""
    people = {
        key: make_user(username, code, *roles)
        for key, (username, code, roles) in ROLE_PEOPLE.items()
    }
    people["outsider"] = make_user(*OUTSIDER[:2], *OUTSIDER[2])
    return people


def built_once(django_db_blocker: Any, storage_root: Any, build: Any) -> Any:
    """For a module-scoped fixture: build models once, roll them back after the module.

    ``build(driver)`` returns ``{name: pilot model id}``.  Yields
    ``(people, ids)``.  Tests that use it also request ``db``: each test then
    runs in a savepoint inside this transaction and sees exactly what was built.
    """
    from django.db import transaction
    from django.test import override_settings

    storage = override_settings(PRIVATE_STORAGE_ROOT=storage_root)
    outer = transaction.atomic()
    with django_db_blocker.unblock():
        storage.enable()
        outer.__enter__()
        try:
            people = all_people()
            ids = build(Driver(people))
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            storage.disable()
            raise
    try:
        yield people, ids
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            storage.disable()
