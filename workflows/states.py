"""The lifecycle's enums, in one place: states, buckets, actions, reasons, money kinds."""

from __future__ import annotations

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
    bucket: [state for state, b in BUCKET_OF_STATE.items() if b == bucket] for bucket in Bucket.values
}

OPEN_STATES = [State.REGISTERED, State.FUNDING_REQUESTED, State.FINANCED, State.DEPLOYING]


def bucket_of(state: str) -> str | None:
    return BUCKET_OF_STATE[state]


class Action(models.TextChoices):
    """Every action of SPEC §4: one verb, one service, one API action."""

    REGISTER = "register", _("Đăng ký mô hình")
    APPROVE_REGISTRATION = "approve_registration", _("Chấp thuận đăng ký")
    RETURN_REGISTRATION = "return_registration", _("Trả lại hồ sơ đăng ký")
    RESUBMIT_REGISTRATION = "resubmit_registration", _("Gửi lại hồ sơ đăng ký")
    WITHDRAW = "withdraw", _("Rút đăng ký")
    REQUEST_FUNDING = "request_funding", _("Đề xuất kinh phí")
    APPROVE_FUNDING = "approve_funding", _("Phê duyệt kinh phí")
    RETURN_FUNDING = "return_funding", _("Trả lại đề xuất kinh phí")
    REJECT_FUNDING = "reject_funding", _("Từ chối đề xuất kinh phí")
    START_DEPLOYMENT = "start_deployment", _("Bắt đầu triển khai")
    REPORT_PROGRESS = "report_progress", _("Báo cáo tiến độ")
    SUBMIT_COMPLETION = "submit_completion", _("Báo cáo hoàn thành")
    VERIFY_COMPLETION = "verify_completion", _("Xác nhận kết quả")
    RETURN_COMPLETION = "return_completion", _("Trả lại báo cáo hoàn thành")
    SIGN_OFF = "sign_off", _("Ký duyệt hoàn thành")
    RETURN_SIGNOFF = "return_signoff", _("Trả lại (không ký duyệt)")
    SET_BLOCKER = "set_blocker", _("Ghi nhận vướng mắc")
    CLEAR_BLOCKER = "clear_blocker", _("Gỡ vướng mắc")
    UPDATE_DETAILS = "update_details", _("Cập nhật thông tin")
    EXTEND_DEADLINE = "extend_deadline", _("Gia hạn thời hạn")
    REASSIGN_LEAD_AGENCY = "reassign_lead_agency", _("Giao lại cơ quan chủ trì")
    RECORD_DB_PERMISSION = "record_db_permission", _("Ghi nhận cho phép kết nối CSDLQG về dân cư")
    CANCEL = "cancel", _("Hủy mô hình")


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


# DOMAIN.md's codes, for documents that use them.
DOMAIN_CODE_OF_REASON = {
    BlockerReason.NO_FUNDING: "THIEU_KINH_PHI",
    BlockerReason.WRONG_LEAD_AGENCY: "SAI_CQ_CHU_TRI",
    BlockerReason.NO_POPULATION_DB_PERMISSION: "CHUA_DUOC_KET_NOI_CSDLDC",
    BlockerReason.LEGACY_SYSTEMS: "HE_THONG_CU_ROI_RAC",
    BlockerReason.DATA_QUALITY: "DU_LIEU_CHUA_DUNG_DU_SACH_SONG",
    BlockerReason.REORGANISATION: "SAP_XEP_BO_MAY",
    BlockerReason.WAITING_ON_CENTRAL: "PHU_THUOC_TRUNG_UONG",
    BlockerReason.OTHER: "KHAC",
}


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
