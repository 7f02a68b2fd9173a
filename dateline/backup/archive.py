"""The backup archive's format: a gzipped tar with a manifest first, the rows, then the media.

    manifest.json          format, version, when, the migrations applied, each table's file and count
    data/<app.Model>.jsonl one JSON list per row, the model's own columns in the manifest's order
    media/...              the media folder as it was (original images, renditions, documents)

The manifest names each data file's SHA-256 and the media's file count and size, so a damaged or
truncated archive is found before anything in the database is touched.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

FORMAT = "dateline-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATA_PREFIX = "data/"
MEDIA_PREFIX = "media/"


class BackupError(Exception):
    """A backup cannot be written or read, in words an operator can act on."""


@dataclass(frozen=True)
class MediaTotals:
    """How many media files an archive holds, and their size in bytes."""

    files: int
    bytes: int


def media_files(root: Path) -> Iterator[Path]:
    """Yield every regular file under the media folder, in a stable order."""
    if not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path


def archive_write(
    path: Path, *, manifest: dict[str, Any], data_dir: Path, media_root: Path
) -> MediaTotals:
    """Write the archive at `path`: the manifest, each data file named in it, then the media.

    The archive is written beside `path` and renamed into place, so an interrupted backup never
    leaves a file that looks complete.
    """
    files = list(media_files(media_root))
    totals = MediaTotals(files=len(files), bytes=sum(file.stat().st_size for file in files))
    manifest = {**manifest, "media": {"files": totals.files, "bytes": totals.bytes}}
    partial = path.with_name(path.name + ".partial")
    try:
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            body = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = 0
            tar.addfile(info, io.BytesIO(body))
            for table in manifest["tables"]:
                tar.add(data_dir / table["file"], arcname=table["file"], recursive=False)
            for file in files:
                arcname = MEDIA_PREFIX + file.relative_to(media_root).as_posix()
                tar.add(file, arcname=arcname, recursive=False)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return totals


def _open(path: Path) -> tarfile.TarFile:
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        return tarfile.open(path, "r:gz")
    except (tarfile.ReadError, EOFError, OSError, zlib.error) as error:
        raise BackupError(
            f"{path} is not a Dateline backup (not a gzipped tar archive: {error})"
        ) from error


def _regular_file(tar: tarfile.TarFile, member: tarfile.TarInfo) -> IO[bytes]:
    """Return the member's contents, refusing a member that is not a plain file (a link, a folder)."""
    stream = tar.extractfile(member)
    if stream is None:
        raise BackupError(f"{member.name} in the archive is not a regular file")
    return stream


def _manifest(tar: tarfile.TarFile, path: Path) -> dict[str, Any]:
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile():
        raise BackupError(f"{path} is not a Dateline backup (it has no {MANIFEST} first)")
    stream = _regular_file(tar, first)
    try:
        manifest = json.loads(stream.read())
    except ValueError as error:
        raise BackupError(f"{path}: its {MANIFEST} is not valid JSON ({error})") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Dateline backup (its manifest names another format)")
    version = manifest.get("version")
    if version != VERSION:
        raise BackupError(
            f"{path} is a Dateline backup of format version {version!r}; this Dateline reads "
            f"version {VERSION} only (restore it with the Dateline release that wrote it)"
        )
    return manifest


def _digest(stream: IO[bytes]) -> str:
    sha = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        sha.update(chunk)
    return sha.hexdigest()


def _size(stream: IO[bytes]) -> int:
    size = 0
    for chunk in iter(lambda: stream.read(1 << 20), b""):
        size += len(chunk)
    return size


def archive_verify(path: Path) -> dict[str, Any]:
    """Read the whole archive and return its manifest, or raise BackupError saying what is wrong.

    Checks the format and version, every data file against its SHA-256, and the media's count
    and size, so a truncated or damaged archive is refused before a restore changes anything.
    """
    with _open(path) as tar:
        try:
            manifest = _manifest(tar, path)
            expected = {table["file"]: table["sha256"] for table in manifest["tables"]}
            seen: set[str] = set()
            media = MediaTotals(0, 0)
            for member in tar:
                if not member.isfile() or member.name == MANIFEST:
                    continue
                if member.name in expected:
                    stream = _regular_file(tar, member)
                    if _digest(stream) != expected[member.name]:
                        raise BackupError(f"{path}: {member.name} is damaged (checksum differs)")
                    seen.add(member.name)
                elif member.name.startswith(MEDIA_PREFIX):
                    stream = _regular_file(tar, member)
                    size = _size(stream)
                    media = MediaTotals(media.files + 1, media.bytes + size)
                else:
                    raise BackupError(f"{path}: unexpected member {member.name!r}")
        except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
            raise BackupError(f"{path} is truncated or damaged ({error})") from error
        except (KeyError, TypeError) as error:
            raise BackupError(f"{path}: its manifest is incomplete ({error})") from error
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(f"{path} is truncated: {len(missing)} data files missing ({missing[0]}…)")
    declared = manifest.get("media", {})
    if (media.files, media.bytes) != (declared.get("files"), declared.get("bytes")):
        raise BackupError(
            f"{path} is truncated: it holds {media.files} media files ({media.bytes} bytes), "
            f"its manifest {declared.get('files')} ({declared.get('bytes')} bytes)"
        )
    return manifest


def archive_data(path: Path) -> Iterator[tuple[str, Iterator[list[Any]]]]:
    """Yield each data file of a verified archive, in order, with an iterator over its rows.

    One pass over the archive: consume each file's rows before asking for the next file.
    """
    with _open(path) as tar:
        for member in tar:
            if member.name.startswith(MEDIA_PREFIX):
                return
            if not member.name.startswith(DATA_PREFIX):
                continue
            stream = _regular_file(tar, member)
            yield member.name, (json.loads(line) for line in stream)


def archive_media_extract(path: Path, media_root: Path) -> int:
    """Unpack the archive's media into `media_root`; return how many files.

    Members are extracted with tarfile's "data" filter: no absolute paths, no `..`, no links
    out of the folder, no device files.
    """
    count = 0
    media_root.mkdir(parents=True, exist_ok=True)
    with _open(path) as tar:
        for member in tar:
            if not member.isfile() or not member.name.startswith(MEDIA_PREFIX):
                continue
            member.name = member.name[len(MEDIA_PREFIX) :]
            try:
                tar.extract(member, media_root, filter="data")
            except tarfile.FilterError as error:
                raise BackupError(f"{path}: refused media member ({error})") from error
            count += 1
    return count
