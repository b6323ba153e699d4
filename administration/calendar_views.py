"""The working-day calendar's page: the year's holidays and the government's decisions (issue 14)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from approvals import clock, working_days
from approvals.client_ip import client_ip
from approvals.exceptions import DomainError, Invalid
from approvals.models import CalendarDay
from province.calendar_days import (
    CalendarDayForm,
    calendar_day_remove,
    calendar_day_save,
    year_rows,
)

from .access import admin_required


def _year(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year") or clock.today().year)
    except ValueError:
        year = clock.today().year
    return min(max(year, working_days.FIRST_YEAR), working_days.LAST_YEAR)


def _page(
    request: HttpRequest, year: int, form: CalendarDayForm, editing: CalendarDay | None, status: int
) -> HttpResponse:
    context = {
        "year": year,
        "years": range(working_days.FIRST_YEAR, clock.today().year + 3),
        "rows": year_rows(year),
        "form": form,
        "editing": editing,
    }
    return render(request, "administration/calendar.html", context, status=status)


@admin_required
@require_http_methods(["GET", "POST"])
def calendar(request: HttpRequest) -> HttpResponseBase:
    year = _year(request)
    editing = None
    if request.GET.get("edit"):
        editing = (
            CalendarDay.objects.filter(pk=request.GET["edit"]).first()
            if request.GET["edit"].isdigit()
            else None
        )
    if request.method == "GET":
        return _page(request, year, CalendarDayForm(instance=editing), editing, 200)
    pk = int(request.POST["pk"]) if str(request.POST.get("pk", "")).isdigit() else None
    try:
        row = calendar_day_save(actor=request.user, data=request.POST, pk=pk, ip=client_ip(request))
    except Invalid as error:
        form = CalendarDayForm(request.POST)
        for field, texts in error.errors.items():
            form.add_error(field if field in form.fields else None, texts)
        return _page(request, year, form, editing, 400)
    except DomainError as error:
        messages.error(request, str(error))
        return HttpResponseRedirect(reverse("administration:calendar"))
    messages.success(
        request, _("Đã lưu ngày %(d)s vào lịch ngày làm việc.") % {"d": f"{row.day:%d/%m/%Y}"}
    )
    return HttpResponseRedirect(reverse("administration:calendar") + f"?year={row.day.year}")


@admin_required
@require_POST
def calendar_remove(request: HttpRequest, pk: int) -> HttpResponseBase:
    try:
        calendar_day_remove(actor=request.user, pk=pk, ip=client_ip(request))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Đã xóa ngày khỏi lịch ngày làm việc."))
    return HttpResponseRedirect(reverse("administration:calendar") + f"?year={_year(request)}")
