"""Settings for the benchmark processes: the project's, plus what a run needs.

* ``bench`` is an installed app so viewflow can resolve the peer flow that
  ``bench.peer`` defines (flows are stored as ``app/module.Class`` strings).
* E-mails go to memory: the console backend would interleave mail with the
  JSON line each child prints, and no figure is about a mail server.
* Background tasks run immediately, so a report that would answer 202 and
  render in the worker is still rendered, and timed, inside the request;
  a figure about an action sets ``PILOT06_BENCH_TASKS=database`` to queue
  its e-mails in the database as production does (``bench.run_transition``).
* Static files are served by name: the runs keep DEBUG off like a
  deployment, but have no ``collectstatic`` manifest to look names up in.
"""

from __future__ import annotations

import os

from project.settings import *  # noqa: F403
from project.settings import INSTALLED_APPS, STORAGES

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks_db.backend.DatabaseBackend"
            if os.environ.get("PILOT06_BENCH_TASKS") == "database"
            else "django_tasks.backends.immediate.ImmediateBackend"
        )
    }
}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
