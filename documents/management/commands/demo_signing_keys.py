"""``manage.py demo_signing_keys DIR``: a throwaway CA and keys for the demo's issuing agencies.

For ``make run`` only: it writes ``DIR/ca.pem``, one ``<code>.p12`` per
agency that issues documents in the province's profile, and ``DIR/env``
with the ``PILOT06_SIGNING_*`` lines the server reads.  Existing keys are
kept, so a restart signs with the same certificate.  Never for production.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from documents.demo_keys import make_pki
from province.models import DocumentKind
from province.profile import document_facts


class Command(BaseCommand):
    help = "Write a throwaway CA and PKCS#12 keys for the demo's issuing agencies (never for production)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory")

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"])
        env_file = directory / "env"
        if env_file.is_file():
            self.stdout.write(f"Demo signing keys kept: {env_file}")
            return
        agencies: dict[str, str] = {}
        for kind in DocumentKind.values:
            facts = document_facts(kind)
            if facts.issuer_code:
                agencies[facts.issuer_code] = facts.issuer_name
        passphrase = secrets.token_urlsafe(16)
        pki = make_pki(directory, agencies, passphrase=passphrase)
        lines = []
        for code in agencies:
            for name, value in pki.env(code).items():
                lines.append(f"{name}={value}")
        env_file.write_text("\n".join(lines) + "\n")
        env_file.chmod(0o600)
        self.stdout.write(
            f"Demo signing keys for {', '.join(agencies)} in {directory} "
            f"(validate against {pki.ca_pem}; the variables are in {env_file})"
        )
