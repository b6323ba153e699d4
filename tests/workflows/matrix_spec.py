"""SPEC §4's action table, restated as data, to generate the transition matrix.

This is an independent reading of the contract: the services are never
consulted here.  Each situation says where a model stands (state, pending
step, registration outcome, needs_funding, extra round, open blockers) and
how to get there through the real services; each rule says who may act,
from which situations, and where the model ends up.  ``expected`` then
applies the order of checks (404, 403 role, 409 state) to one combination.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from approvals import clock
from approvals.events import Event
from tests.factories import Driver, approval_data, completion_data, funding_data
from workflows.models import PilotModel
from workflows.states import Action, StepKind
from workflows.states import State as S

# The seven roles of the matrix, each mapped to a person of the Driver.
ROLES: dict[str, str] = {
    "lead_officer": "officer",  # officer of SYT, the lead agency
    "coordinating_officer": "other_officer",  # officer of SGDDT, a coordinating agency
    "other_agency_officer": "outsider",  # officer of SKHCN: neither leads nor coordinates
    "police": "police",
    "finance": "finance",
    "leader": "leader",
    "inspector": "inspector",
}

REVIEW = StepKind.REGISTRATION_REVIEW
APPRAISAL = StepKind.FUNDING_APPRAISAL
VERIFICATION = StepKind.COMPLETION_VERIFICATION
SIGNOFF = StepKind.COMPLETION_SIGNOFF
CLOSED = (S.COMPLETED, S.CANCELLED)

# Every matrix model has SGDDT as a coordinating agency.
CO: dict[str, Any] = {"coordinating_agencies": ["SGDDT"]}


@dataclass(frozen=True)
class Situation:
    name: str
    state: str
    pending: str | None
    registration: str  # the last registration step: "pending", "returned", "approved" or "closed"
    build: Callable[[Driver, int], PilotModel]
    needs_funding: bool = True
    # Open blockers: reason -> role key of whoever set it.
    blockers: Mapping[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.name


SITUATIONS: list[Situation] = [
    Situation(
        "registration_pending", S.REGISTERED, REVIEW, "pending", lambda d, n: d.register(n, **CO)
    ),
    Situation(
        "registration_returned", S.REGISTERED, None, "returned", lambda d, n: d.returned(n, **CO)
    ),
    Situation(
        "registration_returned_without_funding",
        S.REGISTERED,
        None,
        "returned",
        lambda d, n: d.returned(n, needs_funding=False, **CO),
        needs_funding=False,
    ),
    Situation(
        "registration_approved", S.REGISTERED, None, "approved", lambda d, n: d.approved(n, **CO)
    ),
    Situation(
        "registration_approved_without_funding",
        S.REGISTERED,
        None,
        "approved",
        lambda d, n: d.approved(n, needs_funding=False, **CO),
        needs_funding=False,
    ),
    Situation(
        "funding_requested",
        S.FUNDING_REQUESTED,
        APPRAISAL,
        "approved",
        lambda d, n: d.funding_requested(n, **CO),
    ),
    Situation(
        "funding_returned", S.REGISTERED, None, "approved", lambda d, n: d.funding_returned(n, **CO)
    ),
    Situation(
        "funding_rejected",
        S.REGISTERED,
        None,
        "approved",
        lambda d, n: d.funding_rejected(n, **CO),
        blockers={"no_funding": "finance"},
    ),
    Situation("financed", S.FINANCED, None, "approved", lambda d, n: d.financed(n, **CO)),
    Situation(
        "financed_extra_round",
        S.FINANCED,
        APPRAISAL,
        "approved",
        lambda d, n: d.extra_round(n, base="financed", **CO),
    ),
    Situation("deploying", S.DEPLOYING, None, "approved", lambda d, n: d.deploying(n, **CO)),
    Situation(
        "deploying_with_officer_blocker",
        S.DEPLOYING,
        None,
        "approved",
        lambda d, n: d.blocked(d.deploying(n, **CO)),
        blockers={"data_quality": "lead_officer"},
    ),
    Situation(
        "deploying_extra_round",
        S.DEPLOYING,
        APPRAISAL,
        "approved",
        lambda d, n: d.extra_round(n, base="deploying", **CO),
    ),
    Situation(
        "completion_submitted",
        S.DEPLOYING,
        VERIFICATION,
        "approved",
        lambda d, n: d.completion_submitted(n, **CO),
    ),
    Situation(
        "completion_verified", S.DEPLOYING, SIGNOFF, "approved", lambda d, n: d.verified(n, **CO)
    ),
    Situation(
        "completion_returned",
        S.DEPLOYING,
        None,
        "approved",
        lambda d, n: d.completion_returned(n, **CO),
    ),
    Situation(
        "signoff_returned", S.DEPLOYING, None, "approved", lambda d, n: d.signoff_returned(n, **CO)
    ),
    Situation("completed", S.COMPLETED, None, "approved", lambda d, n: d.completed(n, **CO)),
    Situation("withdrawn", S.CANCELLED, None, "closed", lambda d, n: d.withdrawn(n, **CO)),
    Situation(
        "cancelled_with_officer_blocker",
        S.CANCELLED,
        None,
        "approved",
        lambda d, n: d.cancelled(d.blocked(d.deploying(n, **CO))),
        blockers={"data_quality": "lead_officer"},
    ),
]


@dataclass(frozen=True)
class Rule:
    """One row of SPEC §4's table."""

    who: frozenset[str]
    allowed: Callable[[Situation], bool]
    event: str
    data: Callable[[Situation], dict[str, Any]]
    # (state, pending step) afterwards; None: unchanged state, no pending step.
    after: Callable[[Situation], tuple[str, str | None]] = lambda s: (s.state, None)
    # Open blocker reasons afterwards.
    blockers_after: Callable[[Situation], set[str]] = lambda s: set(s.blockers)
    # clear_blocker: only police or whoever set that blocker.
    setter_or_police: bool = False
    files: bool = False


def _comment(text: str = "Ý kiến") -> Callable[[Situation], dict[str, Any]]:
    return lambda s: {"comment": text}


def _today(days: int = 0) -> str:
    return (clock.today() + dt.timedelta(days=days)).isoformat()


def _is_open(s: Situation) -> bool:
    return s.state not in CLOSED


def _blocker_reason(s: Situation) -> str:
    """clear_blocker names the open blocker, or one that is not open."""
    return next(iter(s.blockers), "data_quality")


OFFICER = frozenset({"lead_officer"})
POLICE = frozenset({"police"})
FINANCE = frozenset({"finance"})
LEADER = frozenset({"leader"})

RULES: dict[str, Rule] = {
    Action.APPROVE_REGISTRATION: Rule(
        POLICE,
        lambda s: s.state == S.REGISTERED and s.pending == REVIEW,
        Event.REGISTRATION_APPROVED,
        _comment("Đồng ý"),
    ),
    Action.RETURN_REGISTRATION: Rule(
        POLICE,
        lambda s: s.state == S.REGISTERED and s.pending == REVIEW,
        Event.REGISTRATION_RETURNED,
        _comment("Bổ sung"),
    ),
    Action.RESUBMIT_REGISTRATION: Rule(
        OFFICER,
        lambda s: s.state == S.REGISTERED and s.pending is None and s.registration == "returned",
        Event.REGISTRATION_RESUBMITTED,
        lambda s: {"title": "Tên mô hình đã sửa"},
        after=lambda s: (S.REGISTERED, REVIEW),
    ),
    Action.WITHDRAW: Rule(
        OFFICER,
        lambda s: s.state == S.REGISTERED and s.registration != "approved",
        Event.MODEL_WITHDRAWN,
        _comment("Rút"),
        after=lambda s: (S.CANCELLED, None),
    ),
    Action.REQUEST_FUNDING: Rule(
        OFFICER,
        lambda s: (
            s.needs_funding
            and s.pending is None
            and (
                (s.state == S.REGISTERED and s.registration == "approved")
                or s.state in (S.FINANCED, S.DEPLOYING)
            )
        ),
        Event.FUNDING_REQUESTED,
        lambda s: funding_data(),
        after=lambda s: (S.FUNDING_REQUESTED if s.state == S.REGISTERED else s.state, APPRAISAL),
    ),
    Action.APPROVE_FUNDING: Rule(
        FINANCE,
        lambda s: s.pending == APPRAISAL,
        Event.FUNDING_APPROVED,
        lambda s: approval_data(400_000_000),
        after=lambda s: (S.FINANCED if s.state == S.FUNDING_REQUESTED else s.state, None),
        blockers_after=lambda s: set(s.blockers) - {"no_funding"},
    ),
    Action.RETURN_FUNDING: Rule(
        FINANCE,
        lambda s: s.pending == APPRAISAL,
        Event.FUNDING_RETURNED,
        _comment("Thiếu thuyết minh"),
        after=lambda s: (S.REGISTERED if s.state == S.FUNDING_REQUESTED else s.state, None),
    ),
    Action.REJECT_FUNDING: Rule(
        FINANCE,
        lambda s: s.pending == APPRAISAL,
        Event.FUNDING_REJECTED,
        _comment("Không bố trí được"),
        after=lambda s: (S.REGISTERED if s.state == S.FUNDING_REQUESTED else s.state, None),
        blockers_after=lambda s: set(s.blockers) | {"no_funding"},
    ),
    Action.START_DEPLOYMENT: Rule(
        OFFICER,
        lambda s: (
            s.pending is None
            and (
                s.state == S.FINANCED
                or (
                    s.state == S.REGISTERED and not s.needs_funding and s.registration == "approved"
                )
            )
        ),
        Event.DEPLOYMENT_STARTED,
        lambda s: {"start_date": _today()},
        after=lambda s: (S.DEPLOYING, None),
    ),
    Action.REPORT_PROGRESS: Rule(
        OFFICER,
        lambda s: s.state == S.DEPLOYING and s.pending is None,
        Event.PROGRESS_REPORTED,
        lambda s: {
            "percent": 40,
            "deliverables": [{"name": "Bệnh viện áp dụng", "achieved": 4}],
            "note": "Đúng tiến độ",
        },
    ),
    Action.SUBMIT_COMPLETION: Rule(
        OFFICER,
        lambda s: s.state == S.DEPLOYING and s.pending is None,
        Event.COMPLETION_SUBMITTED,
        lambda s: completion_data(),
        after=lambda s: (S.DEPLOYING, VERIFICATION),
        files=True,
    ),
    Action.VERIFY_COMPLETION: Rule(
        POLICE,
        lambda s: s.pending == VERIFICATION,
        Event.COMPLETION_VERIFIED,
        _comment("Đạt"),
        after=lambda s: (S.DEPLOYING, SIGNOFF),
    ),
    Action.RETURN_COMPLETION: Rule(
        POLICE,
        lambda s: s.pending == VERIFICATION,
        Event.COMPLETION_RETURNED,
        _comment("Thiếu biên bản"),
    ),
    Action.SIGN_OFF: Rule(
        LEADER,
        lambda s: s.pending == SIGNOFF,
        Event.COMPLETION_SIGNED_OFF,
        _comment("Đồng ý"),
        after=lambda s: (S.COMPLETED, None),
        blockers_after=lambda s: set(),
    ),
    Action.RETURN_SIGNOFF: Rule(
        LEADER,
        lambda s: s.pending == SIGNOFF,
        Event.SIGNOFF_RETURNED,
        _comment("Xác minh lại"),
    ),
    Action.SET_BLOCKER: Rule(
        frozenset({"lead_officer", "police", "finance"}),
        _is_open,
        Event.BLOCKER_SET,
        lambda s: {"reason": "legacy_systems", "note": "Hệ thống cũ"},
        after=lambda s: (s.state, s.pending),
        blockers_after=lambda s: set(s.blockers) | {"legacy_systems"},
    ),
    Action.CLEAR_BLOCKER: Rule(
        frozenset({"lead_officer", "police", "finance"}),
        lambda s: s.state != S.CANCELLED and bool(s.blockers),
        Event.BLOCKER_CLEARED,
        lambda s: {"reason": _blocker_reason(s), "comment": "Đã xử lý"},
        after=lambda s: (s.state, s.pending),
        blockers_after=lambda s: set(s.blockers) - {_blocker_reason(s)},
        setter_or_police=True,
    ),
    Action.UPDATE_DETAILS: Rule(
        OFFICER,
        lambda s: _is_open(s) and s.pending is None,
        Event.DETAILS_UPDATED,
        lambda s: {"tasks": "Nhiệm vụ đã cập nhật"},
    ),
    Action.EXTEND_DEADLINE: Rule(
        LEADER,
        _is_open,
        Event.DEADLINE_EXTENDED,
        lambda s: {"deadline": _today(400), "decision_number": "15/QĐ-UBND", "comment": "Gia hạn"},
        after=lambda s: (s.state, s.pending),
    ),
    Action.REASSIGN_LEAD_AGENCY: Rule(
        LEADER,
        _is_open,
        Event.LEAD_AGENCY_REASSIGNED,
        lambda s: {
            "lead_agency": "SGDDT",
            "responsible_officer": "officer_sgddt",
            "decision_number": "16/QĐ-UBND",
            "comment": "Giao lại",
        },
        after=lambda s: (s.state, s.pending),
    ),
    Action.RECORD_DB_PERMISSION: Rule(
        POLICE,
        lambda s: s.state != S.CANCELLED,
        Event.DB_PERMISSION_RECORDED,
        lambda s: {"document_number": "123/CAT-PC06", "date": _today()},
        after=lambda s: (s.state, s.pending),
    ),
    Action.CANCEL: Rule(
        LEADER,
        _is_open,
        Event.MODEL_CANCELLED,
        lambda s: {"decision_number": "17/QĐ-UBND", "comment": "Dừng thí điểm"},
        after=lambda s: (S.CANCELLED, None),
    ),
}


@dataclass(frozen=True)
class Expected:
    status: int  # 200 for success
    code: str  # the DomainError code, or "ok"


OK = Expected(200, "ok")


def expected(situation: Situation, action: str, role: str) -> Expected:
    """SPEC §4's order of checks: visible (404), role (403), state (409)."""
    if role == "other_agency_officer":
        return Expected(404, "not_found")
    rule = RULES[action]
    if role not in rule.who:
        return Expected(403, "forbidden")
    if rule.setter_or_police and role != "police":
        setter = situation.blockers.get(_blocker_reason(situation))
        if setter is not None and setter != role:
            return Expected(403, "forbidden")
    if not rule.allowed(situation):
        return Expected(409, "conflict")
    return OK
