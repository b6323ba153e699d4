"""One model from registration to sign-off, only through the API, as an integrator would.

Each person logs in with a username and password; every step reads the
offered actions first and sends back the version it read.  Set
``PILOT06_API_TRANSCRIPT`` to a file name to keep a curl-style transcript.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from rest_framework.test import APIClient

from approvals import clock
from tests.factories import evidence_pdf, registration_data

SHOWN = ("id", "state", "version", "open_step", "last_step", "funding", "progress_percent")


class Session:
    """A client per person, and a transcript of every exchange."""

    def __init__(self) -> None:
        self.clients: dict[str, APIClient] = {}
        self.lines: list[str] = []

    def login(self, username: str) -> None:
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        response = self.call(
            client,
            "POST",
            "/api/v1/auth/token/",
            {"username": username, "password": "pw-" + username},
        )
        assert response.status_code == 200
        client.credentials(
            HTTP_AUTHORIZATION=f"Token {response.json()['token']}", HTTP_ACCEPT_LANGUAGE="en"
        )
        self.clients[username] = client

    def __call__(
        self, who: str, method: str, path: str, body: dict[str, Any] | None = None, **kw: Any
    ) -> Any:
        return self.call(self.clients[who], method, path, body, who=who, **kw)

    def call(
        self,
        client: APIClient,
        method: str,
        path: str,
        body: dict[str, Any] | None = None,
        *,
        who: str = "",
        files: list[Any] | None = None,
    ) -> Any:
        auth = f" -H 'Authorization: Token <{who}>'" if who else ""
        if files is not None:
            payload: dict[str, Any] = {"data": json.dumps(body, ensure_ascii=False), "files": files}
            response = client.post(path, payload, format="multipart")
            parts = f" -F 'data={json.dumps(body, ensure_ascii=False)}'" + "".join(
                f" -F files=@{f.name}" for f in files
            )
            self.lines.append(f"$ curl -X POST{auth}{parts} {path}")
        elif method == "GET":
            response = client.get(path)
            self.lines.append(f"$ curl{auth} {path}")
        else:
            response = client.post(path, body or {}, format="json")
            shown = dict(body or {})
            if "password" in shown:
                shown["password"] = "…"
            self.lines.append(
                f"$ curl -X POST{auth} -d '{json.dumps(shown, ensure_ascii=False)}' {path}"
            )
        self.lines.append(f"< {response.status_code} {self._summary(response)}")
        return response

    @staticmethod
    def _summary(response: Any) -> str:
        if not response.content:
            return ""
        body = response.json()
        if isinstance(body, dict) and "token" in body:
            body = {**body, "token": "<token>"}
        elif isinstance(body, dict) and "results" in body:
            body = {"count": body["count"], "actions": [e.get("action") for e in body["results"]]}
        elif isinstance(body, dict) and "state" in body:
            body = {key: body[key] for key in SHOWN}
            for key in ("open_step", "last_step"):
                if body[key]:
                    body[key] = {k: body[key][k] for k in ("kind", "outcome")}
        return json.dumps(body, ensure_ascii=False)


def test_a_model_goes_from_registration_to_sign_off_through_the_api_alone(
    people: dict[str, User],
) -> None:
    s = Session()
    for username in ("officer_syt", "police", "police2", "finance", "leader"):
        s.login(username)
    today = clock.today().isoformat()

    created = s("officer_syt", "POST", "/api/v1/pilot-models/", registration_data(6))
    assert created.status_code == 201
    pk = created.json()["id"]
    model = f"/api/v1/pilot-models/{pk}"

    def act(who: str, action: str, body: dict[str, Any], **kw: Any) -> dict[str, Any]:
        offered = [a["name"] for a in s(who, "GET", f"{model}/actions/").json()["actions"]]
        assert action in offered, (who, action, offered)
        version = s(who, "GET", f"{model}/").json()["version"]
        response = s(who, "POST", f"{model}/actions/{action}/", {**body, "version": version}, **kw)
        assert response.status_code == 200, response.json()
        result: dict[str, Any] = response.json()
        assert result["version"] == version + 1
        return result

    act("police", "approve_registration", {"comment": "Đồng ý"})
    act(
        "officer_syt",
        "request_funding",
        {
            "amount": 1_250_000_000,
            "funding_source": "provincial_recurrent",
            "spending_kind": "recurrent",
            "budget_year": clock.today().year,
            "lines": [{"item": "Thiết bị đọc CCCD", "amount": 1_250_000_000}],
            "justification": "Theo Kế hoạch triển khai Đề án 06",
        },
    )
    financed = act(
        "finance",
        "approve_funding",
        {
            "approved_amount": 1_000_000_000,
            "decision_number": "1234/QĐ-UBND",
            "decision_date": today,
        },
    )
    assert (financed["state"], financed["funding"]) == (
        "financed",
        {"requested": 1_250_000_000, "approved": 1_000_000_000},
    )
    act("officer_syt", "start_deployment", {"start_date": today})
    act(
        "officer_syt",
        "report_progress",
        {"percent": 60, "deliverables": [{"name": "Bệnh viện áp dụng", "achieved": 6}]},
    )
    submitted = act(
        "officer_syt",
        "submit_completion",
        {
            "deliverables": [{"name": "Bệnh viện áp dụng", "achieved": 10}],
            "summary": "Đã hoàn thành",
        },
        files=[evidence_pdf("bien-ban-nghiem-thu.pdf")],
    )
    assert submitted["open_step"]["kind"] == "completion_verification"
    act("police2", "verify_completion", {"comment": "Đạt"})
    done = act("leader", "sign_off", {"comment": "Đồng ý"})
    assert (done["state"], done["bucket"], done["open_step"]) == ("completed", "completed", None)

    feed = s("police", "GET", f"{model}/audit/").json()
    assert [e["action"] for e in feed["results"]] == [
        "registration.submitted",
        "registration.approved",
        "funding.requested",
        "funding.approved",
        "deployment.started",
        "progress.reported",
        "completion.submitted",
        "completion.verified",
        "completion.signed_off",
    ]
    assert s("police", "GET", "/api/v1/audit/verify/").json()["ok"] is True
    assert s("leader", "GET", "/api/v1/dashboard/").json()["buckets"]["completed"] == 1
    assert s("leader", "POST", "/api/v1/auth/logout/").status_code == 204

    target = os.environ.get("PILOT06_API_TRANSCRIPT")
    if target:
        Path(target).write_text("\n".join(s.lines) + "\n", encoding="utf-8")
