"""The `dateline` command (`dateline.cli`): the server's settings and the unaliased `manage`."""

from __future__ import annotations

import io
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
