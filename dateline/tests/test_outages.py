"""Outages, each made real: a Redis and a PostgreSQL the test starts and stops itself, a worker and
an import killed with SIGKILL in the middle of their work.

- Redis away (stopped, or frozen with SIGSTOP so its data survives): readers keep getting pages,
  none of them stale after a purge made during the outage or before its end; `/readyz` says so.
- PostgreSQL stopped under a running `dateline demo`: valid stored pages are still hits, a page
  purged before the outage is sent as a stale copy (and logged as one), a page never stored
  answers the 503 page; when the database is back the same server answers normally.
- `dateline import wordpress --commit` killed mid-transaction leaves nothing; run again it
  imports everything. The worker killed while running the rebuild that import queued: a second
  worker runs it again, once, and the rebuilt indexes count every story once.

The server-side tests need `redis-server` and PostgreSQL's own binaries (`pg_config --bindir`);
without them they skip, except under CI, where they fail.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, InterfaceError, OperationalError, ProgrammingError
from django.test import override_settings

from dateline.cache.backends import FallbackRedisCache
from dateline.cache.tests.test_page_cache import CACHE_HEADER, PageCacheTestCase
from dateline.core import outage
from dateline.importers.tests.fixtures import bbc_texts, text_items, wxr
from dateline.newsroom.factories import ArticlePageFactory, SectionPageFactory, home_page
from dateline.tests.browser.conftest import (
    DemoSite,
    _free_port,
    _postgres_demo_database,
    _wait_until_ready,
    eventually,
)


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI must have it)")
    pytest.skip(reason)


# The handler -------------------------------------------------------------------------------------


def _raised(error: Exception) -> Any:
    """Call the 500 handler the way Django does: while `error` is being handled."""
    from django.test import RequestFactory

    request = RequestFactory().get("/some/story/")
    try:
        raise error
    except Exception:
        return outage.server_error(request)


@pytest.mark.django_db  # lets the test open a connection of its own (to nowhere)
def test_an_unreachable_database_is_a_503_page_and_a_bug_stays_a_500():
    # A real refused connection: a PostgreSQL port nothing listens on.
    from django.db.backends.postgresql.base import DatabaseWrapper

    port = _free_port()
    wrapper = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": "nothing",
            "USER": "postgres",
            "HOST": "127.0.0.1",
            "PORT": str(port),
            "OPTIONS": {"connect_timeout": 2},
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TIME_ZONE": None,
            "PASSWORD": "",
            "TEST": {},
        }
    )
    with pytest.raises(OperationalError) as refused:
        wrapper.ensure_connection()
    assert outage.database_unavailable(refused.value)
    response = _raised(refused.value)
    assert response.status_code == 503
    assert response["Retry-After"] == str(outage.RETRY_AFTER)
    assert response["Cache-Control"] == "no-store"
    assert b"Back in a moment" in response.content
    assert outage.is_outage(response)
    # Raised in a view, the middleware answers it before Django logs a server error.
    from django.test import RequestFactory

    middleware = outage.OutageMiddleware(lambda request: None)
    answered = middleware.process_exception(RequestFactory().get("/a/"), refused.value)
    assert answered is not None and answered.status_code == 503
    assert middleware.process_exception(RequestFactory().get("/a/"), ValueError("bug")) is None
    # What a driver raises under a closed connection, and the same cause one level down.
    assert outage.database_unavailable(InterfaceError("connection already closed"))
    wrapped = RuntimeError("while rendering")
    wrapped.__cause__ = OperationalError("server closed the connection unexpectedly")
    assert outage.database_unavailable(wrapped)
    # A mistake in a query is a bug: the styled 500, never "back in a moment".
    for bug in (ProgrammingError("no such column"), DatabaseError("?"), ValueError("x")):
        assert not outage.database_unavailable(bug)
        answered = _raised(bug)
        assert answered.status_code == 500, bug
        assert not outage.is_outage(answered)
        assert b"Something went wrong" in answered.content


# Redis -------------------------------------------------------------------------------------------


class _Redis:
    """A redis-server of the test's own, on a free port, keeping nothing on disk."""

    def __init__(self, folder: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            _missing("redis-server not found")
        self.port = _free_port()
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],  # fmt: skip
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.wait_answering()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def wait_answering(self) -> None:
        import redis

        client = redis.Redis(port=self.port, socket_timeout=1)
        assert eventually(lambda: self._pings(client), timeout=20), "redis-server did not start"

    @staticmethod
    def _pings(client: Any) -> bool:
        try:
            return bool(client.ping())
        except Exception:
            return False

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)


def _redis_caches(url: str) -> dict[str, dict[str, Any]]:
    common = {
        "BACKEND": "dateline.cache.backends.FallbackRedisCache",
        "LOCATION": url,
        "FALLBACK_RETRY": 0.2,
        "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
    }
    return {
        "default": {**common, "KEY_PREFIX": "outage-test"},
        "pages": {**common, "KEY_PREFIX": "outage-test-pages"},
    }


class RedisOutageTests(PageCacheTestCase):
    @classmethod
    def setUpTestData(cls):
        section = SectionPageFactory(parent=home_page(), title="Harbour", slug="harbour")
        cls.article = ArticlePageFactory(parent=section, title="Ferry timetable", slug="ferry")

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp(prefix="dateline-redis-"))
        self.addCleanup(shutil.rmtree, self.folder, ignore_errors=True)
        self.redis = _Redis(self.folder)
        self.addCleanup(self.redis.stop)
        caches = override_settings(CACHES=_redis_caches(self.redis.url))
        caches.enable()
        self.addCleanup(caches.disable)
        super().setUp()

    def retitle(self, title: str) -> None:
        page = self.article.specific
        page.refresh_from_db()
        page.title = title
        page.save_revision().publish()

    def wait_past_retry(self) -> None:
        time.sleep(0.3)  # FALLBACK_RETRY is 0.2 s: the next call tries Redis again

    def test_a_frozen_redis_serves_fresh_pages_and_none_stale_after_it_returns(self):
        url = self.article.url
        self.assertEqual(self.state(url), "miss")
        self.assertEqual(self.state(url), "hit")
        self.redis.freeze()  # unreachable, but it keeps the page it stored
        with self.assertLogs("dateline.cache.backends", "WARNING") as said:
            away = self.client.get(url)
        self.assertIn("unreachable", said.output[0])
        self.assertEqual(away.status_code, 200)
        self.assertEqual(away[CACHE_HEADER], "miss", "nothing is served from memory")
        self.assertEqual(self.client.get(url)[CACHE_HEADER], "miss", "nor kept there")
        ready = json.loads(self.client.get("/readyz").content)
        self.assertTrue(ready["checks"]["cache"].startswith("degraded"), ready)
        # A purge while Redis is away: its new token never reaches Redis.
        self.retitle("Ferry timetable changed while Redis was away")
        self.assertContains(self.client.get(url), "changed while Redis was away")
        self.redis.thaw()
        self.wait_past_retry()
        back = self.client.get(url)
        self.assertContains(back, "changed while Redis was away")
        self.assertNotContains(back, "<h1>Ferry timetable</h1>")
        self.assertEqual(back[CACHE_HEADER], "miss", "the copy Redis kept was purged")
        self.assertEqual(self.state(url), "hit", "and pages are kept again")
        self.assertEqual(json.loads(self.client.get("/readyz").content)["checks"]["cache"], "ok")

    def test_a_stopped_redis_never_causes_an_error_and_purges_still_hold(self):
        url = self.article.url
        self.client.get(url)
        self.assertEqual(self.state(url), "hit")
        self.redis.stop()
        for _ in range(3):
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200)
        self.retitle("Ferry timetable after the restart")
        self.assertContains(self.client.get(url), "after the restart")
        self.redis = _Redis(self.folder)  # a new, empty server on another port
        caches = override_settings(CACHES=_redis_caches(self.redis.url))
        caches.enable()
        self.addCleanup(caches.disable)
        self.addCleanup(self.redis.stop)
        self.assertContains(self.client.get(url), "after the restart")
        self.assertEqual(self.state(url), "hit")

    def test_the_fallback_answers_every_cache_call_while_redis_is_away(self):
        cache = FallbackRedisCache(self.redis.url, _redis_caches(self.redis.url)["default"])
        cache.set("kept", 1)
        self.assertFalse(cache.degraded)
        self.redis.freeze()
        self.addCleanup(self.redis.thaw)
        self.assertIsNone(cache.get("kept"), "process memory does not hold what Redis held")
        self.assertTrue(cache.degraded)
        cache.set_many({"a": 1, "b": 2})
        self.assertEqual(cache.get_many(["a", "b"]), {"a": 1, "b": 2})
        self.assertTrue(cache.add("c", 3))
        self.assertEqual(cache.incr("c"), 4)
        cache.delete_many(["a"])
        self.assertFalse(cache.has_key("a"))
        ended = cache.outages_ended
        self.redis.thaw()
        self.wait_past_retry()
        self.assertEqual(cache.get("kept"), 1, "Redis answers again")
        self.assertFalse(cache.degraded)
        self.assertEqual(cache.outages_ended, ended + 1)
        self.assertIsNone(cache.get("b"), "what was kept in memory meanwhile is gone")


# Servers of the test's own -----------------------------------------------------------------------


def _postgres_bin() -> Path:
    found = shutil.which("pg_config")
    if found:
        folder = subprocess.run(  # noqa: S603 - the machine's pg_config
            [found, "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if folder and (Path(folder) / "initdb").is_file():
            return Path(folder)
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        _missing("PostgreSQL's server binaries (initdb, pg_ctl) not found")
    return candidates[-1].parent


class _Postgres:
    """A PostgreSQL cluster of the test's own on a free port (as the postgres user under root)."""

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="dateline-pg-"))
        self.folder.chmod(0o755)
        self.data = self.folder / "data"
        self.as_owner: list[str] = []
        if os.geteuid() == 0:  # initdb and postgres refuse to run as root
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                _missing("no postgres user to run a PostgreSQL server as")
            os.chown(self.folder, owner.pw_uid, owner.pw_gid)
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self.start()

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run(  # noqa: S603 - our own command lines
            [*self.as_owner, str(self.bin / tool), *args],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-o", options,
                  "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        subprocess.run(  # noqa: S603
            [
                *self.as_owner,
                str(self.bin / "pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "stop",
            ],  # fmt: skip
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def _clean_environment(**extra: str) -> dict[str, str]:
    """The environment of a `dateline` subprocess: the suite's own database and caches left out."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name
        not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "CACHE_URL", "SECRET_KEY"}
    }
    environment.update(PYTHONUNBUFFERED="1", **extra)
    return environment


def _fetch(url: str) -> tuple[int, Any, str]:
    """GET `url` as a reader (no cookies); return status, headers (any case) and body."""
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8", "replace")


def _stop_group(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture
def own_postgres() -> Iterator[_Postgres]:
    """A PostgreSQL server the test may stop and start."""
    server = _Postgres()
    try:
        yield server
    finally:
        server.remove()


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="a PostgreSQL outage: run in the suite's PostgreSQL half (it starts its own server)",
)
def test_postgres_stopped_under_a_running_site(own_postgres: _Postgres, tmp_path: Path):
    port = _free_port()
    log = tmp_path / "server.log"
    environment = _clean_environment(
        DATABASE_URL=own_postgres.url,
        DATELINE_DATA_DIR=str(tmp_path / "data"),
        DATELINE_TASKS_POLL_INTERVAL="0.2",
        DATELINE_RELATED_MODE="lexical",
    )
    with log.open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "dateline.cli", "demo", "--port", str(port), "--workers", "1"],
            cwd=tmp_path,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    site = DemoSite(url=f"http://127.0.0.1:{port}", log=log)
    try:
        _wait_until_ready(site, process)
        _site_through_a_database_outage(site, own_postgres, log)
        assert process.poll() is None, "the server kept running"
    finally:
        _stop_group(process)


def _site_through_a_database_outage(site: DemoSite, database: _Postgres, log: Path) -> None:
    from dateline.tests.browser.conftest import REFERENCE_PATH

    _, _, home = _fetch(site.url + "/")
    stories = [
        path
        for path in dict.fromkeys(_links(home))
        if path.count("/") == 3 and path != REFERENCE_PATH and not path.startswith("/tags/")
    ]
    assert len(stories) >= 2, stories
    never_read = stories[-1]
    for path in ("/", "/china-news/", REFERENCE_PATH):
        _fetch(site.url + path)
        assert _fetch(site.url + path)[1]["X-Dateline-Cache"] == "hit", path
    # A purge before the outage: the front page's stored copy is no longer valid.
    subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "dateline.cli", "manage", "cache", "purge", "home"],
        env=_clean_environment(
            DATABASE_URL=database.url, DATELINE_DATA_DIR=str(Path(site.log).parent / "data")
        ),
        check=True,
        capture_output=True,
    )
    database.stop()
    status, headers, body = _fetch(site.url + REFERENCE_PATH)
    assert (status, headers["X-Dateline-Cache"]) == (200, "hit"), "valid copies need no database"
    status, headers, body = _fetch(site.url + "/")
    assert status == 200 and headers["X-Dateline-Cache"] == "stale", (status, headers)
    assert "no-cache" in headers["Cache-Control"]
    assert eventually(lambda: "served a stale copy of /" in log.read_text(), timeout=10)
    status, headers, body = _fetch(site.url + never_read)
    assert status == 503, (never_read, status, body[:300])
    assert headers["Retry-After"] == str(outage.RETRY_AFTER)
    assert "Back in a moment" in body
    assert _fetch(site.url + "/readyz")[0] == 503
    database.start()
    assert eventually(lambda: _fetch(site.url + never_read)[0] == 200, timeout=60), (
        "the site answers again once the database is back, without a restart"
    )
    status, headers, _ = _fetch(site.url + "/")
    assert (status, headers["X-Dateline-Cache"]) == (200, "miss"), "rendered afresh, not stale"
    assert eventually(lambda: _fetch(site.url + "/readyz")[0] == 200, timeout=90), _fetch(
        site.url + "/readyz"
    )[2]
    text = log.read_text()
    assert "Internal Server Error" not in text, "no reader was sent a 500"
    assert "the worker tries again" in text, "the worker waited for the database"
    assert "the task worker stopped" not in text, "and did not die"


def _links(html: str) -> list[str]:
    import re

    return re.findall(r'href="(/[a-z0-9\-/]+/)"', html)


# Killed mid-work ---------------------------------------------------------------------------------

POSTS = 600


def _scratch_database(tmp_path: Path) -> tuple[str, Callable[[], None]]:
    """Return a database URL of the suite's kind for the subprocesses, and its remover."""
    suite = os.environ.get("DATABASE_URL", "")
    if not suite.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{tmp_path / 'data' / 'dateline.sqlite3'}", lambda: None
    return _postgres_demo_database(suite, purpose="killed")


_COUNTS = """
import json
from django_tasks_db.models import DBTaskResult
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page
from dateline.importers.models import ImportedItem
from dateline.newsroom.models import ArticlePage
from dateline.related.models import RelatedLink, RelatedPosting, RelatedProfile, RelatedTerm
from dateline.search.models import SearchDocument
rebuilds = [r for r in DBTaskResult.objects.all() if r.task_path.endswith("archive_indexes_rebuild_task")]
print(json.dumps({
    "pages": Page.objects.count(),
    "articles": ArticlePage.objects.count(),
    "imported": ImportedItem.objects.count(),
    "redirects": Redirect.objects.count(),
    "profiles": RelatedProfile.objects.count(),
    "index": [
        RelatedProfile.objects.count(),
        RelatedTerm.objects.count(),
        sum(RelatedTerm.objects.values_list("df", flat=True)),
        RelatedPosting.objects.count(),
        RelatedLink.objects.count(),
        SearchDocument.objects.count(),
    ],
    "searched": SearchDocument.objects.count(),
    "rebuilds": [{"status": r.status, "workers": r.worker_ids} for r in rebuilds],
}))
"""


_REBUILD = """
from dateline.importers.followup import archive_indexes_rebuild
archive_indexes_rebuild()
"""


class _Dateline:
    """Runs `dateline` commands against one data folder and database, as an operator would."""

    def __init__(self, tmp_path: Path, database: str) -> None:
        self.tmp_path = tmp_path
        self.environment = _clean_environment(
            DJANGO_SETTINGS_MODULE="dateline.settings.dev",
            DATABASE_URL=database,
            DATELINE_DATA_DIR=str(tmp_path / "data"),
            DATELINE_RELATED_MODE="lexical",
            DATELINE_TASKS_BACKEND="database",
            DATELINE_TASKS_POLL_INTERVAL="0.2",
            DATELINE_SCHEDULER_INTERVAL="1",
            DATELINE_WORKER_LOST_AFTER="3",
        )

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "dateline.cli", *args]

    def run(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - our own command lines
            self.command(*args), env=self.environment, capture_output=True, text=True,
            cwd=self.tmp_path, check=False, timeout=900,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
        return done.stdout

    def start(self, *args: str, log: str) -> subprocess.Popen:
        with (self.tmp_path / log).open("ab") as output:
            return subprocess.Popen(  # noqa: S603 - our own command lines
                self.command(*args), env=self.environment, stdout=output,
                stderr=subprocess.STDOUT, cwd=self.tmp_path, start_new_session=True,
            )  # fmt: skip

    def counts(self) -> dict[str, Any]:
        return json.loads(self.run("manage", "shell", "-c", _COUNTS).strip().splitlines()[-1])

    def sql(self, query: str) -> list[tuple]:
        """Run `query` on the database directly (quick enough to poll; Django is not started)."""
        url = self.environment["DATABASE_URL"]
        if url.startswith("sqlite:///"):
            import sqlite3

            with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=30) as connection:
                return connection.execute(query).fetchall()
        import psycopg

        with psycopg.connect(url, autocommit=True) as connection:
            return connection.execute(query).fetchall()

    def rebuild_statuses(self) -> list[str]:
        """The statuses of the rebuild tasks the import queued."""
        rows = self.sql(
            "SELECT status FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE '%archive_indexes_rebuild_task'"
        )
        return [row[0] for row in rows]

    def import_writing(self) -> bool:
        """Whether the import's one transaction has begun writing stories (not yet committed)."""
        url = self.environment["DATABASE_URL"]
        if url.startswith("sqlite:///"):
            wal = Path(url.removeprefix("sqlite:///") + "-wal")
            return wal.exists() and wal.stat().st_size > 1_000_000
        return bool(
            self.sql(
                "SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = 'newsroom_articlepage' AND l.mode = 'RowExclusiveLock' "
                "AND l.pid <> pg_backend_pid()"
            )
        )


def _kill_when(process: subprocess.Popen, ready: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 300
    while not ready():
        assert process.poll() is None, f"{what} ended before it could be killed"
        assert time.monotonic() < deadline, f"{what} never got going"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def test_an_import_and_a_worker_killed_mid_work(tmp_path: Path):
    texts = bbc_texts(POSTS)
    if len(texts) < POSTS:
        _missing("the shared BBC News texts are not there (../shared/data/bbc-news-2225)")
    export = tmp_path / "export.xml"
    export.write_text(wxr(*text_items(texts)), encoding="utf-8")
    database, drop = _scratch_database(tmp_path)
    try:
        _killed_mid_work(_Dateline(tmp_path, database), export)
    finally:
        drop()


def _killed_mid_work(dateline: _Dateline, export: Path) -> None:
    dateline.run("migrate", "--verbosity", "0")
    dateline.run("manage", "shell", "-c",
                 "from dateline.newsroom.services import site_ensure; site_ensure()")  # fmt: skip
    before = dateline.counts()
    assert before["articles"] == 0
    command = ("import", "wordpress", str(export), "--commit", "--no-progress")
    importing = dateline.start(*command, log="import.log")
    # Killed once it has written stories inside its one transaction.
    _kill_when(importing, dateline.import_writing, "the import")
    after_kill = dateline.counts()
    assert after_kill == before, f"the killed import left data behind: {after_kill} vs {before}"
    print(dateline.run(*command)[-500:])
    imported = dateline.counts()
    assert imported["articles"] == POSTS
    assert imported["imported"] >= POSTS
    assert [r["status"] for r in imported["rebuilds"]] == ["READY"], imported["rebuilds"]

    worker = dateline.start("worker", log="worker-1.log")
    _kill_when(worker, lambda: dateline.rebuild_statuses() == ["RUNNING"], "the first worker")
    assert dateline.rebuild_statuses() == ["RUNNING"], "killed mid-task"
    second = dateline.start("worker", log="worker-2.log")
    try:
        assert eventually(
            lambda: dateline.rebuild_statuses() == ["SUCCESSFUL"], timeout=300, every=0.5
        ), (dateline.tmp_path / "worker-2.log").read_text()[-3000:]
    finally:
        _stop_group(second)
    done = dateline.counts()
    (rebuild,) = done["rebuilds"]
    assert len(rebuild["workers"]) == 2, rebuild
    assert rebuild["workers"][0] != rebuild["workers"][1]
    assert done["profiles"] == POSTS, "every story profiled once"
    assert done["searched"] == POSTS, "every story in the search index once"
    # The indexes equal what one clean rebuild makes: nothing was counted twice.
    dateline.run("manage", "shell", "-c", _REBUILD)
    assert dateline.counts()["index"] == done["index"]
