"""The import's report: each row created, updated, unchanged or in error, and why."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class Status(models.TextChoices):
    CREATED = "created", gettext_lazy("tạo mới")
    UPDATED = "updated", gettext_lazy("cập nhật")
    UNCHANGED = "unchanged", gettext_lazy("không đổi")
    ERROR = "error", gettext_lazy("lỗi")


@dataclass(frozen=True)
class Problem:
    """One thing wrong: where (sheet, row, column header; the file itself when None) and what."""

    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def where(self) -> str:
        parts = []
        if self.sheet:
            parts.append(_("trang “%(sheet)s”") % {"sheet": self.sheet})
        if self.row:
            parts.append(_("dòng %(row)s") % {"row": self.row})
        if self.column:
            parts.append(_("cột “%(column)s”") % {"column": self.column})
        return ", ".join(parts) if parts else _("tệp")

    def __str__(self) -> str:
        return f"{self.where()}: {self.message}"


@dataclass
class RowResult:
    sheet: str
    row: int
    key: str
    status: Status
    changes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    note: str = ""

    def line(self) -> str:
        text = f"{self.sheet}, {_('dòng')} {self.row} ({self.key}): {self.status.label}"
        if self.changes:
            text += f" ({', '.join(self.changes)})"
        if self.note:
            text += f"; {self.note}"
        for problem in self.problems:
            column = _("cột “%(column)s”: ") % {"column": problem.column} if problem.column else ""
            text += f"\n    {column}{problem.message}"
        return text


@dataclass
class Outcome:
    """What an import did, or would do in a dry run."""

    file_problems: list[Problem] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    committed: bool = False
    dry_run: bool = True

    @property
    def ok(self) -> bool:
        return not self.file_problems and all(r.status != Status.ERROR for r in self.rows)

    @property
    def problems(self) -> list[Problem]:
        return [*self.file_problems, *(p for r in self.rows for p in r.problems)]

    def counts(self) -> dict[str, int]:
        counted = Counter(r.status.value for r in self.rows)
        return {status: counted.get(status, 0) for status in Status.values}

    def summary(self) -> str:
        counts = self.counts()
        text = (
            _("%(created)s tạo mới, %(updated)s cập nhật, %(unchanged)s không đổi, %(error)s lỗi.")
            % counts
        )
        if self.file_problems:
            text += " " + _("Tệp có %(n)s lỗi.") % {"n": len(self.file_problems)}
        if not self.ok:
            return text + " " + _("Không ghi gì vì còn lỗi.")
        if self.dry_run:
            return text + " " + _("Chạy thử: chưa ghi gì.")
        if self.changed:
            return text + " " + _("Đã ghi vào hệ thống.")
        return text + " " + _("Không có gì thay đổi.")

    @property
    def changed(self) -> bool:
        return any(r.status in (Status.CREATED, Status.UPDATED) for r in self.rows)

    def lines(self) -> list[str]:
        out = [
            _("Lỗi %(where)s: %(message)s") % {"where": p.where(), "message": p.message}
            for p in self.file_problems
        ]
        out += [r.line() for r in self.rows]
        out.append(self.summary())
        return out
