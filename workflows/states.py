"""The lifecycle's enums, in one place: states, buckets, action verbs, reasons, money kinds."""

from __future__ import annotations

import enum

from django.db import models
from django.utils.translation import gettext_lazy as _

from approvals.models import Outcome, StepKind

__all__ = [
    "Action",
    "BlockerReason",
    "Bucket",
    "FundingSource",
    "Outcome",
    "SpendingKind",
    "State",
    "StepKind",
    "bucket_of",
]


class State(models.TextChoices):
    REGISTERED = "registered", _("Đã đăng ký")
    FUNDING_REQUESTED = "funding_requested", _("Đã đề xuất kinh phí")
    FINANCED = "financed", _("Đã bố trí kinh phí")
    DEPLOYING = "deploying", _("Đang triển khai")
    COMPLETED = "completed", _("Hoàn thành")
    CANCELLED = "cancelled", _("Đã hủy")


class Bucket(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang triển khai")
    COMPLETED = "completed", _("Hoàn thành")


BUCKET_OF_STATE: dict[str, str | None] = {
    State.REGISTERED: Bucket.NOT_STARTED,
    State.FUNDING_REQUESTED: Bucket.NOT_STARTED,
    State.FINANCED: Bucket.NOT_STARTED,
    State.DEPLOYING: Bucket.IN_PROGRESS,
    State.COMPLETED: Bucket.COMPLETED,
    State.CANCELLED: None,
}

STATES_OF_BUCKET: dict[str, list[str]] = {
    bucket: [state for state, b in BUCKET_OF_STATE.items() if b == bucket]
    for bucket in Bucket.values
}

OPEN_STATES = [State.REGISTERED, State.FUNDING_REQUESTED, State.FINANCED, State.DEPLOYING]


def bucket_of(state: str) -> str | None:
    return BUCKET_OF_STATE[state]


class Action(enum.StrEnum):
    """The verbs of the built-in actions, for code that names one.

    Each is declared, with its label, roles and situation, by its
    ``ActionSpec`` in ``workflows/services``; readers iterate the registry
    (``workflows.actions.REGISTRY``), so an extension's action needs no entry here.
    """

    REGISTER = "register"
    APPROVE_REGISTRATION = "approve_registration"
    RETURN_REGISTRATION = "return_registration"
    RESUBMIT_REGISTRATION = "resubmit_registration"
    WITHDRAW = "withdraw"
    REQUEST_FUNDING = "request_funding"
    APPROVE_FUNDING = "approve_funding"
    RETURN_FUNDING = "return_funding"
    REJECT_FUNDING = "reject_funding"
    START_DEPLOYMENT = "start_deployment"
    REPORT_PROGRESS = "report_progress"
    SUBMIT_COMPLETION = "submit_completion"
    VERIFY_COMPLETION = "verify_completion"
    RETURN_COMPLETION = "return_completion"
    SIGN_OFF = "sign_off"
    RETURN_SIGNOFF = "return_signoff"
    SET_BLOCKER = "set_blocker"
    CLEAR_BLOCKER = "clear_blocker"
    UPDATE_DETAILS = "update_details"
    EXTEND_DEADLINE = "extend_deadline"
    REASSIGN_LEAD_AGENCY = "reassign_lead_agency"
    RECORD_DB_PERMISSION = "record_db_permission"
    CANCEL = "cancel"


class BlockerReason(models.TextChoices):
    NO_FUNDING = "no_funding", _("Thiếu kinh phí")
    WRONG_LEAD_AGENCY = "wrong_lead_agency", _("Sai/chưa rõ cơ quan chủ trì")
    NO_POPULATION_DB_PERMISSION = (
        "no_population_db_permission",
        _("Chưa được kết nối CSDL quốc gia về dân cư"),
    )
    LEGACY_SYSTEMS = "legacy_systems", _("Hệ thống cũ rời rạc")
    DATA_QUALITY = "data_quality", _("Dữ liệu chưa đúng, đủ, sạch, sống")
    REORGANISATION = "reorganisation", _("Sắp xếp bộ máy")
    WAITING_ON_CENTRAL = "waiting_on_central", _("Phụ thuộc Trung ương")
    OTHER = "other", _("Khác")


class FundingSource(models.TextChoices):
    PROVINCIAL_RECURRENT = "provincial_recurrent", _("NS tỉnh – chi thường xuyên")
    PROVINCIAL_INVESTMENT = "provincial_investment", _("NS tỉnh – đầu tư công")
    CENTRAL_SUPPORT = "central_support", _("NS trung ương hỗ trợ")
    PROGRAMME_INTEGRATION = "programme_integration", _("Lồng ghép chương trình")
    SOCIALIZED = "socialized", _("Xã hội hóa")


class SpendingKind(models.TextChoices):
    INVESTMENT = "investment", _("Đầu tư")
    RECURRENT = "recurrent", _("Thường xuyên")


# A source that fixes the kind of spending (SPEC §9).
REQUIRED_KIND_OF_SOURCE = {
    FundingSource.PROVINCIAL_INVESTMENT: SpendingKind.INVESTMENT,
    FundingSource.PROVINCIAL_RECURRENT: SpendingKind.RECURRENT,
}

MAX_VND = 10**13
