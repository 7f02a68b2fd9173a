"""The RQ backend on Redis (127.0.0.1:6379): tasks enqueued by the site, run by two workers."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import Counter

import redis
from django.test import SimpleTestCase, override_settings

from dateline.core.testing import require

REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"
RQ_TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@override_settings(TASKS=RQ_TASKS)
class RqWorkersTests(SimpleTestCase):
    def test_two_workers_run_every_task_once(self):
        require(redis_answers(), f"Redis not reachable at {REDIS_URL}")
        import django_rq

        from dateline.core.tasks import task_backlog
        from dateline.core.tests.tasks import note

        queue = django_rq.get_queue("default")
        queue.empty()
        path = os.path.join(tempfile.mkdtemp(), "noted")
        for value in range(20):
            note.enqueue(path, value)
        backlog = task_backlog()
        self.assertEqual((backlog.backend, backlog.pending), ("RQBackend", 20))
        self.assertIsNotNone(backlog.oldest_enqueued_at)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "dateline.settings.dev",
            "DEBUG": "0",
            "DATELINE_DATA_DIR": tempfile.mkdtemp(),
            "DATELINE_TASKS_BACKEND": "rq",
            "DATELINE_TASKS_REDIS_URL": REDIS_URL,
        }
        command = [sys.executable, "-m", "dateline.cli", "worker", "--batch"]
        workers = [
            subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            for _ in range(2)
        ]
        outputs = [worker.communicate(timeout=120)[0].decode() for worker in workers]
        for worker, output in zip(workers, outputs, strict=True):
            self.assertEqual(worker.returncode, 0, output)
        with open(path) as noted:
            words = noted.read().split()
        lines, pids = words[::2], words[1::2]
        print("tasks per worker process:", Counter(pids))
        self.assertEqual(Counter(lines), Counter(str(v) for v in range(20)), "each task once")
        self.assertEqual(task_backlog().pending, 0)
