"""`dateline serve`'s server settings (`dateline.cli`)."""

from __future__ import annotations

from unittest import mock

from django.test import SimpleTestCase

from dateline import cli


class ServerThreadsTests(SimpleTestCase):
    def test_threads_follow_the_database_unless_configured(self):
        sqlite, postgres = "django.db.backends.sqlite3", "django.db.backends.postgresql"
        self.assertEqual(cli.server_threads(configured=None, engine=sqlite), "1")
        self.assertEqual(cli.server_threads(configured="", engine=postgres), "4")
        self.assertEqual(cli.server_threads(configured="3", engine=sqlite), "3")

    def test_granian_gets_the_thread_count(self):
        with (
            mock.patch.dict("os.environ", {"DATELINE_SERVER_THREADS": "2"}),
            mock.patch("os.execv") as execv,
        ):
            cli._server("127.0.0.1", 8000, 2)
        args = execv.call_args.args[1]
        self.assertEqual(args[args.index("--blocking-threads") + 1], "2")
        self.assertEqual(args[args.index("--workers") + 1], "2")
