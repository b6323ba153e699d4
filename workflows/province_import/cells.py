"""One cell's value, as the column declares it: text, a code, a date, yes/no, a list, deliverables.

Each function takes what openpyxl read (str, int, float, bool, datetime or
None) and returns the typed value, or raises ``CellError`` with a message
in Vietnamese.  Dates come both ways a province keeps them: a real Excel
date, or the text ``dd/mm/yyyy``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from approvals.roles import Role

from .sheets import AGENCY_KIND_NAMES, NO, YES, Column, Kind

MAX_LIST_ITEMS = 20

_CODE = re.compile(r"^[A-Za-z0-9_-]{1,20}$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_NUMBER = re.compile(r"^\d{1,3}(\.\d{3})+$|^\d+$")
_DELIVERABLE = re.compile(r"^(?P<name>.+):\s*(?P<target>[\d.]+)\s+(?P<unit>\S.*)$")
_SPLIT = re.compile(r"[,;\n]")


class CellError(ValueError):
    pass


def _norm(text: str) -> str:
    return " ".join(text.replace(",", " ").split()).casefold()


_KINDS = {_norm(name): kind for kind, name in AGENCY_KIND_NAMES.items()} | {
    str(k): str(k) for k in AGENCY_KIND_NAMES
}
_ROLES = {str(r.value): str(r.value) for r in Role} | {
    _norm(str(r.label)): str(r.value) for r in Role
}
_YES = {_norm(YES), "co", "x", "yes", "true", "1"}
_NO = {_norm(NO), "khong", "no", "false", "0", ""}


def text_of(value: Any) -> str:
    """The cell as text: whole numbers without ``.0``, surrounding spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def convert(column: Column, value: Any) -> Any:
    """The typed value of one cell (blank → the kind's empty value), or CellError."""
    text = text_of(value)
    if text == "":
        if column.required:
            raise CellError(_("Ô này không được để trống."))
        return _EMPTY[column.kind]()
    if column.max_length and len(text) > column.max_length:
        raise CellError(_("Dài quá %(n)s ký tự.") % {"n": column.max_length})
    return _CONVERT[column.kind](value, text)


def display(column: Column, value: Any) -> Any:
    """The inverse of ``convert``: a typed value as it is written in the cell (dates stay dates)."""
    if value is None or value == "":
        return None
    if column.kind is Kind.YES_NO:
        return YES if value else NO
    if column.kind is Kind.AGENCY_KIND:
        return AGENCY_KIND_NAMES.get(value, value)
    if column.kind is Kind.DELIVERABLES and not isinstance(value, str):
        return "\n".join(
            f"{row['name']}: {_dotted(int(row['target']))} {row['unit']}" for row in value
        )
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return value


def _dotted(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def _code(value: Any, text: str) -> str:
    if not _CODE.match(text):
        raise CellError(
            _("Mã cơ quan “%(code)s” chỉ gồm chữ không dấu, số, '-' hoặc '_' (tối đa 20 ký tự).")
            % {"code": text}
        )
    return text


def _username(value: Any, text: str) -> str:
    try:
        UnicodeUsernameValidator()(text)
    except ValidationError:
        raise CellError(
            _("Tên đăng nhập “%(u)s” chỉ gồm chữ, số và @ . + - _ (không có khoảng trắng).")
            % {"u": text}
        ) from None
    return text


def _email(value: Any, text: str) -> str:
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(_("“%(e)s” không phải địa chỉ email.") % {"e": text}) from None
    return text


def _number(value: Any, text: str) -> int:
    if isinstance(value, bool):
        raise CellError(_("Cần một số nguyên dương."))
    if isinstance(value, int | float):
        if not float(value).is_integer() or value < 1:
            raise CellError(_("Cần một số nguyên dương."))
        return int(value)
    if not _NUMBER.match(text) or int(text.replace(".", "")) < 1:
        raise CellError(_("“%(v)s” không phải số nguyên dương.") % {"v": text})
    return int(text.replace(".", ""))


def _date(value: Any, text: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = _DATE.match(text)
    if match is None:
        raise CellError(_("“%(v)s” không phải ngày dạng dd/mm/yyyy.") % {"v": text})
    day, month, year = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(_("Ngày %(v)s không có trên lịch.") % {"v": text}) from None


def _yes_no(value: Any, text: str) -> bool:
    if isinstance(value, bool):
        return value
    key = _norm(text)
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(_("Ghi “%(yes)s” hoặc “%(no)s”.") % {"yes": YES, "no": NO})


def _agency_kind(value: Any, text: str) -> str:
    kind = _KINDS.get(_norm(text)) or _KINDS.get(text)
    if kind is None:
        raise CellError(
            _("Loại cơ quan là một trong: %(kinds)s.")
            % {"kinds": ", ".join(AGENCY_KIND_NAMES.values())}
        )
    return str(kind)


def _items(text: str) -> list[str]:
    items = list(dict.fromkeys(item.strip() for item in _SPLIT.split(text) if item.strip()))
    if len(items) > MAX_LIST_ITEMS:
        raise CellError(_("Tối đa %(n)s mục trong một ô.") % {"n": MAX_LIST_ITEMS})
    return items


def _codes(value: Any, text: str) -> list[str]:
    return [_code(item, item) for item in _items(text)]


def _roles(value: Any, text: str) -> list[str]:
    roles = []
    for item in _items(text):
        role = _ROLES.get(item) or _ROLES.get(_norm(item))
        if role is None:
            raise CellError(
                _("Vai trò “%(r)s” không có; dùng: %(roles)s.")
                % {"r": item, "roles": ", ".join(Role.values)}
            )
        roles.append(role)
    return sorted(set(roles))


def _deliverables(value: Any, text: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for line in (part.strip() for part in text.splitlines()):
        if not line:
            continue
        match = _DELIVERABLE.match(line)
        target = match.group("target") if match else ""
        if match is None or not _NUMBER.match(target) or int(target.replace(".", "")) < 1:
            raise CellError(
                _(
                    "“%(line)s”: mỗi sản phẩm một dòng, dạng “Tên sản phẩm: chỉ tiêu đơn vị”, ví dụ “Bệnh viện áp dụng: 45 cơ sở”."
                )
                % {"line": line[:80]}
            )
        name, unit = match.group("name").strip(), match.group("unit").strip()
        if len(name) > 200 or len(unit) > 50:
            raise CellError(_("Tên sản phẩm tối đa 200 ký tự, đơn vị tối đa 50 ký tự."))
        if any(row["name"] == name for row in rows):
            raise CellError(_("Sản phẩm “%(name)s” ghi hai lần.") % {"name": name})
        rows.append({"name": name, "unit": unit, "target": int(target.replace(".", ""))})
    if len(rows) > MAX_LIST_ITEMS:
        raise CellError(_("Tối đa %(n)s sản phẩm.") % {"n": MAX_LIST_ITEMS})
    return rows


def _text(value: Any, text: str) -> str:
    return text


_CONVERT = {
    Kind.TEXT: _text,
    Kind.CODE: _code,
    Kind.USERNAME: _username,
    Kind.EMAIL: _email,
    Kind.NUMBER: _number,
    Kind.DATE: _date,
    Kind.YES_NO: _yes_no,
    Kind.AGENCY_KIND: _agency_kind,
    Kind.CODES: _codes,
    Kind.ROLES: _roles,
    Kind.DELIVERABLES: _deliverables,
}
_EMPTY: dict[Kind, Any] = {
    Kind.TEXT: str,
    Kind.CODE: str,
    Kind.USERNAME: str,
    Kind.EMAIL: str,
    Kind.NUMBER: lambda: None,
    Kind.DATE: lambda: None,
    Kind.YES_NO: lambda: False,
    Kind.AGENCY_KIND: str,
    Kind.CODES: list,
    Kind.ROLES: list,
    Kind.DELIVERABLES: list,
}
