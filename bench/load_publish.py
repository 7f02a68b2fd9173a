"""Load while publishing: concurrent readers on `dateline serve` while an editor publishes.

    python bench/load_publish.py [--database sqlite|postgres] [--seconds 60] [--readers 64]

Builds a site in a fresh data folder (migrate, the demo, an archive of `--articles` stories from the
shared peers' articles.py through bench/seed_archive.py, the queued work drained), starts the
production server exactly as an operator does (`dateline serve`: granian, the page cache, the task
worker; production settings) and runs, each for `--seconds`:

1. baseline: `--readers` readers on loopback, each on its own keep-alive connection, requesting the
   home page, the section page, the article being edited and other articles in equal shares;
2. publishing: the same readers while an editor process publishes, every `--interval` seconds, a
   new revision of that article (its headline carries a sequence number) and every `--new-every`th
   time also a new story in the section, through `newsroom.services.article_save` (the editor's
   path: revision, publish, signals, purge on commit). It records when each publish returned.

A response is stale when its request started after publish k returned and it shows an older
version: the edited article's page (and the home and section pages, where the story appears) must
carry headline k or later, and the home and section pages the newest new story returned. Prints
requests, requests per second, latency percentiles, 5xx, errors, stale responses and cache misses
for both runs with the ratios publishing / baseline, and exits 1 on any 5xx, error or stale page.

SQLite uses the file page cache in the data folder; `--database postgres` creates the database
named in `--database-url` (dropped first if it exists, dropped again at the end) and puts pages in
Redis at `--redis-url` under a key prefix of this run's own, whose keys it deletes at the end.
Benchmark use only: it writes to its own temporary data folder, which it removes.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EDIT_MARK = re.compile(rb"Load probe edit v(\d+)\b")
NEW_MARK = re.compile(rb"Load probe new n(\d+)\b")
KINDS = ("home", "section", "edited", "other")
PROBE_SLUG = "load-probe-edited"


# --- the editor's side (a process of its own, with Django) -------------------------------------


def _django() -> None:
    import django

    django.setup()


def role_setup() -> None:
    """Create the story the editor will revise; print the URLs the readers request, as JSON."""
    _django()
    from django.utils import timezone

    from dateline.newsroom import services
    from dateline.newsroom.models import ArticlePage, Author, SectionPage

    home = services.site_ensure()
    section = SectionPage.objects.child_of(home).live().order_by("path").first()
    author = Author.objects.order_by("pk").first()
    services.article_save(
        section=section,
        slug=PROBE_SLUG,
        title="Load probe edit v0",
        body=[{"type": "paragraph", "value": "<p>Version 0 of the load probe.</p>"}],
        authors=[author],
        published_at=timezone.now(),
    )
    cut = len(home.url_path) - 1
    others = [
        path[cut:]
        for path in ArticlePage.objects.live()
        .exclude(slug=PROBE_SLUG)
        .order_by("?")
        .values_list("url_path", flat=True)[:40]
    ]
    probe = ArticlePage.objects.child_of(section).get(slug=PROBE_SLUG)
    print(
        json.dumps(
            {
                "home": "/",
                "section": section.url_path[cut:],
                "edited": probe.url_path[cut:],
                "others": others,
            }
        )
    )


def role_editor(*, seconds: float, interval: float, new_every: int) -> None:
    """Publish a revision every `interval` s for `seconds` after "go" on stdin; log each as JSON."""
    _django()
    from django.utils import timezone

    from dateline.newsroom import services
    from dateline.newsroom.models import ArticlePage, SectionPage

    probe = ArticlePage.objects.get(slug=PROBE_SLUG)
    section = probe.get_parent().specific
    assert isinstance(section, SectionPage)
    authors = [link.author for link in probe.article_authors.all()]
    published_at = probe.published_at
    print("ready", flush=True)
    sys.stdin.readline()
    start = time.monotonic()
    edits = news = 0
    tick = 0
    while True:
        due = start + tick * interval
        if due - start >= seconds:
            break
        time.sleep(max(0.0, due - time.monotonic()))
        tick += 1
        edits += 1
        called = time.monotonic()
        services.article_save(
            section=section,
            slug=PROBE_SLUG,
            title=f"Load probe edit v{edits}",
            body=[{"type": "paragraph", "value": f"<p>Version {edits} of the load probe.</p>"}],
            authors=authors,
            published_at=published_at,
        )
        print(json.dumps(["edit", edits, called, time.monotonic()]), flush=True)
        if tick % new_every == 0:
            news += 1
            called = time.monotonic()
            services.article_save(
                section=section,
                slug=f"load-probe-new-{news}",
                title=f"Load probe new n{news}",
                body=[{"type": "paragraph", "value": f"<p>New story {news} of the run.</p>"}],
                authors=authors,
                published_at=timezone.now(),
            )
            print(json.dumps(["new", news, called, time.monotonic()]), flush=True)
    times = os.times()
    print(json.dumps({"cpu": times.user + times.system}), flush=True)


# --- the readers (this process, no Django) ------------------------------------------------------


@dataclass
class Response:
    """One request as a reader saw it: when it started, how long it took, what it showed."""

    kind: str
    started: float
    seconds: float
    status: int  # 0: no answer (connection error or timeout)
    miss: bool
    edit: int | None  # the lowest edited-headline version on the page, if it shows one
    new: int | None  # the highest new-story number on the page, if it shows one


async def _get(reader, writer, host: str, path: str) -> tuple[int, bytes, bytes]:
    """Send one keep-alive GET; return the status, the header block (lower case) and the body."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\nAccept: text/html\r\n\r\n".encode())
    head = (await reader.readuntil(b"\r\n\r\n")).lower()
    status = int(head[9:12])
    length = re.search(rb"\r\ncontent-length:\s*(\d+)", head)
    if length:
        body = await reader.readexactly(int(length[1]))
    elif b"\r\ntransfer-encoding: chunked" in head:
        parts = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        await reader.readuntil(b"\r\n")
        body = b"".join(parts)
    else:
        body = await reader.read()
    return status, head, body


async def _reader(
    number: int, port: int, paths: dict[str, list[str]], until: float, out: list[Response]
) -> None:
    """Request pages one after another on one connection until `until`, recording each."""
    rng = random.Random(number)
    host = f"127.0.0.1:{port}"
    connection = None
    while (started := time.monotonic()) < until:
        kind = KINDS[rng.randrange(len(KINDS))]
        path = rng.choice(paths[kind])
        try:
            if connection is None:
                connection = await asyncio.open_connection("127.0.0.1", port)
                started = time.monotonic()
            status, head, body = await asyncio.wait_for(_get(*connection, host, path), 30)
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            out.append(Response(kind, started, time.monotonic() - started, 0, False, None, None))
            if connection is not None:
                connection[1].close()
            connection = None
            continue
        took = time.monotonic() - started
        edit = new = None
        if kind != "other":
            edits = [int(v) for v in EDIT_MARK.findall(body)]
            news = [int(v) for v in NEW_MARK.findall(body)]
            edit = min(edits) if edits else None
            new = max(news) if news else None
        miss = b"\r\nx-dateline-cache: hit" not in head
        out.append(Response(kind, started, took, status, miss, edit, new))
        if b"\r\nconnection: close" in head:
            connection[1].close()
            connection = None
    if connection is not None:
        connection[1].close()


def readers_run(*, port: int, paths: dict[str, list[str]], readers: int, seconds: float):
    """Run `readers` concurrent readers for `seconds`; return their responses."""
    out: list[Response] = []

    async def main() -> None:
        until = time.monotonic() + seconds
        await asyncio.gather(*(_reader(n, port, paths, until, out) for n in range(readers)))

    asyncio.run(main())
    return out


def is_stale(response: Response, *, edits: list[float], news: list[float]) -> bool:
    """Return whether `response` shows less than every publish that returned before it started.

    `edits` and `news` are the sorted times at which edit k and new story k returned (k = index+1).
    The edited article's page must show headline k or later (and show it at all); the home and
    section pages, where they show the story, its headline k or later, and the newest new story.
    Other articles' pages are not judged (their Related News blocks follow the worker).
    """
    if response.kind == "other" or response.status != 200:
        return False
    need_edit = bisect.bisect_left(edits, response.started)
    need_new = bisect.bisect_left(news, response.started)
    if response.kind == "edited":
        return response.edit is None or response.edit < need_edit
    if response.edit is not None and response.edit < need_edit:
        return True
    return need_new > 0 and (response.new is None or response.new < need_new)


@dataclass
class Figures:
    """What one run measured."""

    requests: int
    rps: float
    p50: float
    p95: float
    p99: float
    p99_by_kind: dict[str, float]
    server_errors: int
    errors: int
    stale: int
    misses: int
    misses_by_kind: dict[str, int]
    publishes: list[tuple[str, int, float, float]] = field(default_factory=list)

    def failed(self) -> bool:
        """Return whether the run saw any 5xx, failed request or stale page."""
        return bool(self.server_errors or self.errors or self.stale)


def _quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(q * len(values))) - 1))] if values else 0.0


def figures_of(
    responses: list[Response], *, seconds: float, publishes: list[tuple[str, int, float, float]]
) -> Figures:
    """Summarise one run's responses against the publishes that happened during it."""
    edits = sorted(returned for kind, _, _, returned in publishes if kind == "edit")
    news = sorted(returned for kind, _, _, returned in publishes if kind == "new")
    answered = [r for r in responses if r.status]
    latencies = [r.seconds for r in answered]
    return Figures(
        requests=len(answered),
        rps=len(answered) / seconds,
        p50=_quantile(latencies, 0.50),
        p95=_quantile(latencies, 0.95),
        p99=_quantile(latencies, 0.99),
        p99_by_kind={
            kind: _quantile([r.seconds for r in answered if r.kind == kind], 0.99) for kind in KINDS
        },
        server_errors=sum(r.status >= 500 for r in answered),
        errors=len(responses) - len(answered),
        stale=sum(is_stale(r, edits=edits, news=news) for r in answered),
        misses=sum(r.miss for r in answered),
        misses_by_kind={kind: sum(r.miss for r in answered if r.kind == kind) for kind in KINDS},
        publishes=publishes,
    )


# --- the orchestration --------------------------------------------------------------------------


def _run(command: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=env, check=True, **kwargs)  # noqa: PLW1510


def _dateline(*args: str) -> list[str]:
    return [sys.executable, "-m", "dateline.cli", *args]


def _self(*args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), *args]


def _stop(process: subprocess.Popen) -> None:
    """Stop a process this script started (and its children, which share its session)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _wait_http(port: int, path: str, seconds: float = 120) -> None:
    """Wait until the server answers `path` with 200 (stop at once if it answers with an error)."""
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as answer:  # noqa: S310 (loopback)
                if answer.status == 200:
                    return
        except urllib.error.HTTPError as error:
            sys.exit(f"the server answered {path} with {error.code}")
        except OSError:
            time.sleep(0.5)
    sys.exit(f"the server on port {port} did not answer {path} within {seconds:.0f} s")


def _postgres(url: str, *, create: bool) -> None:
    """Drop the benchmark's own database named in `url`, and create it afresh when `create`."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        sys.exit(f"{name!r}: use a plain lower-case database name")
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        if create:
            connection.execute(f"CREATE DATABASE {name}")


def _redis_forget(url: str, prefix: str) -> None:
    """Delete this run's keys (and only those) from Redis."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"*{prefix}*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])


def environment(args: argparse.Namespace, data: str, prefix: str) -> dict[str, str]:
    """Return the environment an operator's production deployment of this site would have."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL", "DATELINE_TASKS_BACKEND"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dateline.settings.production",
        DATELINE_DATA_DIR=data,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL=env.get("LOG_LEVEL", "WARNING"),
        PYTHONPATH=str(REPO),
    )
    if args.database == "postgres":
        env.update(
            DATABASE_URL=args.database_url, REDIS_URL=args.redis_url, CACHE_KEY_PREFIX=prefix
        )
    return env


def prepare(args: argparse.Namespace, env: dict[str, str], data: str) -> dict[str, list[str]]:
    """Build the site: schema, demo, archive, queued work done, the probe story; return the paths."""
    quiet = {"stdout": subprocess.DEVNULL}
    _run(_dateline("migrate", "--verbosity", "0"), env, **quiet)
    _run(_dateline("demo_load", "--verbosity", "0"), env, **quiet)
    _run(_dateline("collectstatic", "--noinput", "--verbosity", "0"), env, **quiet)
    if args.articles:
        archive = Path(data) / "articles.jsonl"
        with archive.open("w") as handle:
            _run(
                ["python3", str(args.peers / "articles.py"), str(args.articles)], env, stdout=handle
            )
        _run([sys.executable, str(REPO / "bench" / "seed_archive.py"), str(archive)], env, **quiet)
    made = _run(_self("--role", "setup"), env, stdout=subprocess.PIPE, text=True)
    _run(_dateline("worker", "--batch", "--verbosity", "0"), env, **quiet)
    _run(_dateline("cache", "purge", "--all"), env, **quiet)
    found = json.loads(made.stdout.strip().splitlines()[-1])
    return {
        "home": [found["home"]],
        "section": [found["section"]],
        "edited": [found["edited"]],
        "other": found["others"],
    }


def publishing_run(args, env, paths) -> tuple[list[Response], list[tuple], float]:
    """Run the readers while the editor publishes; return responses, publishes, editor CPU s."""
    editor = subprocess.Popen(  # noqa: S603 - this script, our own arguments
        _self(
            "--role",
            "editor",
            "--seconds",
            str(args.seconds),
            "--interval",
            str(args.interval),
            "--new-every",
            str(args.new_every),
        ),
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        if editor.stdout.readline().strip() != "ready":
            sys.exit("the editor process did not start")
        editor.stdin.write("go\n")
        editor.stdin.flush()
        responses = readers_run(
            port=args.port, paths=paths, readers=args.readers, seconds=args.seconds
        )
        out, _ = editor.communicate(timeout=120)
    finally:
        _stop(editor)
    if editor.returncode:
        sys.exit(f"the editor process failed (exit {editor.returncode})")
    publishes = [tuple(json.loads(line)) for line in out.splitlines() if line.startswith("[")]
    cpu = [json.loads(line)["cpu"] for line in out.splitlines() if line.startswith("{")]
    return responses, publishes, cpu[0] if cpu else 0.0


def _ms(value: float) -> str:
    return f"{value * 1000:8.1f}"


def report(args, base: Figures, busy: Figures, loads: list[tuple[float, ...]]) -> None:
    """Print both runs side by side, with the ratios publishing / baseline."""
    store = "SQLite, file page cache" if args.database == "sqlite" else "PostgreSQL, Redis pages"
    load = "  ".join(" ".join(f"{v:.2f}" for v in one) for one in loads)
    print(f"\nload while publishing: {store}; {args.readers} readers x {args.seconds:g} s each run")
    print(f"load average (1, 5, 15 min) before / between / after: {load}")
    print(
        f"{'run':<11}{'requests':>9}{'rps':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'5xx':>6}{'errors':>7}{'stale':>6}{'misses':>7}{'publishes':>10}"
    )
    for name, run in (("baseline", base), ("publishing", busy)):
        print(
            f"{name:<11}{run.requests:>9}{run.rps:>8.0f}{_ms(run.p50):>9}{_ms(run.p95):>9}"
            f"{_ms(run.p99):>9}{run.server_errors:>6}{run.errors:>7}{run.stale:>6}"
            f"{run.misses:>7}{len(run.publishes):>10}"
        )

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}" if b else "-"

    print(
        f"ratio publishing / baseline: rps {ratio(busy.rps, base.rps)}, p50 {ratio(busy.p50, base.p50)},"
        f" p95 {ratio(busy.p95, base.p95)}, p99 {ratio(busy.p99, base.p99)}"
    )
    print(
        "p99 ms by page, baseline -> publishing: "
        + ", ".join(
            f"{kind} {base.p99_by_kind[kind] * 1000:.1f} -> {busy.p99_by_kind[kind] * 1000:.1f}"
            for kind in KINDS
        )
    )
    print(
        "misses (rendered, not from the cache) by page, baseline -> publishing: "
        + ", ".join(
            f"{kind} {base.misses_by_kind[kind]} -> {busy.misses_by_kind[kind]}" for kind in KINDS
        )
    )
    took = [returned - called for _, _, called, returned in busy.publishes]
    if took:
        edits = sum(kind == "edit" for kind, *_ in busy.publishes)
        print(
            f"publishes: {edits} revisions of the edited story and {len(took) - edits} new stories;"
            f" article_save took p50 {statistics.median(took) * 1000:.0f} ms,"
            f" max {max(took) * 1000:.0f} ms"
        )


def cpu_seconds(sessions: dict[int, str]) -> dict[str, float]:
    """Return the CPU seconds used so far by the processes of each session, by label.

    The server's session holds granian's processes and the task worker (labelled apart by their
    command lines), the editor's session the editor; the readers are this process.
    """
    tick = os.sysconf("SC_CLK_TCK")
    used = dict.fromkeys(("granian", "worker", *sessions.values()), 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        label = sessions.get(int(fields[3]))  # the session id (field 6 of stat)
        if label is None:
            continue
        if label == "server":
            label = "worker" if b"dateline.cli\x00worker" in command else "granian"
        used[label] += (int(fields[11]) + int(fields[12])) / tick
    used.pop("server", None)
    times = os.times()
    used["readers"] = times.user + times.system
    return used


def timeline(responses: list[Response], *, step: float = 5.0) -> list[str]:
    """Return one line per `step` seconds of a run: requests, misses, p99 and slowest (ms)."""
    if not responses:
        return []
    start = min(r.started for r in responses)
    buckets: dict[int, list[Response]] = {}
    for r in responses:
        buckets.setdefault(int((r.started - start) // step), []).append(r)
    lines = []
    for index in sorted(buckets):
        items = buckets[index]
        took = [r.seconds for r in items]
        lines.append(
            f"  {index * step:4.0f}-{(index + 1) * step:<4.0f}s {len(items):>7} requests"
            f" {sum(r.miss for r in items):>5} misses  p99 {_quantile(took, 0.99) * 1000:8.1f} ms"
            f"  max {max(took) * 1000:8.1f} ms"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--readers", type=int, default=64)
    parser.add_argument("--interval", type=float, default=2, help="seconds between publishes")
    parser.add_argument("--new-every", type=int, default=5, help="a new story every Nth publish")
    parser.add_argument("--articles", type=int, default=2000, help="archive size (0: demo only)")
    parser.add_argument("--port", type=int, default=8171)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/dateline_loadbench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument(
        "--peers",
        type=Path,
        default=REPO.parent / "shared" / "tools" / "peers",
        help="the shared peers' scripts (articles.py)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the data folder (and its logs)")
    parser.add_argument("--role", choices=("setup", "editor"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "setup":
        return role_setup()
    if args.role == "editor":
        return role_editor(seconds=args.seconds, interval=args.interval, new_every=args.new_every)

    if args.articles and not (args.peers / "articles.py").exists():
        sys.exit(f"{args.peers}/articles.py is missing: set --peers, or --articles 0")
    data = tempfile.mkdtemp(prefix="dateline-bench-load-")
    prefix = f"loadbench-{secrets.token_hex(4)}"
    env = environment(args, data, prefix)
    server = None
    log = open(Path(data) / "server.log", "w")  # noqa: SIM115 - closed in finally
    try:
        if args.database == "postgres":
            _postgres(args.database_url, create=True)
        started = time.monotonic()
        paths = prepare(args, env, data)
        print(f"site prepared in {time.monotonic() - started:.0f} s, data folder {data}")
        server = subprocess.Popen(  # noqa: S603 - our own command line
            _dateline("serve", "--host", "127.0.0.1", "--port", str(args.port)),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        _wait_http(args.port, paths["edited"][0])
        for kind in KINDS:  # every page rendered and stored once before the baseline
            for path in paths[kind]:
                _wait_http(args.port, path)
        loads = [os.getloadavg()]
        sessions = {server.pid: "server"}
        cpu = [cpu_seconds(sessions)]
        base = figures_of(
            readers_run(port=args.port, paths=paths, readers=args.readers, seconds=args.seconds),
            seconds=args.seconds,
            publishes=[],
        )
        loads.append(os.getloadavg())
        cpu.append(cpu_seconds(sessions))
        responses, publishes, editor_cpu = publishing_run(args, env, paths)
        loads.append(os.getloadavg())
        cpu.append(cpu_seconds(sessions))
        busy = figures_of(responses, seconds=args.seconds, publishes=publishes)
        report(args, base, busy, loads)
        spent = [{k: cpu[i + 1][k] - cpu[i][k] for k in cpu[0]} for i in (0, 1)]
        spent[0]["editor"], spent[1]["editor"] = 0.0, editor_cpu
        print(
            "CPU seconds used, baseline -> publishing: "
            + ", ".join(f"{k} {spent[0][k]:.1f} -> {spent[1][k]:.1f}" for k in spent[1])
        )
        print("the publishing run, by the second its requests started:")
        print("\n".join(timeline(responses)))
    finally:
        if server is not None:
            _stop(server)
        log.close()
        server_log = (Path(data) / "server.log").read_text(errors="replace")
        tracebacks = server_log.count("Traceback (most recent call last)")
        if tracebacks:
            first = server_log[server_log.index("Traceback (most recent call last)") :]
            print(f"server log: {tracebacks} tracebacks; the first one:")
            print("\n".join(first.splitlines()[:40]))
        if args.database == "postgres":
            _postgres(args.database_url, create=False)
            _redis_forget(args.redis_url, prefix)
        if args.keep:
            print(f"data folder kept: {data}")
        else:
            shutil.rmtree(data, ignore_errors=True)
    if base.failed() or busy.failed():
        sys.exit(1)


if __name__ == "__main__":
    main()
