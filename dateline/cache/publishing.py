"""Static publishing and the tag-to-URL index that purges files and CDN copies exactly.

When `DATELINE_STATIC_PAGES_DIR` is set, every page stored for anonymous readers is also written as
`<dir>/<host>/<local date>/<path>/index.html`, which the shipped nginx configuration serves directly
(falling back to the application when the file is missing). When static publishing or a CDN
(`WAGTAILFRONTENDCACHE`) is configured, each stored page is recorded under each of its tags as one small
file, `<index dir>/<tag>/<hash of URL>`: creating a file is atomic, so concurrent workers never lose
each other's records, and a purge reads exactly the URLs and files that carry the purged tags.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

from dateline.cache.store import Entry, raw_host
from dateline.core.cachetags import cache_valid_until_of

log = logging.getLogger(__name__)
_SAFE_TAG = re.compile(r"[^a-zA-Z0-9_.-]")
_HOST_PORT = re.compile(r"^(?P<host>\[[^\]]+\]|[^:]+)(?::\d+)?$")
_DATE_DIR = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def static_dir() -> Path | None:
    """Return the static publishing folder, or None when static publishing is off."""
    value = getattr(settings, "DATELINE_STATIC_PAGES_DIR", "")
    return Path(value) if value else None


def index_dir() -> Path:
    """Return the folder of the tag-to-URL index."""
    return Path(settings.DATELINE_CACHE_INDEX_DIR)


def index_enabled() -> bool:
    """Return whether URLs must be recorded: for static files or a CDN to purge."""
    return static_dir() is not None or bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def host_name(http_host: str) -> str:
    """Return the host without its port, lower-cased, as nginx's `$host` has it."""
    match = _HOST_PORT.match(http_host.strip().lower())
    return match.group("host") if match else ""


def static_path(*, root: Path, host: str, local_date: str, path: str) -> Path | None:
    """Return the file a page is published to, or None for a path that cannot be a safe file name."""
    if not host or "\x00" in path or not path.startswith("/") or not path.endswith("/"):
        return None
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") for part in parts) or "/" in host or host.startswith("."):
        return None
    return root.joinpath(host, local_date, *parts, "index.html")


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _prune_old_days(host_dir: Path, keep: str) -> None:
    """Remove published days before `keep` (yesterday's pages are never served again)."""
    for child in host_dir.iterdir():
        if child.is_dir() and _DATE_DIR.match(child.name) and child.name < keep:
            shutil.rmtree(child, ignore_errors=True)


def page_written(*, request: HttpRequest, entry: Entry) -> None:
    """Publish a just-stored page as a static file (when on) and record it under its tags.

    A page that changes by itself before midnight (`cachetags.cache_valid_until`: a banner's start
    or expiry) is not published as a file: nginx serves files until the local day ends and could
    not drop it at that instant. It is still recorded, so the CDN's copy is purged by tag.
    """
    if not index_enabled():
        return
    url = request.build_absolute_uri()
    file_path: Path | None = None
    root = static_dir()
    if (
        root is not None
        and request.method == "GET"
        and not request.META.get("QUERY_STRING")
        and not _changes_before_day_ends(request, entry)
    ):
        host = host_name(raw_host(request.META))
        file_path = static_path(
            root=root, host=host, local_date=entry.local_date, path=request.path_info
        )
        if file_path is not None:
            day_dir = root / host / entry.local_date
            if not day_dir.exists():
                day_dir.mkdir(parents=True, exist_ok=True)
                _prune_old_days(root / host, keep=_day_before(entry.local_date))
            _write_atomically(file_path, entry.body)
    record = f"{url}\t{file_path or ''}".encode()
    name = hashlib.blake2b(record, digest_size=16).hexdigest()
    for tag in entry.tags:
        _write_atomically(index_dir() / _SAFE_TAG.sub("_", tag) / name, record)


def _changes_before_day_ends(request: HttpRequest, entry: Entry) -> bool:
    """Return whether the page changes by itself before its local day ends (its expiry was cut)."""
    until = cache_valid_until_of(request)
    return until is not None and until.timestamp() <= entry.expires_at


def _day_before(iso_date: str) -> str:
    return (dt.date.fromisoformat(iso_date) - dt.timedelta(days=1)).isoformat()


def index_pop(tags: list[str]) -> tuple[list[str], list[Path]]:
    """Return (and forget) the URLs and static files recorded under any of `tags`."""
    urls: set[str] = set()
    files: set[Path] = set()
    for tag in tags:
        folder = index_dir() / _SAFE_TAG.sub("_", tag)
        if not folder.is_dir():
            continue
        for record_file in folder.iterdir():
            try:
                url, _, file_name = record_file.read_text().partition("\t")
                record_file.unlink()
            except (FileNotFoundError, UnicodeDecodeError):
                continue
            urls.add(url)
            if file_name:
                files.add(Path(file_name))
    return sorted(urls), sorted(files)


def files_remove(files: list[Path]) -> int:
    """Delete published files (inside the static folder only); return how many were removed."""
    root = static_dir()
    removed = 0
    for path in files:
        if root is None or not path.resolve().is_relative_to(root.resolve()):
            continue
        try:
            path.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed
