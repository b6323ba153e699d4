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
                    agency=found, name=f"Thủ trưởng {c}", title="Giám đốc", email=f"head.{c.lower()}@example.vn",
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


def registration_data(number: int = 6, *, agency_code: str = "SYT", officer: str = "officer_syt", **overrides: Any) -> dict[str, Any]:
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
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


class Driver:
    """Takes a model through the real services, one named step at a time."""

    def __init__(self, people: dict[str, User]) -> None:
        self.p = people

    def register(self, number: int = 6, **overrides: Any) -> PilotModel:
        return services.pilot_model_register(actor=self.p["officer"], data=registration_data(number, **overrides))

    def act(self, action: str, pm: PilotModel, who: str, data: dict[str, Any] | None = None, files: Any = ()) -> PilotModel:
        return services.perform(action, pilot_model_id=pm.pk, actor=self.p[who], data=data or {}, files=files)

    def approved(self, number: int = 6, **overrides: Any) -> PilotModel:
        pm = self.register(number, **overrides)
        return self.act("approve_registration", pm, "police")

    def funding_requested(self, number: int = 6) -> PilotModel:
        return self.act("request_funding", self.approved(number), "officer", funding_data())

    def financed(self, number: int = 6) -> PilotModel:
        return self.act("approve_funding", self.funding_requested(number), "finance", approval_data())

    def deploying(self, number: int = 6) -> PilotModel:
        return self.act("start_deployment", self.financed(number), "officer", {"start_date": clock.today().isoformat()})

    def completion_submitted(self, number: int = 6) -> PilotModel:
        pm = self.deploying(number)
        return self.act(
            "submit_completion", pm, "officer",
            {"deliverables": [{"name": "Bệnh viện áp dụng", "achieved": 10}], "summary": "Đã hoàn thành"},
            files=[evidence_pdf()],
        )

    def verified(self, number: int = 6) -> PilotModel:
        return self.act("verify_completion", self.completion_submitted(number), "police")

    def completed(self, number: int = 6) -> PilotModel:
        return self.act("sign_off", self.verified(number), "leader")


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
