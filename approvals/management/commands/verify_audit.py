"""Recompute the audit chain: ``OK <n> entries, head <hash>`` or ``FAIL <seq>``.

``--anchor SEQ:HASH`` also checks the seq and hash printed at the foot of a
paper report: the only way to catch a tail that was cut, or re-hashed,
together with the head row (docs/audit.md).

Every intact run stores the head it verified (``VerifiedAnchor``);
``--since-anchor`` starts from the latest stored one and recomputes only
the entries appended after it (the whole chain when none is stored).
"""

from __future__ import annotations

import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from approvals import audit, clock
from approvals.models import VerifiedAnchor

_ANCHOR = re.compile(r"^(?P<seq>[1-9][0-9]*):(?P<hash>[0-9a-f]{64})$")


def _anchor(raw: str) -> tuple[int, str]:
    match = _ANCHOR.match(raw.strip().lower())
    if match is None:
        raise CommandError(
            f"--anchor must be SEQ:HASH (a positive seq, 64 hex digits), not {raw!r}"
        )
    return int(match["seq"]), match["hash"]


class Command(BaseCommand):
    help = "Recompute the hash chain of the audit trail (exit 0 intact, 1 broken)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            metavar="SEQ:HASH",
            help="a seq and hash printed on a paper report; may be given more than once",
        )
        parser.add_argument(
            "--since-anchor",
            action="store_true",
            help="recompute only the entries after the last verified anchor this command stored",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        anchors = [_anchor(raw) for raw in options["anchor"]]
        since = VerifiedAnchor.objects.first() if options["since_anchor"] else None
        result = audit.verify(since=(since.seq, since.hash) if since is not None else None)
        if not result.ok:
            self.stdout.write(f"FAIL {result.first_bad_seq}")
            raise CommandError(f"audit chain broken at seq {result.first_bad_seq}", returncode=1)
        for seq, digest in anchors:
            bad = audit.anchor_failure(seq, digest)
            if bad is not None:
                self.stdout.write(f"FAIL {bad}")
                self.stdout.write(
                    f"anchor {seq} does not match: the chain has {result.entries} entries; "
                    f"it was cut or rewritten at or before seq {bad}"
                )
                raise CommandError(f"audit chain does not match anchor {seq}", returncode=1)
        self.stdout.write(f"OK {result.entries} entries, head {result.head_hash}")
        if since is not None:
            self.stdout.write(f"checked {result.checked} entries after anchor {since.seq}")
        if result.entries:
            VerifiedAnchor.objects.get_or_create(
                seq=result.head_seq, hash=result.head_hash, defaults={"verified_at": clock.now()}
            )
        for seq, _digest in anchors:
            self.stdout.write(f"anchor {seq} matches")
