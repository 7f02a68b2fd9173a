"""Find and read saved pages on disk: which files are pages, their bytes, and images saved beside them.

Nothing is fetched: a page's lead image is used only when the browser saved it with the page.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dateline.importers.content import IMAGE_EXTENSIONS
from dateline.importers.report import ImportFailed

PAGE_SUFFIXES = {".html", ".htm", ".xhtml", ".txt", ".gz"}
MAX_PAGE_BYTES = 20 * 1024 * 1024


def read_page(path: Path) -> bytes:
    """Return a saved page's bytes (gunzipped for .gz), refusing files too large to be one page."""
    if path.stat().st_size > MAX_PAGE_BYTES:
        raise ImportFailed(f"{path}: larger than {MAX_PAGE_BYTES // 2**20} MB, not a saved page.")
    data = path.read_bytes()
    if path.suffix == ".gz":
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as handle:
            data = handle.read(MAX_PAGE_BYTES + 1)
        if len(data) > MAX_PAGE_BYTES:
            raise ImportFailed(f"{path}: expands past {MAX_PAGE_BYTES // 2**20} MB.")
    return data


def page_paths(source: Path) -> list[Path]:
    """Return the saved pages at `source`: the file itself, or every page under the folder, sorted."""
    if source.is_file():
        return [source]
    if source.is_dir():
        return sorted(
            p for p in source.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES
        )
    raise ImportFailed(f"{source}: no such file or folder.")


def local_image(path: Path, url: str) -> Path | None:
    """Return the saved copy of an image beside the page (browsers save `page_files/`), if any."""
    if not url:
        return None
    name = Path(unquote(urlsplit(url).path)).name
    if not name or Path(name).suffix.lower() not in IMAGE_EXTENSIONS:
        return None
    folder = path.parent
    candidates = [folder / unquote(url)] if not urlsplit(url).scheme else []
    candidates += [folder / name, *folder.glob(f"*_files/{name}")]
    for candidate in candidates:
        try:
            resolved = candidate.resolve()
        except OSError:
            continue
        if resolved.is_file() and resolved.is_relative_to(folder.resolve()):
            return resolved
    return None
