"""Every audit event name, declared in one place (past-tense, dotted)."""

from __future__ import annotations

import re

from django.db import models


class Event(models.TextChoices):
    REGISTRATION_SUBMITTED = "registration.submitted"
    REGISTRATION_APPROVED = "registration.approved"
    REGISTRATION_RETURNED = "registration.returned"
    REGISTRATION_RESUBMITTED = "registration.resubmitted"
    MODEL_WITHDRAWN = "model.withdrawn"
    FUNDING_REQUESTED = "funding.requested"
    FUNDING_APPROVED = "funding.approved"
    FUNDING_RETURNED = "funding.returned"
    FUNDING_REJECTED = "funding.rejected"
    DEPLOYMENT_STARTED = "deployment.started"
    PROGRESS_REPORTED = "progress.reported"
    COMPLETION_SUBMITTED = "completion.submitted"
    COMPLETION_VERIFIED = "completion.verified"
    COMPLETION_RETURNED = "completion.returned"
    COMPLETION_SIGNED_OFF = "completion.signed_off"
    SIGNOFF_RETURNED = "completion.signoff_returned"
    BLOCKER_SET = "blocker.set"
    BLOCKER_CLEARED = "blocker.cleared"
    DETAILS_UPDATED = "details.updated"
    DEADLINE_EXTENDED = "deadline.extended"
    LEAD_AGENCY_REASSIGNED = "lead_agency.reassigned"
    DB_PERMISSION_RECORDED = "db_permission.recorded"
    MODEL_CANCELLED = "model.cancelled"
    # Administration, audited the same way (SPEC §5).
    USER_CREATED = "user.created"
    USER_GROUPS_CHANGED = "user.groups_changed"
    USER_DEACTIVATED = "user.deactivated"
    AGENCY_CREATED = "agency.created"
    AGENCY_CHANGED = "agency.changed"
    AGENCY_HEAD_CHANGED = "agency.head_changed"
    OFFICIAL_ASSIGNED = "official.assigned"
    # What the receivers in approvals.signals cannot see (issue 12).
    PASSWORD_LINK_SENT = "user.password_link_sent"
    PROVINCE_PROFILE_CHANGED = "province.profile_changed"
    PROVINCE_IMPORTED = "province.imported"
    # Administration audited by approvals.signals since review finding L1/H1:
    # one entry per change, with the acting administrator and a field diff.
    USER_CHANGED = "user.changed"
    USER_PASSWORD_CHANGED = "user.password_changed"
    USER_PERMISSIONS_CHANGED = "user.permissions_changed"
    USER_DELETED = "user.deleted"
    GROUP_CREATED = "group.created"
    GROUP_RENAMED = "group.renamed"
    GROUP_DELETED = "group.deleted"
    GROUP_MEMBERS_CHANGED = "group.members_changed"
    GROUP_PERMISSIONS_CHANGED = "group.permissions_changed"
    AGENCY_DELETED = "agency.deleted"
    AGENCY_HEAD_DELETED = "agency.head_deleted"
    OFFICIAL_CHANGED = "official.changed"
    OFFICIAL_REMOVED = "official.removed"
    TOKEN_CREATED = "token.created"
    TOKEN_DELETED = "token.deleted"
    LOCKOUT_CLEARED = "lockout.cleared"
    # The working-day calendar's decisions (issue 14).
    CALENDAR_DAY_ADDED = "calendar.day_added"
    CALENDAR_DAY_CHANGED = "calendar.day_changed"
    CALENDAR_DAY_REMOVED = "calendar.day_removed"
    # Outgoing documents (issue 13): numbered, signed and archived by the clerk.
    DOCUMENT_ISSUED = "document.issued"
    PERIODIC_REPORT_PREPARED = "periodic_report.prepared"


_REFUSED = re.compile(r"^refused\.[a-z_]+$")


def refused(action: str) -> str:
    """The event name of a refused action, e.g. ``refused.approve_funding``."""
    name = f"refused.{action}"
    if not _REFUSED.match(name):
        raise ValueError(f"not an action verb: {action!r}")
    return name


# Events a workflow declares beside the built-in ones (an extension's new step).
_DECLARED: set[str] = set(Event.values)
_EVENT = re.compile(r"^[a-z_]+\.[a-z_]+$")


def declare_event(name: str) -> None:
    """Let ``name`` into the trail; it must read as a past-tense dotted name."""
    if not _EVENT.match(str(name)):
        raise ValueError(f"not a dotted event name: {name!r}")
    _DECLARED.add(str(name))


def is_declared(name: str) -> bool:
    return name in _DECLARED or bool(_REFUSED.match(name))
