"""``import_province FILE.xlsx [--dry-run]`` and ``import_province --template OUT.xlsx``.

The command only reads the file, names the acting administrator and prints
the row-by-row report; ``workflows.province_import`` does the work, the same
as the import page.  It exits 1 when any row has an error (nothing is then
written), 0 otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from approvals.exceptions import DomainError
from approvals.roles import Role
from workflows.province_import import applying, reading, template


class Command(BaseCommand):
    help = "Import the province's agencies, officials and pilot models from its .xlsx workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", nargs="?", help="The workbook (.xlsx) to import.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )
        parser.add_argument(
            "--template", metavar="OUT.xlsx", help="Write the empty template to this file and stop."
        )
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="The administrator the import is audited under (default: the only active administrator).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["template"]:
            Path(options["template"]).write_bytes(template.template_bytes())
            self.stdout.write(f"Template written to {options['template']}")
            return
        if not options["file"]:
            raise CommandError("Give the workbook to import, or --template OUT.xlsx.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        actor = _administrator(options["as_user"])
        book = reading.read(path.read_bytes(), filename=path.name)
        try:
            outcome = applying.run(book, actor=actor, commit=not options["dry_run"])
        except DomainError as error:
            raise CommandError(str(error)) from None
        for line in outcome.lines():
            self.stdout.write(line)
        if not outcome.ok:
            raise CommandError("the workbook has errors; nothing was written", returncode=1)


def _administrator(username: str | None) -> Any:
    users = get_user_model().objects.filter(is_active=True)
    admins = users.filter(Q(is_superuser=True) | Q(groups__name=Role.ADMIN)).distinct()
    if username:
        found = admins.filter(username=username).first()
        if found is None:
            raise CommandError(f"{username} is not an active administrator.")
        return found
    candidates = list(admins[:2])
    if not candidates:
        raise CommandError(
            "No active administrator yet: create one first (createsuperuser, or give an "
            "official the admin role); the import is audited under that account."
        )
    if len(candidates) != 1:
        raise CommandError("Name the administrator the import is audited under: --as USERNAME.")
    return candidates[0]
