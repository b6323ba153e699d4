"""gunicorn settings for pilot06; pilot06-web.service passes this file and the socket to bind.

The worker count comes from the CPUs unless ``WEB_CONCURRENCY`` says otherwise,
and the count gunicorn settled on is written back to ``WEB_CONCURRENCY``
before the workers start, so pilot06's start-up check (project/safety.py)
can refuse SQLite under more than one worker.
"""

from __future__ import annotations

import multiprocessing
import os
from typing import Any

# Sync workers, as gunicorn recommends for a CPU-bound Django app behind nginx, which
# buffers slow clients.  2 × CPUs + 1 is gunicorn's rule of thumb.
workers = int(os.environ.get("WEB_CONCURRENCY") or 0) or 2 * multiprocessing.cpu_count() + 1

# A report download may lay out a PDF for up to PILOT06_PDF_TIMEOUT_SECONDS (300 s):
# a worker is killed only after this long.  nginx gives report URLs 330 s and every other
# URL 60 s, so only reports ever wait this long.
timeout = 330
graceful_timeout = 30
# Recycle a worker now and then: WeasyPrint and the ORM keep memory they once needed.
max_requests = 1000
max_requests_jitter = 100

# The socket nginx connects to comes from the command line (--bind unix:...); gunicorn
# believes X-Forwarded-Proto only from a local socket or 127.0.0.1, i.e. from nginx.
forwarded_allow_ips = "127.0.0.1,::1"

# Access and error lines go to the journal.
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-forwarded-for}i)s"'

# No runtime control socket (gunicorn 25.1+): nothing uses it, and its default path is
# shared by every gunicorn the same user runs.
control_socket_disable = True


def on_starting(server: Any) -> None:
    """Publish the final worker count (config file, environment or --workers) to the workers."""
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
