"""Fixtures of the browser suite: Debian's Chromium, a demo server of its own, axe-core and vnu.

Two kinds of test live here. The older ones build their pages with factories and drive
pytest-django's `live_server` (`browser` fixture). The reader and editor flows drive a real
`dateline demo` server (`demo_site`): a subprocess started once per test session on a free port,
with its own data folder (SQLite) or, when the suite runs on PostgreSQL, its own database named
after the test database. The demo is loaded once and the test database is never touched, so
nothing here can disturb pytest-django's transactions or `serialized_rollback`; editor flows
write their own uniquely named stories through the admin, so no test depends on another's order.

Without Chromium, axe-core (tools/axe) or the Nu HTML Checker (tools/vnu) a test skips with the
reason, except in CI (`CI` set), where a missing tool is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from dateline.settings.env import PROJECT_ROOT

CHROMIUM = os.environ.get("DATELINE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_JS = PROJECT_ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
DEMO_EDITOR = ("editor", "dateline-demo")  # dateline.cli.DEMO_EDITOR
# Small pages, so a demo section has several and pagination can be followed.
DEMO_PER_PAGE = 4
REFERENCE_PATH = "/china-news/china-reaffirms-strategic-cooperation-with-russia-amid-global-shifts/"
# One of each page type a reader can reach; 404 is answered with the site's own page.
READER_PAGES = {
    "home": "/",
    "section": "/china-news/",
    "article": REFERENCE_PATH,
    "author": "/authors/mei-lin/",
    "tag": "/tags/diplomacy/",
    "search": "/search/?q=pipelines",
    "on-this-day-today": "/on-this-day/",
    "on-this-day-date": "/on-this-day/12-9/",
    "about-us": "/about-us/",
    "not-found": "/no-such-page/",
}
SERVER_START_TIMEOUT = 420  # seconds: migrate, load the demo, draw its pictures, first Related News


def missing(reason: str) -> None:
    """Skip the test for a missing tool, or fail it in CI, where every tool must be installed."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must install it: scripts/test.sh)")
    pytest.skip(reason)


def _launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


@pytest.fixture
def browser() -> Iterator[Any]:
    """A Chromium for one test (the live_server tests build their data before it starts)."""
    if not shutil.which(CHROMIUM):
        missing(f"Chromium not found at {CHROMIUM}; install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = _launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """A Chromium shared by one module's demo-server tests (they never use the test database).

    Module scope, not session: Playwright's synchronous API keeps an event loop in this thread,
    and Django refuses database calls while one exists, so it must be gone before other modules.
    """
    if not shutil.which(CHROMIUM):
        missing(f"Chromium not found at {CHROMIUM}; install Debian's chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = _launch(playwright)
        yield launched
        launched.close()


# The demo server ---------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _postgres_demo_database(
    test_url: str, purpose: str = "browser"
) -> tuple[str, Callable[[], None]]:
    """Create an empty database beside the suite's test database; return its URL and a dropper.

    Named after pytest-django's test database (itself named after the checkout) and `purpose`, so
    two checkouts testing on one server, or two uses in one suite, never share it.
    """
    import psycopg
    from django.conf import settings

    test_name = settings.DATABASES["default"].get("TEST", {}).get("NAME") or "test_dateline"
    name = f"{test_name}_{purpose}"[:63]
    parts = urlsplit(test_url)
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    def run(sql: str) -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


@dataclass
class DemoSite:
    """A running demo server: where it answers, and how to read its pages over plain HTTP."""

    url: str
    log: Path

    def get(self, path: str) -> tuple[int, str]:
        """Fetch `path` as a reader would (no cookies); return the status and the body."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=120) as response:  # noqa: S310
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8", "replace")

    def pending_tasks(self) -> int:
        """Return how many background tasks wait for the worker (from `/readyz`)."""
        _status, body = self.get("/readyz")
        return json.loads(body)["checks"]["tasks"]["pending"]

    def idle(self, timeout: float = 60) -> None:
        """Wait until the worker has run every queued task (Related News lists, purges)."""
        assert eventually(lambda: self.pending_tasks() == 0, timeout=timeout), "worker still busy"


def _wait_until_ready(site: DemoSite, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the demo server exited:\n{site.log.read_text()[-3000:]}")
        try:
            status, body = site.get(REFERENCE_PATH)
        except OSError:
            status, body = 0, ""
        # Ready once the worker has drawn the Related News lists and has nothing left to do.
        if status == 200 and 'id="related-news-heading"' in body and site.pending_tasks() == 0:
            return
        time.sleep(1)
    raise RuntimeError(f"the demo server was not ready in time:\n{site.log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    """Start `dateline demo` (server and task worker) once for the session, and stop it after.

    DATELINE_BROWSER_DEMO_URL names a demo already running instead (started with
    DATELINE_ARTICLES_PER_PAGE=4), to iterate on a test without waiting for a fresh load.
    """
    if existing := os.environ.get("DATELINE_BROWSER_DEMO_URL"):
        yield DemoSite(url=existing.rstrip("/"), log=Path(os.devnull))
        return
    if not shutil.which(CHROMIUM):
        missing(f"Chromium not found at {CHROMIUM}; install Debian's chromium to run browser tests")
    folder = tmp_path_factory.mktemp("demo-site")
    port = _free_port()
    environment = {
        name: value
        for name, value in os.environ.items()
        # The server is configured only by what follows: the suite's own test settings, database
        # and caches are not the demo's.
        if name
        not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "CACHE_URL", "SECRET_KEY"}
    }
    environment.update(
        DATELINE_DATA_DIR=str(folder / "data"),
        DATELINE_ARTICLES_PER_PAGE=str(DEMO_PER_PAGE),
        DATELINE_TASKS_POLL_INTERVAL="0.2",
        PYTHONUNBUFFERED="1",
    )
    drop: Callable[[], None] | None = None
    database = os.environ.get("DATABASE_URL", "")
    if database.startswith(("postgres://", "postgresql://")):
        environment["DATABASE_URL"], drop = _postgres_demo_database(database)
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "dateline.cli", "demo", "--port", str(port), "--workers", "1"],
            cwd=folder,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its worker below
        )
    site = DemoSite(url=f"http://127.0.0.1:{port}", log=log)
    try:
        _wait_until_ready(site, process)
        # Draw the renditions of the busiest pages once, as their first reader would.
        for path in ("/", "/china-news/", REFERENCE_PATH):
            site.get(path)
        yield site
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        if drop is not None:
            drop()


# Helpers for the flows -------------------------------------------------------------------------


def unique(prefix: str) -> str:
    """Return `prefix` and a short random word, so each run writes stories of its own."""
    return f"{prefix} {uuid.uuid4().hex[:6]}"


def eventually(check: Callable[[], Any], *, timeout: float = 30, every: float = 0.5) -> Any:
    """Return the first truthy result of `check()`, retrying until `timeout` seconds pass.

    The demo's worker does some work after a request returns (Related News lists, scheduled
    publishing); a test polls for what a reader would see rather than sleeping a fixed time.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(every)


def log_in(page: Any, base: str, username: str = DEMO_EDITOR[0], password: str = DEMO_EDITOR[1]):
    """Sign in to Wagtail's admin through its login form."""
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/admin/")


def axe_violations(page: Any) -> list[dict]:
    """Run axe-core in `page` (its context must bypass the page's CSP) and return the violations."""
    if not AXE_JS.is_file():
        missing(f"axe-core not found at {AXE_JS}; run npm ci --prefix tools/axe --ignore-scripts")
    page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))"""
    )


def describe(violations: list[dict]) -> str:
    """Format axe violations for an assertion message."""
    return json.dumps(violations, indent=1)
