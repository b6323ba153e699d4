"""seed_demo: the demo province, replayed through the services, tells the report's story.

Seeding takes a few seconds, so one test seeds once and checks everything a
demo visitor relies on; the refusals that need no data are tested apart.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from approvals import audit, clock
from approvals.models import AgencyHead, Official
from workflows.flow_sync import assert_in_step
from workflows.models import Blocker, EvidenceFile, PilotModel
from workflows.states import BlockerReason, Bucket, State, bucket_of

# DOMAIN.md, "Models named in the Nghệ An report".
REAL_TITLES = {
    6: "Khám chữa bệnh sử dụng thẻ căn cước công dân và VNeID",
    21: "Nền tảng tích hợp, chia sẻ dữ liệu tỉnh (LGSP)",
    22: "Truyền thông nội bộ cho toàn bộ cán bộ, công chức, viên chức cơ quan nhà nước",
    25: "Triển khai tố giác tội phạm qua ứng dụng VNeID",
    37: "Triển khai cuộc thi sáng kiến phát triển ứng dụng khai thác dữ liệu phục vụ xây dựng Chính phủ số, "
    "xã hội số và nền kinh tế số",
    38: "Trung tâm Giám sát an ninh mạng SOC tỉnh",
}

DEMO_USERNAMES = [
    "police",
    "police2",
    "finance",
    "finance2",
    "leader",
    "inspector",
    "admin",
    "officer_syt",
    "officer_sgddt",
    "officer_bhxh",
    "officer_snnmt",
    "officer_sxd",
    "officer_svhttdl",
    "officer_cat",
    "officer_skhcn",
    "officer_finance_syt",
]

OPEN = [State.REGISTERED, State.FUNDING_REQUESTED, State.FINANCED, State.DEPLOYING]


def _seed(**options: Any) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_replays_five_months_of_the_province(settings: Any) -> None:
    output = _seed(password="x", force=True)

    models = list(PilotModel.objects.select_related("process", "lead_agency"))
    buckets = {bucket: 0 for bucket in Bucket.values}
    for pm in models:
        bucket = bucket_of(pm.state)
        assert bucket is not None, f"model {pm.number} is cancelled"
        buckets[bucket] += 1
    assert buckets == {"completed": 6, "in_progress": 20, "not_started": 12}
    assert sorted(pm.number for pm in models) == list(range(1, 39))

    by_number = {pm.number: pm for pm in models}
    for number, title in REAL_TITLES.items():
        pm = by_number[number]
        assert (pm.title, pm.state, pm.is_sample) == (title, State.COMPLETED, False)
    ioc = [pm for pm in models if "IOC" in pm.title]
    assert len(ioc) == 1 and ioc[0].state == State.DEPLOYING and not ioc[0].is_sample
    samples = [pm for pm in models if pm.number not in REAL_TITLES and pm is not ioc[0]]
    assert len(samples) == 31 and all(pm.is_sample for pm in samples)

    # The history ends now: some models are late, some untouched for a month.
    today, now = clock.today(), clock.now()
    assert any(pm.deadline < today and pm.state in OPEN for pm in models)
    assert any(
        pm.last_action_at < now - dt.timedelta(days=30) and pm.state in OPEN for pm in models
    )
    assert all(pm.last_action_at < now for pm in models)
    assert any(pm.original_deadline for pm in models), "a deadline was extended"

    # The reasons the report gives for models not started.
    open_reasons = set(
        Blocker.objects.filter(cleared_at__isnull=True).values_list("reason", flat=True)
    )
    assert {BlockerReason.NO_FUNDING, BlockerReason.WRONG_LEAD_AGENCY} <= open_reasons
    assert any(
        pm.needs_population_db_connection and not pm.db_permission_number and pm.state in OPEN
        for pm in models
    )
    # Every completion rests on evidence.
    assert EvidenceFile.objects.filter(report__pilot_model__state=State.COMPLETED).count() >= 6

    # The trail is real and every process waits at the right task.
    assert audit.verify().ok
    for pm in models:
        assert_in_step(pm)

    # People: one agency each, a name, a mail address, the given password.
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    assert sorted(users) == sorted(DEMO_USERNAMES)
    for user in users.values():
        assert Official.objects.filter(user=user).exists()
        assert user.get_full_name() and user.email.endswith("@example.vn")
    assert users["leader"].check_password("x")
    assert users["admin"].is_superuser and users["admin"].is_staff
    assert set(users["officer_finance_syt"].groups.values_list("name", flat=True)) == {
        "officer",
        "finance",
    }
    assert AgencyHead.objects.filter(until__isnull=False).exists(), "one agency changed heads"

    for username in DEMO_USERNAMES:
        assert username in output
    assert "Demo password: x" in output.splitlines()

    # A second run refuses; --if-empty skips, still telling how to log in.
    with pytest.raises(CommandError, match="--reset"):
        _seed(password="x", force=True)
    skipped = _seed(password="x", force=True, if_empty=True)
    assert "Demo password: x" in skipped.splitlines()
    assert PilotModel.objects.count() == 38


def test_seed_demo_reset_rebuilds_a_sqlite_file_the_trail_forbids_emptying(tmp_path: Path) -> None:
    """--reset replaces the file: rows the triggers protect are gone, and so is old evidence."""
    db = tmp_path / "old.sqlite3"
    with sqlite3.connect(db) as old:
        old.execute("CREATE TABLE approvals_auditentry (seq INTEGER)")
        old.execute("INSERT INTO approvals_auditentry VALUES (1)")
        old.execute(
            "CREATE TRIGGER no_delete BEFORE DELETE ON approvals_auditentry BEGIN SELECT RAISE(ABORT, 'no'); END"
        )
    evidence = tmp_path / "private" / "evidence"
    evidence.mkdir(parents=True)
    (evidence / ("0" * 32 + ".pdf")).write_bytes(b"%PDF-1.4 old")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{db}",
        "PILOT06_PRIVATE_STORAGE": str(tmp_path / "private"),
        "DJANGO_DEBUG": "true",
    }
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--password", "x", "--reset"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Demo password: x" in result.stdout.splitlines()
    with sqlite3.connect(db) as new:
        assert new.execute("SELECT count(*) FROM workflows_pilotmodel").fetchone() == (38,)
        assert new.execute("SELECT min(seq) FROM approvals_auditentry").fetchone() == (1,)
    assert not (evidence / ("0" * 32 + ".pdf")).exists()
    assert len(list(evidence.iterdir())) >= 6


def test_seed_demo_refuses_with_debug_off(settings: Any) -> None:
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        _seed(password="x")
