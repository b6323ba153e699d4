"""The words people read for every code the system stores: one module for all readers.

Pages, PDFs, spreadsheets and the API name states, steps, actions, events
and blockers with these functions, so a model's page and its paper record
never disagree.  Action and event labels come from the action declarations
(``workflows.actions.REGISTRY``); step labels from the declared routes.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals.events import Event
from approvals.models import STEP_LABELS, Outcome

from .actions import REGISTRY
from .states import BlockerReason, Bucket, State

# Administration events have no action declaration; they are named here.
ADMIN_EVENT_LABELS = {
    Event.USER_CREATED: gettext_lazy("Tạo tài khoản"),
    Event.USER_GROUPS_CHANGED: gettext_lazy("Đổi vai trò người dùng"),
    Event.USER_DEACTIVATED: gettext_lazy("Khóa tài khoản"),
    Event.AGENCY_CREATED: gettext_lazy("Tạo cơ quan"),
    Event.AGENCY_CHANGED: gettext_lazy("Sửa thông tin cơ quan"),
    Event.AGENCY_HEAD_CHANGED: gettext_lazy("Đổi thủ trưởng cơ quan"),
    Event.OFFICIAL_ASSIGNED: gettext_lazy("Phân công cán bộ"),
}


def _of(choices: type, code: str | None) -> str:
    try:
        return str(choices(code).label)  # type: ignore[call-arg]
    except ValueError:
        return str(code or "")


def state_label(state: str) -> str:
    return _of(State, state)


def bucket_label(bucket: str | None) -> str:
    return _of(Bucket, bucket) if bucket else ""


def blocker_label(reason: str) -> str:
    return _of(BlockerReason, reason)


def outcome_label(outcome: str) -> str:
    return _of(Outcome, outcome)


def step_label(kind: str) -> str:
    return str(STEP_LABELS.get(kind, kind))


def action_label(name: str) -> str:
    spec = REGISTRY.get(name)
    return str(spec.label) if spec is not None else name


def event_label(name: str) -> str:
    """``funding.approved`` → "Phê duyệt kinh phí"; ``refused.x`` → "Bị từ chối: …"."""
    if name.startswith("refused."):
        verb = name.removeprefix("refused.")
        return _("Bị từ chối: %(action)s") % {"action": action_label(verb)}
    for spec in REGISTRY.values():
        if spec.event == name:
            return str(spec.label)
    label = ADMIN_EVENT_LABELS.get(name)  # type: ignore[call-overload]
    return str(label) if label is not None else name
