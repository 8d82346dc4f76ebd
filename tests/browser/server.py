"""A real GovWiki for the browser tests: gunicorn on a free port of 127.0.0.1, serving a throwaway
instance folder with a SQLite database, the demo loaded, and mail written as .eml files into the
folder's outbox. People and consultations the journeys need are made through the CLI and the
JSON API, as an operator or a script would make them."""

from __future__ import annotations

import email
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from email import policy as email_policy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PASSWORD = "browser-password"
#: rate limits the journeys (several people in one minute, from one address) would run into
LIMITS = ("WRITES", "EDITS", "PROPOSALS", "COMMENTS", "SUPPORTS", "FLAGS", "SIGN_IN", "REGISTRATION")


@dataclass
class Server:
    """The running server: its base URL and its instance folder."""

    folder: Path
    url: str = ""
    env: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)

    @property
    def instance(self) -> Path:
        return self.folder / "instance"

    def flask(self, *command: str) -> str:
        """Run `flask --app app ...` on the server's instance; its output."""
        result = subprocess.run(
            [str(BIN / "flask"), "--app", "app", *command],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, f"flask {' '.join(command)}:\n{result.stdout}{result.stderr}"
        return result.stdout

    def create_user(self, name: str, role: str = "resident", display_name: str = "") -> str:
        self.flask(
            "govwiki",
            "create-user",
            name,
            "--email",
            f"{name}@example.org",
            "--password",
            PASSWORD,
            "--role",
            role,
            "--display-name",
            display_name or name.replace("-", " ").title(),
        )
        return name

    def api(self, user: str, method: str, path: str, body: dict | None = None) -> dict:
        """A JSON API call as `user` (a token is made for them once)."""
        if user not in self.tokens:
            self.tokens[user] = self.flask("govwiki", "create-token", user).strip().splitlines()[-1]
        request = urllib.request.Request(
            f"{self.url}/api/v1{path}",
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {self.tokens[user]}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: {error.code} {error.read()[:500]!r}") from None

    def consultation(
        self, official: str, slug: str, title: str, policy: str, pages: dict[str, str]
    ) -> list[str]:
        """An open consultation with these pages (title → Markdown), made through the API; the
        pages' slugs, in order."""
        self.api(official, "POST", "/consultations", {"title": title, "slug": slug, "edit_policy": policy})
        made = [
            self.api(official, "POST", f"/consultations/{slug}/pages", {"title": page_title, "body": body})[
                "slug"
            ]
            for page_title, body in pages.items()
        ]
        self.api(official, "PATCH", f"/consultations/{slug}", {"status": "open"})
        return made

    def first_page(self, user: str, slug: str) -> str:
        """The slug of the consultation's first page, as `user` reads it through the API."""
        return self.api(user, "GET", f"/consultations/{slug}")["pages"][0]["slug"]

    def mail_links(self, to: str) -> list[str]:
        """Send the outbox (`send-mail --once`) and return the links in the mail to `to`."""
        self.flask("govwiki", "send-mail", "--once")
        links = []
        for path in sorted((self.instance / "outbox").glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email_policy.default)
            if to in str(message["To"]):
                text = message.get_body(("plain",)).get_content()
                links += re.findall(r"https?://\S+", text)
        return links


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(folder: Path) -> tuple[Server, subprocess.Popen]:
    """Build the database, load the demo and start gunicorn; wait until it answers."""
    port = _free_port()
    server = Server(folder=folder, url=f"http://127.0.0.1:{port}")
    server.env = {
        **os.environ,
        "GOVWIKI_INSTANCE_PATH": str(server.instance),
        "GOVWIKI_SECRET_KEY": "browser-tests",
        **{f"GOVWIKI_RATELIMIT_{kind}": "100000/minute" for kind in LIMITS},
        "GOVWIKI_BIND": f"127.0.0.1:{port}",
        "GOVWIKI_WORKERS": "2",
        "GOVWIKI_THREADS": "4",
        "GOVWIKI_ACCESS_LOG": str(folder / "access.log"),
        "GOVWIKI_PUBLIC_MAX_AGE": "0",  # a page read again after a change shows the change
        "XDG_RUNTIME_DIR": str(folder),
    }
    server.env.pop("GOVWIKI_MAIL_URL", None)  # mail goes to the instance's outbox folder
    server.env.pop("GOVWIKI_DATABASE_URL", None)  # SQLite in the instance folder
    server.flask("db", "upgrade")
    server.flask("govwiki", "demo")
    with (folder / "server.log").open("w") as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", "app:app"],
            cwd=ROOT,
            env=server.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{server.url}/", timeout=5).close()
            return server, process
        except OSError:
            assert process.poll() is None, (folder / "server.log").read_text()
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the server did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
