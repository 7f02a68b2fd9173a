"""The `dateline` command (`dateline.cli`): the server's settings and the unaliased `manage`."""

from __future__ import annotations

import io
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import redirect_stdout

from django.test import SimpleTestCase, override_settings

from dateline import cli


class ServerThreadsTests(SimpleTestCase):
    def test_threads_follow_the_database_unless_configured(self):
        sqlite, postgres = "django.db.backends.sqlite3", "django.db.backends.postgresql"
        self.assertEqual(cli.server_threads(configured=None, engine=sqlite), "1")
        self.assertEqual(cli.server_threads(configured="", engine=postgres), "4")
        self.assertEqual(cli.server_threads(configured="3", engine=sqlite), "3")

    @override_settings(DATELINE_SERVER_THREADS="2")
    def test_granian_gets_the_thread_count(self):
        args = cli.server_command("127.0.0.1", 8000, 2)
        self.assertEqual(args[args.index("--blocking-threads") + 1], "2")
        self.assertEqual(args[args.index("--workers") + 1], "2")


class ManageTests(SimpleTestCase):
    def test_manage_runs_djangos_check_not_the_editorial_report(self):
        out = io.StringIO()
        with redirect_stdout(out):
            cli.main(["dateline", "manage", "check"])
        self.assertIn("System check identified no issues", out.getvalue())


class PortTests(SimpleTestCase):
    def test_a_busy_port_is_refused_with_a_clear_message(self):
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            port = busy.getsockname()[1]
            self.assertIn("already in use", cli.port_problem("127.0.0.1", port))
            for command in ("serve", "demo"):
                with self.subTest(command=command):
                    done = subprocess.run(
                        [sys.executable, "-m", "dateline.cli", command, "--port", str(port)],
                        capture_output=True,
                        text=True,
                        timeout=120,
                        env={**os.environ, "DATELINE_DATA_DIR": tempfile.mkdtemp()},
                    )
                    self.assertEqual(done.returncode, 2, done.stderr)
                    self.assertIn(f"port {port} on 127.0.0.1 is already in use", done.stderr)
        self.assertIsNone(cli.port_problem("127.0.0.1", port))

    def test_the_demo_site_answers_where_it_serves(self):
        self.assertEqual(cli.demo_site_host("0.0.0.0"), "127.0.0.1")
        self.assertEqual(cli.demo_site_host("192.0.2.7"), "192.0.2.7")


class WorkerBesideServerTests(SimpleTestCase):
    """`dateline demo` and `dateline serve` run a task worker beside the web server."""

    def test_the_worker_is_started_restarted_and_stopped_with_the_server(self):
        folder = tempfile.mkdtemp()
        starts = os.path.join(folder, "starts")
        # The worker notes each start and then exits (as a crash would) until it has been started
        # twice; the server waits for the second start and then stops with its own exit code.
        worker = [
            sys.executable,
            "-c",
            "import os, sys, time\n"
            f"open({starts!r}, 'a').write('start\\n')\n"
            f"if open({starts!r}).read().count('start') < 2: sys.exit(1)\n"
            "time.sleep(600)\n",
        ]
        server = [
            sys.executable,
            "-c",
            "import os, sys, time\n"
            f"while not os.path.exists({starts!r}) or open({starts!r}).read().count('start') < 2:\n"
            "    time.sleep(0.05)\n"
            "sys.exit(3)\n",
        ]
        self.assertEqual(cli.supervise(server, worker), 3)
        with open(starts) as noted:
            self.assertEqual(noted.read().count("start"), 2)

    def test_a_worker_told_to_stop_is_not_started_again(self):
        # Finding: on SIGTERM the worker stopped before the server, and the supervisor, seeing
        # it gone, started a new one during the shutdown.
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        starts = os.path.join(folder, "starts")
        worker = [
            sys.executable,
            "-c",
            f"open({starts!r}, 'a').write('start\\n')\nimport time\ntime.sleep(600)\n",
        ]
        # The server takes a second to stop after SIGTERM, as granian drains its requests.
        server = [
            sys.executable,
            "-c",
            "import signal, sys, time\n"
            "signal.signal(signal.SIGTERM, lambda *a: (time.sleep(1.5), sys.exit(0)))\n"
            "time.sleep(600)\n",
        ]
        supervisor = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-c",
             f"from dateline.cli import supervise\nsupervise({server!r}, {worker!r})"],
        )  # fmt: skip
        self.addCleanup(lambda: supervisor.poll() is None and supervisor.kill())
        deadline = time.monotonic() + 60
        while not os.path.exists(starts) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=60)
        with open(starts) as noted:
            self.assertEqual(noted.read().count("start"), 1)

    def test_the_worker_command_is_dateline_worker(self):
        self.assertEqual(cli.worker_command()[-3:], ["-m", "dateline.cli", "worker"])
