"""The files an IT officer copies from deploy/ agree with the code they deploy.

Every setting the code reads is in the environment template and the README;
nginx's body cap and timeouts match what pilot06 accepts and how long a PDF
may take; the units run commands that exist; the production guide installs
the packages scripts/system-deps.sh names.
"""

from __future__ import annotations

import os
import re
import runpy
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from django.core.files.base import ContentFile
from django.core.management import get_commands

from workflows.uploads import max_multipart_bytes

ROOT = Path(settings.BASE_DIR)
DEPLOY = ROOT / "deploy"
READS = re.compile(
    r"""(?:env_(?:str|bool|int|list)|environ(?:\.get|\.setdefault)?|getenv)\s*[\[(]\s*["']([A-Z][A-Z0-9_]+)["']"""
)


def names_the_code_reads() -> set[str]:
    files = [ROOT / "manage.py"]
    for folder in ("project", "approvals", "workflows", "reports", "deploy"):
        files += [path for path in (ROOT / folder).rglob("*.py") if "migrations" not in path.parts]
    return {name for path in files for name in READS.findall(path.read_text())}


def names_in_the_template() -> set[str]:
    return set(
        re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (DEPLOY / "pilot06.env").read_text(), re.MULTILINE)
    )


def names_in_the_readme() -> set[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    cells = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `")]
    return {name for cell in cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)}


def nginx_site() -> str:
    return (DEPLOY / "nginx" / "pilot06.conf").read_text()


def test_the_code_reads_the_settings_this_test_looks_for() -> None:
    """The scan itself finds settings of every kind (string, flag, number, list, plain os.environ)."""
    found = names_the_code_reads()
    assert {
        "DATABASE_URL",
        "DJANGO_DEBUG",
        "EMAIL_PORT",
        "DJANGO_ALLOWED_HOSTS",
        "WEB_CONCURRENCY",
    } <= found
    assert len(found) >= 30


def test_the_environment_template_lists_every_setting_the_code_reads() -> None:
    assert names_in_the_template() == names_the_code_reads()


def test_the_readme_table_lists_every_setting_the_code_reads() -> None:
    assert names_in_the_readme() == names_the_code_reads()


def test_the_environment_template_is_valid_shell(tmp_path: Path) -> None:
    """pilot06-manage sources it with the shell, systemd reads it as an EnvironmentFile."""
    done = subprocess.run(
        [
            "bash",
            "-c",
            'set -eu -a; . "$1"; printf "%s\\n" "$DEFAULT_FROM_EMAIL" "$DATABASE_URL"',
            "-",
            str(DEPLOY / "pilot06.env"),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.splitlines() == [
        "pilot06 <no-reply@example.gov.vn>",
        "postgres://pilot06_app:CHANGE-ME@127.0.0.1:5432/pilot06",
    ]


def test_nginx_refuses_exactly_the_bodies_pilot06_would_refuse() -> None:
    match = re.search(r"^\s*client_max_body_size (\d+)m;", nginx_site(), re.MULTILINE)

    assert match is not None
    assert int(match.group(1)) * 1024 * 1024 == max_multipart_bytes()


def test_only_report_downloads_wait_longer_than_a_minute() -> None:
    site = nginx_site()
    timeouts = re.findall(r"proxy_read_timeout (\d+)s;", site)
    reports = re.search(r"location ~ \^/reports/[^{]*\{([^}]*)\}", site)
    gunicorn = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    assert reports is not None
    report_timeout = int(re.findall(r"proxy_read_timeout (\d+)s;", reports.group(1))[0])
    assert sorted(int(t) for t in timeouts) == [60, report_timeout]
    assert report_timeout > settings.PILOT06_PDF_TIMEOUT_SECONDS
    assert gunicorn["timeout"] >= report_timeout
    assert re.fullmatch(reports.group(0).split()[2], "/reports/progress.pdf")
    assert re.fullmatch(reports.group(0).split()[2], "/reports/pilot-models/6.pdf")
    assert not re.fullmatch(reports.group(0).split()[2], "/reports/")


def test_nginx_keeps_exactly_the_hashed_static_names_for_a_year() -> None:
    rule = re.search(
        r'location ~ "([^"]+)" \{\s*add_header Cache-Control "[^"]*immutable', nginx_site()
    )
    hashed = ManifestStaticFilesStorage().hashed_name(
        "css/site.css", content=ContentFile(b"body{}")
    )

    assert rule is not None
    assert re.search(rule.group(1), hashed)
    assert not re.search(rule.group(1), "css/site.css")


def exec_starts() -> dict[str, list[str]]:
    starts = {}
    for unit in sorted((DEPLOY / "systemd").glob("*.service")):
        line = next(line for line in unit.read_text().splitlines() if line.startswith("ExecStart="))
        starts[unit.name] = shlex.split(
            line.removeprefix("ExecStart=").replace("/srv/pilot06/app/", "")
        )
    return starts


def test_every_service_runs_a_command_that_exists() -> None:
    starts = exec_starts()
    commands = get_commands()

    assert set(starts) == {
        "pilot06-web.service",
        "pilot06-worker.service",
        "pilot06-backup.service",
        "pilot06-reminders.service",
        "pilot06-snapshots.service",
        "pilot06-periodic-reports.service",
    }
    web = starts["pilot06-web.service"]
    assert web[0] == ".venv/bin/gunicorn" and (ROOT / web[web.index("--config") + 1]).is_file()
    assert web[-1] == "project.wsgi"
    assert starts["pilot06-worker.service"][1:] == ["manage.py", "db_worker"]
    assert starts["pilot06-reminders.service"][1:] == ["manage.py", "send_reminders"]
    assert starts["pilot06-snapshots.service"][1:] == ["manage.py", "snapshot_progress"]
    assert starts["pilot06-periodic-reports.service"][1:] == [
        "manage.py",
        "prepare_periodic_reports",
    ]
    assert "manage.py backup /var/backups/pilot06/" in starts["pilot06-backup.service"][-1]
    for name in (
        "db_worker",
        "send_reminders",
        "backup",
        "snapshot_progress",
        "prepare_periodic_reports",
    ):
        assert name in commands
    for timer in (
        "pilot06-backup.timer",
        "pilot06-reminders.timer",
        "pilot06-snapshots.timer",
        "pilot06-periodic-reports.timer",
    ):
        assert "OnCalendar=*-*-* " in (DEPLOY / "systemd" / timer).read_text()


@pytest.mark.parametrize(("environ", "workers"), [({}, None), ({"WEB_CONCURRENCY": "3"}, 3)])
def test_gunicorn_takes_its_workers_from_the_cpus_unless_told(
    monkeypatch: pytest.MonkeyPatch, environ: dict[str, str], workers: int | None
) -> None:
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr("multiprocessing.cpu_count", lambda: 4)

    config: dict[str, Any] = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))

    assert config["workers"] == (workers or 9)


def test_gunicorn_tells_the_workers_the_count_it_settled_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--workers on a command line wins over the file; the start-up check must see the final count."""
    monkeypatch.setenv("WEB_CONCURRENCY", "1")
    config: dict[str, Any] = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    server = type("Server", (), {"cfg": type("Cfg", (), {"workers": 4})()})()

    config["on_starting"](server)

    assert os.environ["WEB_CONCURRENCY"] == "4"


def test_the_production_guide_installs_what_system_deps_installs() -> None:
    listed = subprocess.run(
        ["bash", str(ROOT / "scripts" / "system-deps.sh"), "--production", "--print"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    guide = (ROOT / "docs" / "production.md").read_text()

    assert "nginx" in listed.split() and "chromium" not in listed.split()
    assert listed in guide
