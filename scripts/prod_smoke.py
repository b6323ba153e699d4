"""The HTTP half of ``make prod-smoke``: what a browser and an API client see through nginx.

``scripts/prod-smoke.sh`` starts PostgreSQL, gunicorn, the worker and nginx
from the files in ``deploy/``, then runs this script against nginx over
HTTPS.  Only the standard library is used, and every client connects to
127.0.0.1; a client that needs another address (the lockout check) binds
127.0.0.2 or 127.0.0.3, which still reach nginx on 127.0.0.1.

    python scripts/prod_smoke.py checks|act|login --port N --http-port N --cafile PEM
                                 --password PW --web-log FILE --worker-log FILE

Each check prints one ``ok`` line; the first failure prints ``FAIL`` and exits 1.
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import socket
import ssl
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

HOST = "localhost"
OVER_THE_CAP = 101 * 1024 * 1024  # nginx allows 100m (deploy/nginx/pilot06.conf)


class CheckFailed(Exception):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise CheckFailed(message)


def ok(name: str, detail: str) -> None:
    print(f"ok    {name:<14} {detail}", flush=True)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name, "") or ""

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Client:
    """One browser or API client: its cookies, its token and the address it connects from."""

    port: int
    context: ssl.SSLContext
    source: str = "127.0.0.1"
    cookies: dict[str, str] = field(default_factory=dict)
    token: str = ""

    @property
    def origin(self) -> str:
        return f"https://{HOST}:{self.port}"

    def connect(self) -> http.client.HTTPSConnection:
        return http.client.HTTPSConnection(
            HOST, self.port, context=self.context, timeout=120, source_address=(self.source, 0)
        )

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept-Language": "vi"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        headers.update(extra or {})
        return headers

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        connection = self.connect()
        try:
            connection.request(method, path, body=body, headers=self.headers(headers))
            response = connection.getresponse()
            answer = Answer(response.status, response.headers, response.read())
        finally:
            connection.close()
        for cookie in answer.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return answer

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post_json(self, path: str, data: dict[str, Any]) -> Answer:
        return self.request(
            "POST", path, json.dumps(data).encode(), {"Content-Type": "application/json"}
        )

    def login(self, username: str, password: str, xff: str = "") -> Answer:
        """The login page, as a browser fills it in (CSRF cookie, hidden token, Origin)."""
        page = self.get("/accounts/login/")
        expect(page.status == 200, f"login page answered {page.status}")
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
        expect(match is not None, "the login page has no CSRF token")
        assert match is not None
        form = urlencode(
            {
                "csrfmiddlewaretoken": match.group(1).decode(),
                "username": username,
                "password": password,
            }
        ).encode()
        extra = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": f"{self.origin}/accounts/login/",
        }
        if xff:
            extra["X-Forwarded-For"] = xff
        return self.request("POST", "/accounts/login/", form, extra)


@dataclass
class Smoke:
    port: int
    http_port: int
    cafile: str
    password: str
    web_log: Path
    worker_log: Path

    @property
    def context(self) -> ssl.SSLContext:
        """Trusts the smoke's self-signed certificate and nothing else."""
        return ssl.create_default_context(cafile=self.cafile)

    def client(self, source: str = "127.0.0.1") -> Client:
        return Client(self.port, self.context, source)

    def api(self, username: str) -> Client:
        client = self.client()
        answer = client.post_json(
            "/api/v1/auth/token/", {"username": username, "password": self.password}
        )
        expect(answer.status == 200, f"token for {username}: {answer.status} {answer.body[:200]!r}")
        client.token = answer.json()["token"]
        return client

    # ------------------------------------------------------------------ the checks

    def tls_and_http2(self) -> None:
        context = self.context
        context.set_alpn_protocols(["h2", "http/1.1"])
        with (
            socket.create_connection(("127.0.0.1", self.port), timeout=10) as raw,
            context.wrap_socket(raw, server_hostname=HOST) as tls,
        ):
            protocol, version = tls.selected_alpn_protocol(), tls.version()
        expect(protocol == "h2", f"ALPN chose {protocol!r}, not h2")
        ok("tls", f"{version}, ALPN h2 (HTTP/2), certificate verified for {HOST}")

    def no_redirect_loop(self) -> None:
        client = self.client()
        path, hops = "/", []
        for _ in range(5):
            answer = client.get(path)
            hops.append(f"{answer.status} {path}")
            if answer.status not in (301, 302):
                break
            target = urlsplit(answer.header("Location"))
            expect(
                target.scheme in ("", "https"),
                f"{path} redirected to {answer.header('Location')}",
            )
            path = target.path + (f"?{target.query}" if target.query else "")
        expect(answer.status == 200, "redirects did not end in a page: " + " → ".join(hops))
        expect(len(hops) <= 2, "too many redirects: " + " → ".join(hops))
        hsts = answer.header("Strict-Transport-Security")
        expect(hsts.startswith("max-age="), "no HSTS: Django did not see the request as HTTPS")
        plain = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=10)
        plain.request("GET", "/accounts/login/", headers={"Host": HOST})
        response = plain.getresponse()
        location = response.getheader("Location", "")
        plain.close()
        expect(
            response.status == 301 and location.startswith("https://"),
            f"plain HTTP: {response.status} {location}",
        )
        ok(
            "no-loop",
            " → ".join(hops)
            + f"; Django saw HTTPS (HSTS {hsts.split(';')[0]}); port 80 → {location}",
        )

    def login(self) -> Client:
        client = self.client()
        answer = client.login("police", self.password)
        expect(answer.status == 302, f"login answered {answer.status}")
        home = client.get(answer.header("Location") or "/")
        expect(home.status == 200 and b"police" in home.body, f"after login: {home.status}")
        ok(
            "login",
            f"police signed in through the login page (302 → {answer.header('Location')}, home 200)",
        )
        return client

    def act(self) -> str:
        """One decision through the API by whoever may take one now; returns a line saying which."""
        for username, wanted in (
            ("police", ("approve_registration", "verify_completion")),
            ("leader", ("sign_off",)),
        ):
            client = self.api(username)
            page = client.get("/api/v1/pilot-models/?page_size=100")
            expect(page.status == 200, f"list as {username}: {page.status}")
            for row in page.json()["results"]:
                offered = [
                    a["name"]
                    for a in client.get(f"/api/v1/pilot-models/{row['id']}/actions/").json()[
                        "actions"
                    ]
                ]
                action = next((name for name in wanted if name in offered), None)
                if action is None:
                    continue
                version = client.get(f"/api/v1/pilot-models/{row['id']}/").json()["version"]
                answer = client.post_json(
                    f"/api/v1/pilot-models/{row['id']}/actions/{action}/",
                    {"comment": "Kiểm tra vận hành (prod-smoke)", "version": version},
                )
                expect(
                    answer.status == 200,
                    f"{action} on {row['id']}: {answer.status} {answer.body[:300]!r}",
                )
                expect(answer.json()["version"] == version + 1, "the version did not move")
                return f"{username} {action} on model {row['id']}: 200, version {version} → {version + 1}"
        raise CheckFailed("no model offers police or leader a decision")

    def report(self, client: Client) -> None:
        """A report larger than PILOT06_REPORT_SYNC_MAX_ROWS: 202 from the web, the file from the worker."""
        for path, magic in (("/reports/progress.xlsx", b"PK"), ("/reports/progress.pdf", b"%PDF")):
            started, statuses = time.monotonic(), []
            while True:
                answer = client.get(path)
                statuses.append(answer.status)
                if answer.status != 202 or time.monotonic() - started > 180:
                    break
                time.sleep(1)
            expect(answer.status == 200, f"{path}: {statuses[-5:]}")
            expect(answer.body.startswith(magic), f"{path} is not a {magic!r} file")
            for log in (self.web_log, self.worker_log):
                expect(
                    "Failed to load" not in log.read_text(),
                    f"{log.name}: WeasyPrint could not load a file",
                )
            seen = "202 (worker) then 200" if 202 in statuses else "200"
            ok(
                "report",
                f"{path}: {seen}, {len(answer.body):,} bytes, {answer.header('Content-Type')}",
            )

    def static(self, client: Client) -> None:
        page = client.get("/accounts/login/")
        match = re.search(rb'href="(/static/[^"]+\.css)"', page.body)
        expect(match is not None, "the login page links no stylesheet")
        assert match is not None
        path = match.group(1).decode()
        expect(re.search(r"\.[0-9a-f]{12}\.css$", path) is not None, f"{path} is not a hashed name")
        answer = client.get(path, {"Accept-Encoding": "gzip"})
        cache = answer.header("Cache-Control")
        expect(answer.status == 200, f"{path}: {answer.status}")
        expect(
            "max-age=31536000" in cache and "immutable" in cache, f"{path}: Cache-Control {cache!r}"
        )
        expect(
            path not in self.web_log.read_text(), f"{path} reached gunicorn: nginx should serve it"
        )
        encoding = answer.header("Content-Encoding") or "identity"
        ok("static", f"{path}: 200 from nginx (not in gunicorn's log), {cache}, {encoding}")

    def upload_over_cap(self) -> None:
        client = self.api("officer_syt")
        boundary = uuid.uuid4().hex
        connection = client.connect()
        path = "/api/v1/pilot-models/1/actions/submit_completion/"
        connection.putrequest("POST", path)
        for name, value in client.headers(
            {
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Content-Length": str(OVER_THE_CAP),
                "Expect": "100-continue",
            }
        ).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        connection.close()
        expect(
            response.status == 413,
            f"an upload of {OVER_THE_CAP:,} bytes answered {response.status}",
        )
        expect(b"nginx" in body, "the 413 did not come from nginx")
        expect(path not in self.web_log.read_text(), "the oversized upload reached gunicorn")
        ok(
            "upload-cap",
            f"{OVER_THE_CAP // 2**20} MiB multipart: 413 from nginx before gunicorn saw it",
        )

    def lockout_by_forwarded_address(self) -> None:
        """Five failures from 127.0.0.2 lock that address only, whatever X-Forwarded-For the client typed."""
        spoof = "203.0.113.9"
        statuses = [
            self.client("127.0.0.2").login("inspector", f"wrong-{n}", xff=spoof).status
            for n in range(5)
        ]
        expect(
            statuses == [200, 200, 200, 200, 429],
            f"five failures from 127.0.0.2 answered {statuses}",
        )
        locked = self.client("127.0.0.2").login("inspector", self.password, xff=spoof)
        expect(
            locked.status == 429,
            f"the right password from 127.0.0.2 answered {locked.status}, not 429",
        )
        other = self.client("127.0.0.3").login("inspector", self.password, xff=spoof)
        expect(other.status == 302, f"127.0.0.3 with the same typed header answered {other.status}")
        ok(
            "lockout",
            f"5 failures from 127.0.0.2 typing X-Forwarded-For: {spoof} lock 127.0.0.2 (429, even with "
            "the right password); 127.0.0.3 typing the same signs in (302): nginx's entry decides",
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["checks", "act", "login"])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--cafile", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--web-log", type=Path, required=True)
    parser.add_argument("--worker-log", type=Path, required=True)
    args = parser.parse_args(argv)
    smoke = Smoke(
        args.port, args.http_port, args.cafile, args.password, args.web_log, args.worker_log
    )
    try:
        if args.what == "login":
            smoke.login()
        elif args.what == "act":
            ok("api", smoke.act())
        else:
            smoke.tls_and_http2()
            smoke.no_redirect_loop()
            browser = smoke.login()
            ok("api", smoke.act())
            smoke.report(browser)
            smoke.static(browser)
            smoke.upload_over_cap()
            smoke.lockout_by_forwarded_address()
    except (CheckFailed, OSError, KeyError, ValueError) as error:
        print(f"FAIL  {type(error).__name__}: {error}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
