"""scripts/audit.sh: known vulnerabilities fail the test command; an unreachable service only skips.

pip-audit is replaced by a stand-in that writes a prepared report, so these tests need no network.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dateline.settings.env import PROJECT_ROOT

SCRIPT = PROJECT_ROOT / "scripts" / "audit.sh"


def _run(tmp_path: Path, *, report: dict | None, stderr: str = "", status: int = 0):
    """Run the audit script with a stand-in pip-audit that writes `report` and exits `status`."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    prepared = tmp_path / "report.json"
    if report is not None:
        prepared.write_text(json.dumps(report))
    fake = bin_dir / "pip-audit"
    fake.write_text(
        "#!/usr/bin/env bash\n"
        'while [ $# -gt 0 ]; do [ "$1" = --output ] && out="$2"; shift; done\n'
        f'[ -f "{prepared}" ] && cp "{prepared}" "$out"\n'
        f"echo {json.dumps(stderr)} >&2\n"
        f"exit {status}\n"
    )
    fake.chmod(0o755)
    env = {**os.environ, "VENV": str(tmp_path / "venv"), "DATELINE_AUDIT": "1"}
    return subprocess.run(
        ["bash", str(SCRIPT)], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def _dependency(name: str, vulns: list | None = None, skipped: bool = False) -> dict:
    if skipped:
        return {"name": name, "skip_reason": "Dependency not found"}
    return {"name": name, "version": "1.0", "vulns": vulns or []}


def test_a_known_vulnerability_fails(tmp_path):
    vuln = {"id": "PYSEC-0000-1", "fix_versions": ["1.1"]}
    result = _run(
        tmp_path,
        report={"dependencies": [_dependency("django", [vuln]), _dependency("lxml")]},
        status=1,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "django 1.0: PYSEC-0000-1 (fixed in 1.1)" in result.stdout


def test_a_clean_lock_passes_and_says_how_much_was_audited(tmp_path):
    report = {"dependencies": [_dependency("django"), _dependency("local", skipped=True)]}
    result = _run(tmp_path, report=report)
    assert result.returncode == 0
    assert "1 packages audited, no known vulnerabilities, 1 could not be audited" in result.stdout


@pytest.mark.parametrize(
    ("report", "stderr", "status"),
    [
        (None, "requests.exceptions.ConnectionError: Max retries exceeded", 1),
        ({"dependencies": [_dependency("django", skipped=True)]}, "", 0),
    ],
    ids=["network error", "service answered for nothing"],
)
def test_an_unreachable_service_skips_without_failing(tmp_path, report, stderr, status):
    result = _run(tmp_path, report=report, stderr=stderr, status=status)
    assert result.returncode == 0
    assert result.stdout.startswith("pip-audit: SKIPPED")
