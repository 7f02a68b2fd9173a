"""Find a WordPress export's attachments in a copy of `wp-content/uploads` (`--media-dir`), offline.

Nothing is downloaded: an attachment is looked for by its `_wp_attached_file` path, by the part of
its URL after `/wp-content/uploads/`, by its URL path, and finally by file name anywhere under the
folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit


def url_key(url: str) -> str:
    """Return a URL as host (without `www.`) and unquoted path, to match images to attachments."""
    parts = urlsplit(url)
    return f"{parts.netloc.lower().removeprefix('www.')}{unquote(parts.path)}"


def attachment_paths(url: str, attached_file: str) -> list[str]:
    """Return where under the uploads folder an attachment's file may be, best guess first."""
    path = unquote(urlsplit(url).path)
    candidates = [attached_file] if attached_file else []
    if "/wp-content/uploads/" in path:
        candidates.append(path.split("/wp-content/uploads/", 1)[1])
    candidates.append(path)
    # Files on wordpress.com are served from /YYYY/MM/name.
    candidates.append(path.lstrip("/"))
    return [c for c in candidates if c]


class MediaFolder:
    """The `--media-dir` of a run (or none): finds files in it, never outside it."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._by_name: dict[str, list[Path]] | None = None

    def find(self, candidates: list[str]) -> Path | None:
        """Find an attachment's file under --media-dir: by relative path, then by file name."""
        if self.root is None:
            return None
        root = self.root.resolve()
        for candidate in candidates:
            candidate = candidate.lstrip("/")
            if not candidate or ".." in Path(candidate).parts:
                continue
            path = (root / candidate).resolve()
            if path.is_file() and path.is_relative_to(root):
                return path
        if self._by_name is None:
            self._by_name = {}
            for folder, _dirs, files in os.walk(root):
                for name in files:
                    self._by_name.setdefault(name.lower(), []).append(Path(folder) / name)
        for candidate in candidates:
            matches = self._by_name.get(Path(candidate).name.lower(), [])
            if matches:
                return sorted(matches)[0]
        return None
