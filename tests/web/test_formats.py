"""Vietnamese formats: dd/mm/yyyy dates and 1.250.000.000 money, shown and accepted."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.template import Context, Template
from django.utils import translation

from workflows.fields import MoneyField
from workflows.templatetags.pilot06 import dmy, vnd


class DateForm(forms.Form):
    day = forms.DateField()


def test_13_06_2024_parses_as_13_june() -> None:
    with translation.override("vi"):
        form = DateForm(data={"day": "13/06/2024"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["day"] == dt.date(2024, 6, 13)
        form = DateForm(data={"day": "05/06/2024"})
        assert form.is_valid() and form.cleaned_data["day"] == dt.date(2024, 6, 5)


def test_dates_are_shown_as_dd_mm_yyyy() -> None:
    assert dmy(dt.date(2024, 6, 5)) == "05/06/2024"
    with translation.override("vi"):
        assert (
            Template('{{ d|date:"SHORT_DATE_FORMAT" }}').render(
                Context({"d": dt.date(2024, 6, 13)})
            )
            == "13/06/2024"
        )


def test_vnd_shows_money_with_dots_whatever_the_language() -> None:
    assert vnd(1_250_000_000) == "1.250.000.000\u00a0đ"
    assert vnd(0) == "0\u00a0đ"
    assert vnd(None) == ""
    with translation.override("en"):
        assert (
            Template("{% load pilot06 %}{{ n|vnd }}").render(Context({"n": 1_250_000_000}))
            == "1.250.000.000\u00a0đ"
        )


def test_money_field_accepts_what_officials_type() -> None:
    field = MoneyField()
    assert field.clean("1.250.000.000") == 1_250_000_000
    assert field.clean("1250000000") == 1_250_000_000
    assert field.clean("1.250.000.000 đ") == 1_250_000_000
    for bad in ("1,5", "abc", "-5", "0"):
        try:
            field.clean(bad)
        except forms.ValidationError:
            continue
        raise AssertionError(bad)
