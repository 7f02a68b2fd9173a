"""The page store: keys, entries, tag versions and the lookup both the WSGI front and the middleware use.

A stored page is valid while (1) the newsroom's local day it was rendered on has not ended, and (2)
none of its tags was purged since. Purging a tag replaces the tag's version token, so every entry that
recorded the old token stops matching: one write invalidates any number of pages, with no list of
pages to keep in step. Each process also keeps the entries it served recently in memory, re-checked
against the tag versions whenever the global purge token moves, so a hit costs one small cache read.

Nothing here touches the database: a hit makes zero queries.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from email.utils import formatdate, parsedate_to_datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.core.cache import caches
from django.core.signals import setting_changed

from dateline.core import dates
from dateline.core.cachetags import ALL

SEQ_KEY = "dateline:pagecache:seq"
# Set in the WSGI environ when the front already looked the page up, so the middleware does not.
LOOKED_UP = "dateline.cache.looked_up"
_MEMO_SIZE = 2000


@dataclass(frozen=True, slots=True)
class Entry:
    """One stored page: what to send, what it depends on, and until when it may be sent."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    tags: tuple[str, ...]
    versions: tuple[str | None, ...]  # tag version tokens when rendered, same order as `tags`
    # epoch seconds: the newsroom's next local midnight after rendering, or the earlier instant the
    # page changes by itself (a banner's start or expiry: `cachetags.cache_valid_until`)
    expires_at: float
    local_date: str  # the newsroom's local date the page was rendered for (ISO)
    etag: str
    last_modified: float  # epoch seconds


class _Conf:
    """The settings a hit reads, looked up once per process (Django's settings object is slow)."""

    def __init__(self) -> None:
        self.alias = "pages" if "pages" in settings.CACHES else "default"
        self.enabled = bool(getattr(settings, "DATELINE_PAGE_CACHE", False))
        self.keep = frozenset(settings.DATELINE_PAGE_CACHE_QUERY_PARAMS)
        self.ignored = frozenset(settings.DATELINE_PAGE_CACHE_IGNORED_PARAMS)
        self.skip = tuple(settings.DATELINE_PAGE_CACHE_SKIP_PREFIXES)
        self.session_marker = f"{settings.SESSION_COOKIE_NAME}="
        self.forwarded_host = bool(settings.USE_X_FORWARDED_HOST)
        self.timeout = settings.DATELINE_PAGE_CACHE_TIMEOUT
        self.s_maxage = settings.DATELINE_PAGE_CACHE_S_MAXAGE
        self.swr = settings.DATELINE_PAGE_CACHE_SWR
        # Stored pages keep the response headers they were rendered with (security policies
        # among them), so the keys name those settings: a deploy that changes one renders afresh.
        headers = repr(
            [
                getattr(settings, name, None)
                for name in (
                    "DATELINE_CSP",
                    "DATELINE_PERMISSIONS_POLICY",
                    "SECURE_CONTENT_TYPE_NOSNIFF",
                    "SECURE_REFERRER_POLICY",
                    "SECURE_CROSS_ORIGIN_OPENER_POLICY",
                    "X_FRAME_OPTIONS",
                )
            ]
        )
        self.key_prefix = (
            "dateline:pagecache:page:"
            + hashlib.blake2b(headers.encode(), digest_size=4).hexdigest()
            + ":"
        )
        backend = settings.CACHES[self.alias]
        # With the file cache (one machine), the purge token is a file whose identity is checked
        # with one stat() per hit; with Redis it is a key, shared by every machine.
        self.seq_file = (
            Path(backend["LOCATION"]) / "dateline-purge-token"
            if backend["BACKEND"].endswith("FileBasedCache")
            else None
        )


_conf: _Conf | None = None


def conf() -> _Conf:
    """Return the page cache's settings, read once per process."""
    global _conf
    if _conf is None:
        _conf = _Conf()
    return _conf


def _settings_changed(**kwargs) -> None:
    global _conf
    _conf = None


setting_changed.connect(_settings_changed, dispatch_uid="dateline-page-cache-conf")


def store_alias() -> str:
    """Return the cache alias holding pages: `pages` when configured, else `default`."""
    return conf().alias


def store():
    """Return the Django cache that holds pages and tag versions."""
    return caches[conf().alias]


def enabled() -> bool:
    """Return whether the page cache is switched on (`DATELINE_PAGE_CACHE`)."""
    return conf().enabled


def now_epoch() -> float:
    """Return the current time in epoch seconds, through `dates.local_now` so tests can travel."""
    return dates.local_now(dt.UTC).timestamp()


def tag_key(tag: str) -> str:
    """Return the cache key of a tag's version token."""
    return f"dateline:pagecache:tag:{tag}"


def new_token() -> str:
    """Return a fresh random version token."""
    return secrets.token_hex(8)


def normalised_query(query_string: str) -> str | None:
    """Return the query parameters that matter, sorted, or None when the request must not be cached.

    Parameters in `DATELINE_PAGE_CACHE_QUERY_PARAMS` (e.g. `page`) are part of the key; tracking
    parameters (`utm_*`, `fbclid`, ...) are dropped; any other parameter bypasses the cache, so random
    query strings cannot fill it and a parameter a page reads is never ignored.
    """
    if not query_string:
        return ""
    keep = conf().keep
    ignored = conf().ignored
    kept = []
    for name, value in parse_qsl(query_string, keep_blank_values=True):
        if name in keep:
            kept.append((name, value))
        elif name in ignored or name.startswith("utm_"):
            continue
        else:
            return None
    return urlencode(sorted(kept))


def page_key(*, scheme: str, host: str, path: str, query_string: str) -> str | None:
    """Return the cache key of a page, or None when this URL is not cacheable."""
    query = normalised_query(query_string)
    if query is None:
        return None
    raw = f"{scheme}://{host.lower()}{path}?{query}"
    return conf().key_prefix + hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()


def raw_host(meta) -> str:
    """Return the request's host as sent, for keys and files: the one Django renders the page for.

    That is the Host header (else the server name), or X-Forwarded-Host only when the deployment
    trusts it (`USE_X_FORWARDED_HOST`, off by default), exactly as `HttpRequest.get_host` picks:
    a key from any other header would let a client store a page rendered for one host under
    another's key.
    """
    if conf().forwarded_host and "HTTP_X_FORWARDED_HOST" in meta:
        return meta["HTTP_X_FORWARDED_HOST"]
    return meta.get("HTTP_HOST") or meta.get("SERVER_NAME", "")


def path_cacheable(path: str) -> bool:
    """Return whether a path may be served from the cache (never the admin, search or files)."""
    return not path.startswith(conf().skip)


def has_session_cookie(cookie_header: str) -> bool:
    """Return whether the Cookie header carries a session: such requests always bypass the cache."""
    return conf().session_marker in cookie_header


def current_seq() -> str:
    """Return the global purge token, creating it when missing (first run, or the cache was flushed)."""
    seq_file = conf().seq_file
    if seq_file is not None:
        try:
            found = os.stat(seq_file)
        except FileNotFoundError:
            seq_move()
            found = os.stat(seq_file)
        return f"{found.st_ino}:{found.st_mtime_ns}:{found.st_size}"
    cache = store()
    seq = cache.get(SEQ_KEY)
    if seq is None:
        cache.add(SEQ_KEY, new_token(), timeout=None)
        seq = cache.get(SEQ_KEY)
    return seq


def seq_move() -> None:
    """Move the global purge token on, so every process re-checks the pages it remembers."""
    seq_file = conf().seq_file
    if seq_file is None:
        store().set(SEQ_KEY, new_token(), timeout=None)
        return
    seq_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = seq_file.with_name(f".{seq_file.name}.{new_token()}")
    temporary.write_text(new_token())
    # A new file (new inode) replaces the old one atomically: readers see one or the other.
    os.replace(temporary, seq_file)


class _Memo:
    """Entries this process served recently, with the purge token they were last checked against."""

    def __init__(self) -> None:
        self._items: OrderedDict[str, tuple[Entry, str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[Entry, str] | None:
        with self._lock:
            item = self._items.get(key)
            if item is not None:
                self._items.move_to_end(key)
            return item

    def put(self, key: str, entry: Entry, seq: str) -> None:
        with self._lock:
            self._items[key] = (entry, seq)
            self._items.move_to_end(key)
            while len(self._items) > _MEMO_SIZE:
                self._items.popitem(last=False)

    def drop(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


memo = _Memo()
_outages_seen = [0]  # outages of the page store's Redis this process has purged after


def store_usable() -> bool:
    """Return whether stored pages may be served and kept now; purge all after a Redis outage.

    While `FallbackRedisCache` answers from process memory (Redis away) nothing is served or kept:
    this process could not hear another's purge. The first call after Redis answers again purges
    every page (the `all` tag all pages carry), since purges made meanwhile may not have reached
    it. File and memory caches are always usable.
    """
    cache = store()
    if getattr(cache, "degraded", False):
        cache.get(SEQ_KEY)  # asks Redis again once its retry time has come, else memory
        if cache.degraded:
            return False
    ended = getattr(cache, "outages_ended", 0)
    if ended != _outages_seen[0]:
        _outages_seen[0] = ended
        cache.set(tag_key(ALL), new_token(), timeout=None)
        seq_move()
        memo.clear()
    return not getattr(cache, "degraded", False)


def entry_lookup(key: str) -> Entry | None:
    """Return the stored page for `key` if it is still valid now, else None.

    Valid means: the local day it was rendered on has not ended, and every tag it carries still has
    the version it had then. A process-local copy is trusted only while the global purge token is
    the one it was checked against.
    """
    now = now_epoch()
    if not store_usable():
        return None
    seq = current_seq()
    if not store_usable():  # that read found Redis away, or back (two attribute reads otherwise)
        return None
    remembered = memo.get(key)
    if remembered is not None:
        entry, checked_seq = remembered
        if now >= entry.expires_at:
            memo.drop(key)
            return None
        if checked_seq == seq:
            return entry
    else:
        entry = store().get(key)
        if entry is None or not isinstance(entry, Entry):
            return None
        if now >= entry.expires_at:
            return None
    versions = store().get_many([tag_key(tag) for tag in entry.tags])
    current = tuple(versions.get(tag_key(tag)) for tag in entry.tags)
    if current != entry.versions or None in current:
        memo.drop(key)
        return None
    memo.put(key, entry, seq)
    return entry


def entry_stored(key: str) -> Entry | None:
    """Return the page stored under `key` whether or not it is still valid (None when there is none).

    For when the page cannot be rendered because the database is unreachable: a copy that a
    purge or midnight made old is then better than no page (the middleware says it is stale).
    Also read before a render, for the tags the page had (`versions_before_render`).
    """
    remembered = memo.get(key)
    if remembered is not None:
        return remembered[0]
    if getattr(store(), "degraded", False):
        return None  # process memory holds no pages
    entry = store().get(key)
    return entry if isinstance(entry, Entry) else None


def tag_versions(tags: tuple[str, ...]) -> tuple[str | None, ...]:
    """Return the current version token of each tag, creating tokens for tags never seen before."""
    cache = store()
    keys = [tag_key(tag) for tag in tags]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    for key in missing:
        cache.add(key, new_token(), timeout=None)
    if missing:
        found.update(cache.get_many(missing))
    return tuple(found.get(key) for key in keys)


def versions_before_render(key: str) -> dict[str, str]:
    """Return the current versions of the tags the page at `key` had when last stored ({} if none).

    Read before a page renders: those versions predate every row the render reads, so a page whose
    tags are among them can be stored under them whatever was purged meanwhile (a purge of one of
    its tags makes that copy invalid at once; a purge of other tags leaves it valid).
    """
    if not store_usable():
        return {}
    previous = entry_stored(key)
    if previous is None:
        return {}
    found = store().get_many([tag_key(tag) for tag in previous.tags])
    return {tag: found[tag_key(tag)] for tag in previous.tags if tag_key(tag) in found}


def entry_save(
    *, key: str, entry: Entry, seq_at_start: str, versions_at_start: dict[str, str] | None = None
) -> bool:
    """Store `entry` under `key` unless a purge may have changed it mid-render; return whether stored.

    When every tag of the page had a version before it rendered (`versions_before_render`), it is
    stored under those versions. Otherwise (a page never stored, a new tag) a purge of any tag that
    landed mid-render may have changed data the page already read, so such a page is sent once
    and not kept.
    """
    if not store_usable():
        return False
    known = versions_at_start or {}
    if all(tag in known for tag in entry.tags):
        entry = replace(entry, versions=tuple(known[tag] for tag in entry.tags))
    elif current_seq() != seq_at_start:
        return False
    timeout = max(1, min(int(entry.expires_at - now_epoch()), conf().timeout))
    store().set(key, entry, timeout=timeout)
    return True


def http_date(epoch: float) -> str:
    """Return `epoch` as an HTTP date."""
    return formatdate(epoch, usegmt=True)


def cache_control(entry: Entry, *, now: float) -> str:
    """Return the Cache-Control of a page: browsers revalidate, shared caches keep it to midnight.

    `s-maxage` plus `stale-while-revalidate` never reaches past the newsroom's next local midnight,
    so no cache anywhere can serve yesterday's On this day entry.
    """
    remaining = max(0, int(entry.expires_at - now))
    s_maxage = min(conf().s_maxage, remaining)
    stale = max(0, min(conf().swr, remaining - s_maxage))
    return f"public, max-age=0, s-maxage={s_maxage}, stale-while-revalidate={stale}"


def not_modified(entry: Entry, *, if_none_match: str, if_modified_since: str) -> bool:
    """Return whether a conditional GET may be answered 304 (RFC 9110: If-None-Match wins)."""
    if if_none_match:
        candidates = {value.strip().removeprefix("W/") for value in if_none_match.split(",")}
        return "*" in candidates or entry.etag in candidates
    if if_modified_since:
        try:
            since = parsedate_to_datetime(if_modified_since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
        return int(entry.last_modified) <= since
    return False


_prepared: dict[int, tuple[Entry, list[tuple[str, str]]]] = {}


def _fixed_headers(entry: Entry) -> list[tuple[str, str]]:
    """Return the headers of `entry` that do not change while it is valid (built once per entry)."""
    found = _prepared.get(id(entry))
    if found is not None and found[0] is entry:
        return found[1]
    headers = [
        *entry.headers,
        ("ETag", entry.etag),
        ("Last-Modified", http_date(entry.last_modified)),
        ("Cache-Tag", ",".join(entry.tags)),
        ("Surrogate-Key", " ".join(entry.tags)),
    ]
    if len(_prepared) > _MEMO_SIZE:
        _prepared.clear()
    _prepared[id(entry)] = (entry, headers)
    return headers


def response_headers(entry: Entry, *, now: float, hit: bool) -> list[tuple[str, str]]:
    """Return the headers to send with `entry`: stored ones plus validators and cache policy."""
    return [
        *_fixed_headers(entry),
        ("Cache-Control", cache_control(entry, now=now)),
        ("X-Dateline-Cache", "hit" if hit else "miss"),
    ]
