"""The `dateline` command: `demo`, `serve`, and every manage.py command.

`cli.py` only dispatches: the work lives in management commands and services.
"""

from __future__ import annotations

import argparse
import errno
import os
import socket
import sys

DEMO_EDITOR = ("editor", "dateline-demo")


def _setup(default_settings: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", default_settings)
    import django

    django.setup()


def manage(argv: list[str] | None = None) -> None:
    """Run a Django management command with development settings unless told otherwise."""
    from django.core.management import execute_from_command_line

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.dev")
    execute_from_command_line(argv if argv is not None else sys.argv)


def _workers() -> int:
    """Return one server process per core: granian's Rust threads do the I/O, Python the rest."""
    return max(2, os.cpu_count() or 1)


def server_threads(*, configured: str | None, engine: str) -> str:
    """Return the blocking threads per worker: `configured` when set, else by the database engine.

    With SQLite a render's queries run inside the process, so a second thread only contends for
    the GIL: one thread served both cache hits and uncached renders faster, with half the p99, in
    a same-run measurement (docs/performance.md). With a database server across a network,
    threads let a worker serve hits while another request waits on a query.
    """
    if configured:
        return configured
    return "1" if engine.endswith("sqlite3") else "4"


def _threads() -> str:
    from django.conf import settings

    return server_threads(
        configured=settings.DATELINE_SERVER_THREADS,
        engine=settings.DATABASES["default"]["ENGINE"],
    )


def server_command(host: str, port: int, workers: int) -> list[str]:
    """Return the command line of granian serving Dateline's cached WSGI application.

    Granian (a Rust HTTP server) keeps connections alive and parses HTTP outside Python, so a page
    cache hit (`dateline.cache.wsgi`) costs little more than one cache read; each worker runs a few
    blocking threads so a slow database query does not hold up the hits queued behind it.
    """
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        _threads(),
        "--respawn-failed-workers",
        "--workers-kill-timeout",
        "5",
        "--no-ws",
        "dateline.cache.wsgi:application",
    ]


def port_problem(host: str, port: int) -> str | None:
    """Return why the server cannot listen on host:port (in use, not allowed), or None if it can.

    Granian binds with SO_REUSEPORT, so a second server on a busy port would start without an error
    and share the port with the first, each answering from its own database; a plain bind, without
    that option, fails when anything listens there.
    """
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return f"port {port} on {host} is already in use (is another server running?)"
            return f"cannot listen on {host}:{port}: {error.strerror}"
    return None


def worker_command() -> list[str]:
    """Return the command line of `dateline worker`: background tasks and the scheduler."""
    return [sys.executable, "-m", "dateline.cli", "worker"]


def _server(host: str, port: int, workers: int, *, with_worker: bool = True) -> None:
    """Serve with `server_command` once the port is known free, and a task worker beside it.

    Without a worker this process becomes the server. With one, it starts both and watches them:
    a worker that stops is started again, and when the server stops (Ctrl+C, SIGTERM) the worker
    is stopped too, so the one command runs the site, its background tasks and its scheduler.
    """
    problem = port_problem(host, port)
    if problem is not None:
        print(f"dateline: {problem}. Stop it, or choose another with --port.", file=sys.stderr)
        raise SystemExit(2)
    if not with_worker:
        os.execv(sys.executable, server_command(host, port, workers))  # noqa: S606 (our own Python and arguments, no shell)
    raise SystemExit(supervise(server_command(host, port, workers), worker_command()))


def supervise(server: list[str], worker: list[str]) -> int:
    """Run `server` and `worker` side by side until the server exits; return its exit code."""
    import signal
    import subprocess
    import time

    web = subprocess.Popen(server)  # noqa: S603 - our own command lines
    tasks = subprocess.Popen(worker)  # noqa: S603

    stopping = []

    def stop(signum: int, frame: object) -> None:
        stopping.append(signum)
        for child in (web, tasks):
            if child.poll() is None:
                child.send_signal(signum)

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        while web.poll() is None:
            # A worker that stopped on its own is started again; one told to stop is not.
            if tasks.poll() is not None and not stopping:
                print("dateline: the task worker stopped; starting it again", file=sys.stderr)
                time.sleep(1)
                tasks = subprocess.Popen(worker)  # noqa: S603
            time.sleep(0.5)
    except KeyboardInterrupt:  # Ctrl+C reached every process of the group: let them finish
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    for child in (web, tasks):
        if child.poll() is None:
            child.terminate()
    for child in (web, tasks):
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
    return web.returncode or 0


def demo(argv: list[str]) -> None:
    """Prepare the demo database, load the demo content and serve the site."""
    parser = argparse.ArgumentParser(prog="dateline demo", description=demo.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=_workers())
    parser.add_argument("--no-serve", action="store_true", help="prepare the data, then exit")
    parser.add_argument("--debug", action="store_true", help="run with DEBUG on (tracebacks)")
    parser.add_argument(
        "--no-worker", action="store_true", help="serve without the task worker and scheduler"
    )
    args = parser.parse_args(argv)

    os.environ.setdefault("DEBUG", "1" if args.debug else "0")
    hosts = {"127.0.0.1", "localhost", "[::1]", args.host}
    os.environ.setdefault("ALLOWED_HOSTS", ",".join(sorted(hosts)))
    # The demo's own settings, whatever the shell has exported: the server's workers inherit the
    # environment, so they use the data folder printed below and nothing else.
    os.environ["DJANGO_SETTINGS_MODULE"] = "dateline.settings.dev"
    _setup("dateline.settings.dev")

    from django.conf import settings
    from django.core.management import call_command

    os.environ["DATELINE_DATA_DIR"] = str(settings.DATA_DIR)
    print(f"Dateline demo: data folder {settings.DATA_DIR}")
    if not args.no_serve and (problem := port_problem(args.host, args.port)):
        print(f"dateline demo: {problem}. Stop it, or choose another with --port.", file=sys.stderr)
        raise SystemExit(2)
    call_command("migrate", interactive=False, verbosity=0)
    call_command(
        "demo_load",
        editor=DEMO_EDITOR[0],
        password=DEMO_EDITOR[1],
        site_host=demo_site_host(args.host),
        site_port=args.port,
    )
    if args.no_serve:
        # No worker will run: do the queued work (Related News lists) before exiting.
        call_command("worker", batch=True, verbosity=0)
        return
    base = f"http://{args.host}:{args.port}"
    print(f"\n  Site:   {base}/")
    print(f"  Admin:  {base}/admin/  (user {DEMO_EDITOR[0]!r}, password {DEMO_EDITOR[1]!r})")
    if not args.no_worker:
        print("  Worker: background tasks and scheduled publishing run beside the site")
    print()
    sys.stdout.flush()
    _server(args.host, args.port, args.workers, with_worker=not args.no_worker)


def demo_site_host(host: str) -> str:
    """Return the host name the demo's Wagtail site answers as: where `--host` serves readers.

    Canonical URLs, feeds, sitemaps and robots.txt are built from the site's host and port, so they
    must name where the demo really serves; a wildcard address (0.0.0.0, ::) serves this machine's
    own addresses, of which 127.0.0.1 is the one that always works.
    """
    host = host.strip("[]")
    return "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host  # noqa: S104 - compared, not bound


def serve(argv: list[str]) -> None:
    """Serve Dateline with granian, using production settings unless DJANGO_SETTINGS_MODULE says."""
    parser = argparse.ArgumentParser(prog="dateline serve", description=serve.__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=_workers())
    parser.add_argument(
        "--no-worker",
        action="store_true",
        help="serve only: run `dateline worker` elsewhere (docs/operations.md)",
    )
    args = parser.parse_args(argv)
    _setup("dateline.settings.production")
    _server(args.host, args.port, args.workers, with_worker=not args.no_worker)


def manage_command(argv: list[str]) -> None:
    """Run the Django management command named in `argv` as it is, never one of Dateline's aliases.

    `dateline manage check --deploy` is Django's system check, where `dateline check` is the
    editorial report; a production install (`pip install .`) has no manage.py to run it with.
    """
    manage(["dateline", *argv])


COMMANDS = {"demo": demo, "serve": serve, "manage": manage_command}

# `dateline <word>` names that run a Dateline management command of another name, when it exists:
# `dateline check` is the editorial report, while `manage.py check` stays Django's system check.
ALIASES = {"check": "quality_check", "import": "import_content"}


def _resolve_alias(argv: list[str]) -> list[str]:
    """Swap an aliased command word for its management command, if that command is installed."""
    if len(argv) < 2 or argv[1] not in ALIASES:
        return argv
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dateline.settings.dev")
    import django
    from django.core.management import get_commands

    django.setup()
    target = ALIASES[argv[1]]
    if target in get_commands():
        return [argv[0], target, *argv[2:]]
    return argv


def main(argv: list[str] | None = None) -> None:
    """Dispatch `dateline <command>`: our own commands first, then Django's manage.py commands."""
    argv = list(sys.argv if argv is None else argv)
    if len(argv) > 1 and argv[1] in COMMANDS:
        COMMANDS[argv[1]](argv[2:])
        return
    if len(argv) == 1 or argv[1] in {"-h", "--help"}:
        print("usage: dateline demo | serve | <manage.py command> [options]\n")
        print("  demo   prepare a SQLite demo site with sample content and serve it")
        print("  serve  run the production server (granian, with the page cache) and a worker")
        print("  worker run background tasks and scheduled publishing (docs/operations.md)")
        print("  check  the editorial quality report; import: import an archive")
        print("  backup PATH / restore PATH  one archive of the database and media, and back")
        print("  manage <command>  any Django/Wagtail management command, unaliased")
        print("  any other word runs the Django management command of that name\n")
    manage(_resolve_alias(argv))


if __name__ == "__main__":
    main()
