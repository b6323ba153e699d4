"""The builder the story is written with: one model, its registration row and what happens to it.

Each step names the public typed service it calls (``Action.APPROVE_FUNDING``
and its kin) with that function's own keyword arguments, so the replay
calls exactly what a Python caller would.  The registration is the model's
row of the province's workbook; the replay imports that row on its day.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..states import Action, FundingSource, SpendingKind


@dataclass(frozen=True)
class Day:
    """A day of the history, resolved to a date when it is replayed."""

    n: int


@dataclass(frozen=True)
class Step:
    """One action on one model: on which day, by whom, which action, with what input.

    ``do`` is None for the registration: ``data`` is then the model's row of
    the workbook (the import's column keys) and the importer registers it.
    """

    day: int
    actor: str
    do: str | None
    data: Mapping[str, Any]
    evidence: str = ""

    @property
    def name(self) -> str:
        return self.do if self.do is not None else "import_province (Mô hình)"


@dataclass(frozen=True)
class Money:
    """Where a request's money comes from and what kind of spending it is."""

    source: str
    kind: str


RECURRENT = Money(FundingSource.PROVINCIAL_RECURRENT, SpendingKind.RECURRENT)
INVESTMENT = Money(FundingSource.PROVINCIAL_INVESTMENT, SpendingKind.INVESTMENT)
CENTRAL = Money(FundingSource.CENTRAL_SUPPORT, SpendingKind.INVESTMENT)
PROGRAMME = Money(FundingSource.PROGRAMME_INTEGRATION, SpendingKind.RECURRENT)
SOCIALIZED = Money(FundingSource.SOCIALIZED, SpendingKind.RECURRENT)


@dataclass
class Deliverable:
    name: str
    unit: str
    target: int


def d(name: str, unit: str, target: int) -> Deliverable:
    return Deliverable(name, unit, target)


@dataclass
class Script:
    """A model's registration fields and what happens to it, built as a chain.

    The builder keeps who the responsible officer is, so a step after a change
    of lead agency is taken by the new agency's officer.
    """

    number: int
    title: str
    lead: str
    tasks: str
    deliverables: list[Deliverable]
    deadline: int
    coordinating: tuple[str, ...] = ()
    needs_funding: bool = True
    needs_db: bool = False
    is_sample: bool = True
    steps: list[Step] = field(default_factory=list)
    officer: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.officer = f"officer_{self.lead.lower()}"

    def _add(
        self,
        day: int,
        do: str | None,
        actor: str,
        data: Mapping[str, Any],
        evidence: str = "",
    ) -> Script:
        if self.steps and day < self.steps[-1].day:
            raise ValueError(
                f"model {self.number}: step on day {day} comes before day {self.steps[-1].day}"
            )
        self.steps.append(Step(day, actor, do, dict(data), evidence))
        return self

    def _rows(self, ratio: float) -> list[dict[str, Any]]:
        return [{"name": d.name, "achieved": round(d.target * ratio)} for d in self.deliverables]

    def register(self, day: int) -> Script:
        """The model's row of the workbook's Mô hình sheet, imported on ``day``."""
        return self._add(
            day,
            None,
            "admin",
            {
                "number": self.number,
                "title": self.title,
                "tasks": self.tasks,
                "lead_agency": self.lead,
                "coordinating_agencies": list(self.coordinating),
                "responsible_officer": self.officer,
                "deadline": Day(self.deadline),
                "needs_funding": self.needs_funding,
                "needs_population_db_connection": self.needs_db,
                "deliverables": [
                    {"name": d.name, "unit": d.unit, "target": d.target} for d in self.deliverables
                ],
                "is_sample": self.is_sample,
            },
        )

    def approve(
        self, day: int, by: str = "police", comment: str = "Hồ sơ đầy đủ, đồng ý."
    ) -> Script:
        return self._add(day, Action.APPROVE_REGISTRATION, by, {"comment": comment})

    def return_registration(self, day: int, comment: str, by: str = "police") -> Script:
        return self._add(day, Action.RETURN_REGISTRATION, by, {"comment": comment})

    def resubmit(
        self, day: int, *, tasks: str = "", deliverables: list[Deliverable] | None = None
    ) -> Script:
        data: dict[str, Any] = {}
        if tasks:
            self.tasks = data["tasks"] = tasks
        if deliverables is not None:
            self.deliverables = deliverables
            data["deliverables"] = [
                {"name": d.name, "unit": d.unit, "target": d.target} for d in deliverables
            ]
        return self._add(day, Action.RESUBMIT_REGISTRATION, self.officer, data)

    def request_funding(
        self,
        day: int,
        lines: list[tuple[str, int]],
        *,
        money: Money = RECURRENT,
        justification: str = "Thực hiện Kế hoạch triển khai Đề án 06 năm 2026 của UBND tỉnh.",
        year: int = 2026,
        by: str = "",
    ) -> Script:
        return self._add(
            day,
            Action.REQUEST_FUNDING,
            by or self.officer,
            {
                "amount": sum(amount for _, amount in lines),
                "funding_source": money.source,
                "spending_kind": money.kind,
                "budget_year": year,
                "lines": [{"item": item, "amount": amount} for item, amount in lines],
                "justification": justification,
            },
        )

    def approve_funding(
        self, day: int, amount: int, *, by: str = "finance", comment: str = ""
    ) -> Script:
        return self._add(
            day,
            Action.APPROVE_FUNDING,
            by,
            {
                "approved_amount": amount,
                "decision_number": f"{1100 + 23 * self.number + day}/QĐ-UBND",
                "decision_date": Day(day),
                "it_appraisal": {
                    "number": f"{300 + 7 * self.number}/SKHCN-CĐS",
                    "date": Day(day - 6),
                },
                "comment": comment or "Đồng ý bố trí kinh phí theo dự toán đã thẩm định.",
            },
        )

    def return_funding(self, day: int, comment: str, by: str = "finance") -> Script:
        return self._add(day, Action.RETURN_FUNDING, by, {"comment": comment})

    def reject_funding(self, day: int, comment: str, by: str = "finance") -> Script:
        return self._add(day, Action.REJECT_FUNDING, by, {"comment": comment})

    def start(self, day: int) -> Script:
        return self._add(day, Action.START_DEPLOYMENT, self.officer, {"start_date": Day(day)})

    def progress(self, day: int, percent: int, note: str = "") -> Script:
        return self._add(
            day,
            Action.REPORT_PROGRESS,
            self.officer,
            {
                "percent": percent,
                "deliverables": self._rows(percent / 100),
                "note": note or f"Đạt khoảng {percent}% khối lượng.",
            },
        )

    def submit(self, day: int, summary: str, ratio: float = 1.0) -> Script:
        return self._add(
            day,
            Action.SUBMIT_COMPLETION,
            self.officer,
            {"deliverables": self._rows(ratio), "summary": summary},
            evidence=f"bien-ban-nghiem-thu-mo-hinh-{self.number}.pdf",
        )

    def verify(
        self, day: int, by: str = "police", comment: str = "Kết quả đúng thực tế kiểm tra."
    ) -> Script:
        return self._add(day, Action.VERIFY_COMPLETION, by, {"comment": comment})

    def return_completion(self, day: int, comment: str, by: str = "police") -> Script:
        return self._add(day, Action.RETURN_COMPLETION, by, {"comment": comment})

    def sign_off(self, day: int, comment: str = "Đồng ý công nhận hoàn thành.") -> Script:
        return self._add(day, Action.SIGN_OFF, "leader", {"comment": comment})

    def return_signoff(self, day: int, comment: str) -> Script:
        return self._add(day, Action.RETURN_SIGNOFF, "leader", {"comment": comment})

    def blocker(self, day: int, reason: str, note: str, by: str = "") -> Script:
        return self._add(
            day, Action.SET_BLOCKER, by or self.officer, {"reason": reason, "note": note}
        )

    def clear(self, day: int, reason: str, comment: str, by: str = "") -> Script:
        return self._add(
            day, Action.CLEAR_BLOCKER, by or self.officer, {"reason": reason, "comment": comment}
        )

    def extend(self, day: int, to: int, decision: str, comment: str) -> Script:
        return self._add(
            day,
            Action.EXTEND_DEADLINE,
            "leader",
            {"deadline": Day(to), "decision_number": decision, "comment": comment},
        )

    def reassign(self, day: int, agency: str, decision: str, comment: str) -> Script:
        officer = f"officer_{agency.lower()}"
        self._add(
            day,
            Action.REASSIGN_LEAD_AGENCY,
            "leader",
            {
                "lead_agency": agency,
                "responsible_officer": officer,
                "decision_number": decision,
                "comment": comment,
            },
        )
        self.lead, self.officer = agency, officer
        return self

    def db_permission(self, day: int, document: str, by: str = "police") -> Script:
        return self._add(
            day,
            Action.RECORD_DB_PERMISSION,
            by,
            {"document_number": document, "date": Day(day - 2)},
        )
