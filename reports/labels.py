"""Vietnamese names for audit events, for the model record's trail.

The trail stores dotted English names (``registration.approved``); a paper
record is read by officials, so it prints what happened in their words.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.events import Event
from workflows.states import Action

EVENT_LABELS = {
    Event.REGISTRATION_SUBMITTED: gettext_lazy("Đăng ký mô hình"),
    Event.REGISTRATION_APPROVED: gettext_lazy("Chấp thuận đăng ký"),
    Event.REGISTRATION_RETURNED: gettext_lazy("Trả lại hồ sơ đăng ký"),
    Event.REGISTRATION_RESUBMITTED: gettext_lazy("Gửi lại hồ sơ đăng ký"),
    Event.MODEL_WITHDRAWN: gettext_lazy("Rút đăng ký"),
    Event.FUNDING_REQUESTED: gettext_lazy("Đề xuất kinh phí"),
    Event.FUNDING_APPROVED: gettext_lazy("Phê duyệt kinh phí"),
    Event.FUNDING_RETURNED: gettext_lazy("Trả lại đề xuất kinh phí"),
    Event.FUNDING_REJECTED: gettext_lazy("Từ chối đề xuất kinh phí"),
    Event.DEPLOYMENT_STARTED: gettext_lazy("Bắt đầu triển khai"),
    Event.PROGRESS_REPORTED: gettext_lazy("Báo cáo tiến độ"),
    Event.COMPLETION_SUBMITTED: gettext_lazy("Báo cáo hoàn thành"),
    Event.COMPLETION_VERIFIED: gettext_lazy("Xác nhận kết quả"),
    Event.COMPLETION_RETURNED: gettext_lazy("Trả lại báo cáo hoàn thành"),
    Event.COMPLETION_SIGNED_OFF: gettext_lazy("Ký duyệt hoàn thành"),
    Event.SIGNOFF_RETURNED: gettext_lazy("Trả lại, không ký duyệt"),
    Event.BLOCKER_SET: gettext_lazy("Ghi nhận vướng mắc"),
    Event.BLOCKER_CLEARED: gettext_lazy("Gỡ vướng mắc"),
    Event.DETAILS_UPDATED: gettext_lazy("Cập nhật thông tin"),
    Event.DEADLINE_EXTENDED: gettext_lazy("Gia hạn thời hạn"),
    Event.LEAD_AGENCY_REASSIGNED: gettext_lazy("Giao lại cơ quan chủ trì"),
    Event.DB_PERMISSION_RECORDED: gettext_lazy("Ghi nhận cho phép kết nối CSDL dân cư"),
    Event.MODEL_CANCELLED: gettext_lazy("Hủy mô hình"),
}


def event_label(action: str) -> str:
    """``refused.approve_funding`` → "Từ chối thực hiện: Phê duyệt kinh phí"."""
    if action.startswith("refused."):
        verb = action.removeprefix("refused.")
        name = str(Action(verb).label) if verb in Action.values else verb
        return _("Từ chối thực hiện: %(action)s") % {"action": name}
    label = EVENT_LABELS.get(action)  # type: ignore[call-overload]
    return str(label) if label is not None else action
