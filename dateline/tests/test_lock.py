"""The lock files: made from this pyproject.toml, and the check that says so when they are not."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _checkout_copy(tmp_path: Path) -> Path:
    """Copy what `scripts/lock.sh --check` reads into a scratch folder."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "lock.sh", tmp_path / "scripts" / "lock.sh")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "requirements", tmp_path / "requirements")
    return tmp_path


def _check(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(root / "scripts" / "lock.sh"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )


def test_lock_files_match_this_pyproject(tmp_path: Path) -> None:
    result = _check(_checkout_copy(tmp_path))
    assert result.returncode == 0, result.stderr


def test_a_dependency_added_without_relocking_fails_the_check(tmp_path: Path) -> None:
    root = _checkout_copy(tmp_path)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace('"tqdm>=4.66,<5",', '"tqdm>=4.66,<5",\n    "rq>=2,<3",', 1))
    result = _check(root)
    assert result.returncode == 1
    assert "run scripts/lock.sh" in result.stderr


def test_reordering_dependencies_needs_no_relock(tmp_path: Path) -> None:
    root = _checkout_copy(tmp_path)
    pyproject = root / "pyproject.toml"
    text = pyproject.read_text()
    swapped = text.replace(
        '"tqdm>=4.66,<5",\n    "defusedxml>=0.7,<0.8",',
        '"defusedxml>=0.7,<0.8",\n    "tqdm>=4.66,<5",',
    )
    assert swapped != text
    pyproject.write_text(swapped)
    assert _check(root).returncode == 0


def test_every_pin_carries_a_hash() -> None:
    for name in ("production.txt", "dev.txt", "model.txt"):
        lines = (ROOT / "requirements" / name).read_text().splitlines()
        pins = [i for i, line in enumerate(lines) if "==" in line and not line.startswith("#")]
        assert pins, name
        for i in pins:
            assert "--hash=sha256:" in lines[i + 1], f"{name}: {lines[i]} has no hash"
