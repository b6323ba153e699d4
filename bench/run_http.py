"""Figure ``http_transition``: approve_funding through the REST API on gunicorn.

The same action as ``transition``, but as a client sees it: token login,
then ``POST /api/v1/pilot-models/{id}/actions/approve_funding/`` from a few
concurrent clients against gunicorn on 127.0.0.1, with DEBUG off.  Each
client approves its own models, so they never conflict on a model; they do
queue on the audit chain head, as real decisions would.  Latency is per
request, from send to the full response.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from bench import harness

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TOKEN_PATH = "/api/v1/auth/token/"
ACTION_PATH = "/api/v1/pilot-models/{id}/actions/approve_funding/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def request(
    port: int, method: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, bytes]:
    """One request on a fresh connection (gunicorn's sync workers close after each)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    try:
        conn.request(
            method, path, body=json.dumps(body) if body is not None else None, headers=headers
        )
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def api_missing() -> str | None:
    """Why the API cannot be measured yet, or None when its URLs are there."""
    from django.urls import Resolver404, resolve

    if harness.URLCONF_ERROR:
        return harness.URLCONF_ERROR
    try:
        match = resolve(TOKEN_PATH)
        action = resolve(ACTION_PATH.format(id=1))
    except Resolver404:
        return "the REST API (workflows/api/) is not routed yet"
    if match.url_name != "token" or not action.url_name or "approve_funding" not in action.url_name:
        return f"no token or approve_funding route yet ({match.url_name!r}, {action.url_name!r})"
    return None


class Server:
    """gunicorn serving the project on a free loopback port, with this child's settings."""

    def __init__(self, workers: int) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "project.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
                "--timeout",
                "120",
            ],
            cwd=PROJECT_ROOT,
            env=dict(os.environ),
            stdout=subprocess.DEVNULL,
        )

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        deadline = harness.clock() + timeout_s
        while harness.clock() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                threading.Event().wait(0.2)
        raise RuntimeError("gunicorn did not start listening")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def client(
    port: int,
    username: str,
    password: str,
    model_ids: list[int],
    body: dict[str, Any],
    latencies: list[float],
    failures: list[str],
) -> None:
    status, raw = request(port, "POST", TOKEN_PATH, {"username": username, "password": password})
    if status != 200:
        failures.append(f"login {status}: {raw[:200]!r}")
        return
    token = json.loads(raw)["token"]
    for model_id in model_ids:
        start = harness.clock()
        status, raw = request(port, "POST", ACTION_PATH.format(id=model_id), body, token)
        elapsed = harness.clock() - start
        if status == 200:
            latencies.append(elapsed)
        else:
            failures.append(f"{status}: {raw[:200]!r}")


def measure(clients: int, per_client: int, workers: int) -> dict[str, Any]:
    missing = api_missing()
    if missing:
        return {"figure": None, "reason": missing}
    from django.db import connection

    from bench.people import ensure_people, password_of
    from bench.run_transition import funding_requested_models
    from tests.factories import approval_data

    people = ensure_people()
    warm = workers * 2
    total = clients * per_client + warm
    harness.note(
        f"http_transition/{harness.vendor()}: preparing {total} models through the services"
    )
    ids = [pm.pk for pm in funding_requested_models(people, total, first_number=7000)]
    connection.close()  # the server's workers open their own

    finance = people["finance"].username
    body = approval_data()
    server = Server(workers)
    try:
        server.wait_ready()
        warm_latencies: list[float] = []
        failures: list[str] = []
        client(
            server.port, finance, password_of(finance), ids[:warm], body, warm_latencies, failures
        )
        latencies: list[float] = []
        threads = [
            threading.Thread(
                target=client,
                args=(
                    server.port,
                    finance,
                    password_of(finance),
                    ids[warm + k * per_client : warm + (k + 1) * per_client],
                    body,
                    latencies,
                    failures,
                ),
            )
            for k in range(clients)
        ]
        start = harness.clock()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = harness.clock() - start
    finally:
        server.stop()
    if failures or not latencies:
        return {"figure": None, "reason": f"{len(failures)} requests failed, e.g. {failures[:2]}"}

    ms = [1000 * s for s in latencies]
    return {
        "figure": {
            "p50_ms": round(harness.percentile(ms, 50), 1),
            "p95_ms": round(harness.percentile(ms, 95), 1),
            "p99_ms": round(harness.percentile(ms, 99), 1),
        },
        "extra": {
            "requests": len(ms),
            "clients": clients,
            "workers": workers,
            "throughput_per_s": round(len(ms) / wall, 1),
            "database": harness.vendor(),
        },
    }


def main() -> None:
    args = harness.arguments(
        "approve_funding over HTTP on gunicorn", clients=4, per_client=40, workers=2
    )
    # E-mails are queued in the database, in the action's transaction, as deployed (gunicorn inherits it).
    os.environ["PILOT06_BENCH_TASKS"] = "database"
    harness.boot(args.db)
    harness.emit(measure(args.clients, args.per_client, args.workers))


if __name__ == "__main__":
    main()
