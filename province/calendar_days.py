"""The government's decisions about working days: the one writer, admin only, audited (issue 14).

Each change lands in the audit trail with the day, its kind and its source
document; the cached calendar is dropped after the commit, so the next page
counts with the new decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django import forms
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from approvals import audit, working_days
from approvals.events import Event
from approvals.exceptions import DomainError, Invalid, NotFound
from approvals.models import CalendarDay, CalendarDayKind
from approvals.roles import Role

from .access import audit_refusal, require_admin

OBJECT_TYPE = "approvals.calendarday"


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["day", "kind", "source", "note"]
        help_texts = {
            "source": gettext_lazy(
                "Số, ngày và cơ quan ban hành văn bản, ví dụ “Thông báo 9441/TB-BNV ngày 16/10/2025 của Bộ Nội vụ”."
            ),
        }

    def clean_day(self) -> dt.date:
        day: dt.date = self.cleaned_data["day"]
        if not working_days.FIRST_YEAR <= day.year <= working_days.LAST_YEAR:
            raise forms.ValidationError(
                _("Chỉ ghi các năm từ %(a)s đến %(b)s.")
                % {"a": working_days.FIRST_YEAR, "b": working_days.LAST_YEAR},
                code="year",
            )
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, kind = data.get("day"), data.get("kind")
        if day is None or not kind:
            return data
        # What the day would be without any decision: a decision must change it.
        usual = working_days.Calendar({}).is_working(day)
        if kind == CalendarDayKind.MAKEUP_WORKDAY and usual:
            self.add_error(
                "kind",
                _(
                    "Ngày này vốn là ngày làm việc: ngày làm bù phải là ngày nghỉ (thứ Bảy, Chủ nhật hoặc ngày lễ)."
                ),
            )
        return data


def _snapshot(row: CalendarDay) -> dict[str, Any]:
    return {"day": row.day.isoformat(), "kind": row.kind, "source": row.source, "note": row.note}


def calendar_day_save(
    *, actor: Any, data: Mapping[str, Any], pk: int | None = None, ip: str = ""
) -> CalendarDay:
    """Add a decision (``pk`` None) or change one; nothing is written or audited when nothing changed."""
    try:
        return _save(actor=actor, data=data, pk=pk, ip=ip)
    except DomainError as error:
        audit_refusal(
            "change_calendar",
            actor=actor,
            error=error,
            object_type=OBJECT_TYPE,
            object_id=pk or "",
            ip=ip,
        )
        raise


def _save(*, actor: Any, data: Mapping[str, Any], pk: int | None, ip: str) -> CalendarDay:
    require_admin(actor)
    with transaction.atomic():
        row = CalendarDay()
        if pk is not None:
            found = CalendarDay.objects.select_for_update().filter(pk=pk).first()
            if found is None:
                raise NotFound(_("Không tìm thấy ngày này trong lịch."))
            row = found
        before = None if pk is None else _snapshot(row)
        form = CalendarDayForm(data, instance=row)
        if not form.is_valid():
            raise Invalid(
                {field: [str(m) for m in messages] for field, messages in form.errors.items()}
            )
        row = form.save(commit=False)
        after = _snapshot(row)
        if before == after:
            return row
        row.save()
        event = Event.CALENDAR_DAY_ADDED if before is None else Event.CALENDAR_DAY_CHANGED
        payload: dict[str, Any] = (
            after
            if before is None
            else {"changes": {k: [before[k], v] for k, v in after.items() if before[k] != v}}
        )
        audit.append(action=event, actor=actor, role=Role.ADMIN, obj=row, payload=payload, ip=ip)
        transaction.on_commit(working_days.forget)
    return row


def calendar_day_remove(*, actor: Any, pk: int, ip: str = "") -> None:
    try:
        require_admin(actor)
        with transaction.atomic():
            row = CalendarDay.objects.select_for_update().filter(pk=pk).first()
            if row is None:
                raise NotFound(_("Không tìm thấy ngày này trong lịch."))
            payload = _snapshot(row)
            audit.append(
                action=Event.CALENDAR_DAY_REMOVED,
                actor=actor,
                role=Role.ADMIN,
                obj=row,
                payload=payload,
                ip=ip,
            )
            row.delete()
            transaction.on_commit(working_days.forget)
    except DomainError as error:
        audit_refusal(
            "change_calendar",
            actor=actor,
            error=error,
            object_type=OBJECT_TYPE,
            object_id=pk,
            ip=ip,
        )
        raise


def year_rows(year: int) -> list[dict[str, Any]]:
    """The year as the calendar page shows it: the package's holidays and the decisions, by date."""
    calendar = working_days.current()
    decided = {row.day: row for row in CalendarDay.objects.filter(day__year=year)}
    rows: list[dict[str, Any]] = []
    for day in calendar.days_of_year(year):
        name = calendar.holiday_name(day)
        decision = decided.get(day)
        if not name and decision is None and not (day.weekday() >= 5 and calendar.is_working(day)):
            continue
        rows.append(
            {
                "day": day,
                "holiday": name,
                "decision": decision,
                "working": calendar.is_working(day),
            }
        )
    return rows
