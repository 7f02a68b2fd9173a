"""Rendered pages through the Nu HTML Checker (vnu.jar from the npm package vnu-jar, run with Java).

All pages go to one vnu invocation. Skipped with a reason when Java or the jar is missing, except under
CI=true, where a missing checker is a failure. scripts/test.sh installs the jar (`npm ci` in tools/vnu).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from wagtail.test.utils import WagtailPageTestCase

from dateline.distribution.tests.fixtures import NewsroomData
from dateline.settings.env import PROJECT_ROOT

VNU_JAR = Path(
    os.environ.get(
        "DATELINE_VNU_JAR",
        PROJECT_ROOT / "tools" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar",
    )
)


def checker_command() -> list[str] | None:
    """Return the command that runs vnu.jar, or None when Java or the jar is missing."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.is_file():
        return None
    return [java, "-Xss2m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always"]


def html_errors(command: list[str], pages: dict[str, bytes]) -> list[str]:
    """Run the checker (`checker_command`) on `pages` (name -> HTML); return its errors, one a line.

    Each error names the page and line: "article.html:12: Stray end tag “div”."
    """
    with tempfile.TemporaryDirectory(prefix="dateline-vnu-") as folder:
        files = []
        for name, content in pages.items():
            path = Path(folder) / f"{name}.html"
            path.write_bytes(content)
            files.append(str(path))
        result = subprocess.run(  # noqa: S603 - our own command line
            [*command, *files], capture_output=True, text=True, timeout=300, check=False
        )
    report = json.loads(result.stderr or result.stdout)
    return [
        f"{Path(m.get('url', '')).name}:{m.get('lastLine')}: {m.get('message')}"
        for m in report["messages"]
        if m.get("type") == "error" or m.get("subType") == "fatal"
    ]


class HtmlValidityTests(NewsroomData, WagtailPageTestCase):
    def test_pages_have_no_html_errors(self):
        command = checker_command()
        if command is None:
            reason = (
                f"Nu HTML Checker unavailable (need java and {VNU_JAR}; run npm ci in tools/vnu)"
            )
            if os.environ.get("CI") == "true":
                self.fail(reason)
            self.skipTest(reason)
        urls = {
            "article-hostile-headline": self.hostile.url,
            "article": self.older[0].url,
            "home": "/",
            "section": "/world/",
            "empty-section": "/empty-desk/",
            "author-non-latin": "/authors/wang-xiaoming/",
            "tag-thin": "/tags/lonely/",
            "tag": "/tags/harbour/",
            "search": "/search/?q=harbour",
            "not-found": "/no-such-page/",
        }
        pages = {}
        for name, url in urls.items():
            response = self.client.get(url)
            self.assertIn(response.status_code, (200, 404), url)
            pages[name] = response.content
        errors = html_errors(command, pages)
        self.assertEqual(errors, [], "\n".join(errors))
