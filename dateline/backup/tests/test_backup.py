"""Backups: a round trip into an empty database and data folder, and the archives a restore refuses.

The round trip backs up the test database in this process, restores the archive with the real
`dateline restore` into a new database of the same engine (a new SQLite file, or a new PostgreSQL
database) and a new data folder, then backs that up again: every table's rows must come back
equal, the media files byte for byte, and the restored site must answer readers (the article, its
redirect, its image's rendition, the reader search).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.files.images import ImageFile
from django.core.management import CommandError, call_command
from django.db import connection
from PIL import Image as PillowImage
from wagtail.contrib.redirects.models import Redirect
from wagtail.images.models import Image

from dateline.backup.archive import BackupError
from dateline.backup.services import backup_create, backup_restore
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)
from dateline.newsroom.services import page_publish
from dateline.related.models import RelatedLink

ROOT = Path(__file__).resolve().parents[3]


def _png(colour: str) -> ImageFile:
    buffer = io.BytesIO()
    PillowImage.new("RGB", (320, 200), colour).save(buffer, "PNG")
    return ImageFile(buffer, name=f"{colour}.png")


def _site_with_everything() -> dict[str, Any]:
    """Build a small site: published stories with revisions, an image and rendition, a redirect."""
    home = home_page()
    section = SectionPageFactory(parent=home, title="Harbour", slug="harbour")
    reporter = AuthorFactory(name="Tomás Ortega", slug="tomas-ortega")
    photo = Image.objects.create(
        title="Cranes at dawn", description="Two cranes over the quay", file=_png("navy")
    )
    rendition = photo.get_rendition("fill-160x100")
    stories = []
    for number, words in enumerate(
        [
            "The harbour cranes unloaded a record cargo of timber before the storm.",
            "Harbour workers praised the timber cargo record and the new cranes.",
            "Storm warnings closed the harbour as the timber ships waited offshore.",
        ]
    ):
        story = ArticlePageFactory(
            parent=section,
            title=f"Harbour timber story {number}",
            slug=f"harbour-timber-{number}",
            body=paragraphs(words, "Dockers counted the logs twice."),
            authors=[reporter],
            tags=["harbour", "timber"],
        )
        story.lead_image = photo
        stories.append(page_publish(page=story))
    Redirect.objects.create(old_path="/old/harbour-story", redirect_page=stories[0])
    return {"stories": stories, "photo": photo, "rendition": rendition}


def _env(data_dir: Path, database_url: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "DATELINE_DATA_DIR"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="dateline.settings.dev",
        DATABASE_URL=database_url,
        DATELINE_DATA_DIR=str(data_dir),
        DEBUG="0",
        ALLOWED_HOSTS="testserver,localhost",
        DATELINE_RELATED_MODE="lexical",
    )
    return env


def _dateline(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "dateline.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert result.returncode == 0, f"dateline {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result.stdout


def _normalised(value: Any) -> Any:
    """A row value with JSON text parsed (PostgreSQL's jsonb orders keys its own way)."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return _normalised(json.loads(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return [_normalised(item) for item in value]
    if isinstance(value, dict):
        return {key: _normalised(item) for key, item in value.items()}
    return value


def _contents(archive: Path) -> tuple[dict[str, list[Any]], dict[str, str]]:
    """Return an archive's rows by model and its media files' SHA-256 by path."""
    tables: dict[str, list[Any]] = {}
    media: dict[str, str] = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar:
            stream = tar.extractfile(member)
            if stream is None:
                continue
            if member.name.startswith("data/"):
                tables[member.name] = [_normalised(json.loads(line)) for line in stream]
            elif member.name.startswith("media/"):
                media[member.name] = hashlib.sha256(stream.read()).hexdigest()
    return tables, media


@pytest.fixture
def empty_database():
    """A new, empty database of the engine the suite runs on; dropped afterwards."""
    if connection.vendor == "sqlite":
        yield lambda folder: f"sqlite:///{folder / 'restored.sqlite3'}"
        return
    name = f"dateline_restore_{uuid.uuid4().hex[:10]}"
    settings_dict = connection.settings_dict
    base = f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}"
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield lambda folder: f"{base}/{name}"
    finally:
        connection.close()
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


CHECK_SITE = """
import json
from django.test import Client
from wagtail.images.models import Image, Rendition
from dateline.search.selectors import search_results
client = Client()
article = client.get("/harbour/harbour-timber-0/")
redirect = client.get("/old/harbour-story")
rendition = Rendition.objects.get(filter_spec="fill-160x100")
found = search_results(query="Tomas timber", sort="", page=None)
print(json.dumps({
    "article": article.status_code,
    "article_text": "Dockers counted the logs twice." in article.content.decode(),
    "redirect": [redirect.status_code, redirect.get("Location")],
    "rendition_file": rendition.file.storage.exists(rendition.file.name),
    "image_file": Image.objects.get().file.storage.exists(Image.objects.get().file.name),
    "search": found.page.paginator.count,
}))
"""


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_backup_restores_into_an_empty_install_with_everything_back(tmp_path, empty_database):
    site = _site_with_everything()
    assert RelatedLink.objects.exists(), "publishing should have stored Related News lists"
    first = tmp_path / "site.tar.gz"
    backup_create(path=first)

    target = tmp_path / "restored"
    target.mkdir()
    env = _env(target, empty_database(target))
    out = _dateline(env, "restore", str(first))
    assert "Restored" in out and "search indexes rebuilt" in out

    second = tmp_path / "again.tar.gz"
    _dateline(env, "backup", str(second))
    rows_before, media_before = _contents(first)
    rows_after, media_after = _contents(second)
    assert rows_after.keys() == rows_before.keys()
    for name, rows in rows_before.items():
        assert rows_after[name] == rows, f"{name} differs after the round trip"
    for model in ("RelatedLink", "Revision", "Redirect", "Rendition", "Image", "ArticlePage"):
        assert any(name.endswith(f".{model}.jsonl") and rows for name, rows in rows_before.items())
    assert media_after == media_before
    assert f"media/{site['rendition'].file.name}" in media_before
    assert f"media/{site['photo'].file.name}" in media_before

    checked = json.loads(_dateline(env, "shell", "-c", CHECK_SITE).strip().splitlines()[-1])
    assert checked["article"] == 200 and checked["article_text"]
    assert checked["redirect"][0] == 301 and checked["redirect"][1].endswith("/harbour-timber-0/")
    assert checked["rendition_file"] and checked["image_file"]
    assert checked["search"] == 3

    # The restored site now holds content: a second restore is refused unless forced.
    refused = subprocess.run(
        [sys.executable, "-m", "dateline.cli", "restore", str(first)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode != 0
    assert "refusing to restore over a site that holds content" in refused.stderr
    assert "--force" in refused.stderr


def _archive(tmp_path: Path, manifest: dict[str, Any]) -> Path:
    path = tmp_path / "crafted.tar.gz"
    body = json.dumps(manifest).encode()
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(body)
        tar.addfile(info, io.BytesIO(body))
    return path


@pytest.mark.django_db
def test_a_file_that_is_not_an_archive_is_refused_with_a_clear_message(tmp_path):
    path = tmp_path / "notes.tar.gz"
    path.write_text("these are my notes, not a backup")
    with pytest.raises(CommandError, match="is not a Dateline backup"):
        call_command("restore", str(path))


@pytest.mark.django_db
def test_another_tar_archive_is_refused(tmp_path):
    path = tmp_path / "photos.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo("holiday.jpg")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"jpg"))
    with pytest.raises(BackupError, match="has no manifest.json first"):
        backup_restore(path=path)


@pytest.mark.django_db
def test_an_archive_of_another_format_version_is_refused(tmp_path):
    path = _archive(tmp_path, {"format": "dateline-backup", "version": 99, "tables": []})
    with pytest.raises(BackupError, match="format version 99; this Dateline reads version 1"):
        backup_restore(path=path)


@pytest.mark.django_db
def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "nowhere.tar.gz"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_truncated_or_damaged_archive_is_refused_before_the_database_is_touched(tmp_path):
    _site_with_everything()
    path = tmp_path / "site.tar.gz"
    backup_create(path=path)

    truncated = tmp_path / "truncated.tar.gz"
    whole = path.read_bytes()
    truncated.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(BackupError, match="truncated"):
        backup_restore(path=truncated, force=True)

    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(path, "r:gz") as source, tarfile.open(damaged, "w:gz") as out:
        for member in source:
            stream = source.extractfile(member)
            body = stream.read() if stream else b""
            if member.name.endswith("wagtailcore.Page.jsonl"):
                body = body.replace(b"Harbour", b"Harb0ur")
            member.size = len(body)
            out.addfile(member, io.BytesIO(body))
    with pytest.raises(BackupError, match="wagtailcore.Page.jsonl is damaged"):
        backup_restore(path=damaged, force=True)

    # Nothing was flushed: the site is still there.
    assert RelatedLink.objects.exists()
    assert Image.objects.count() == 1


@pytest.mark.django_db
def test_restoring_over_a_site_with_content_is_refused(tmp_path):
    ArticlePageFactory(parent=SectionPageFactory(parent=home_page()))
    path = tmp_path / "site.tar.gz"
    backup_create(path=path)
    with pytest.raises(CommandError, match="refusing to restore over a site that holds content"):
        call_command("restore", str(path))


@pytest.mark.django_db
def test_a_backup_into_a_folder_that_does_not_exist_is_refused(tmp_path):
    with pytest.raises(CommandError, match="no such folder"):
        call_command("backup", str(tmp_path / "missing" / "site.tar.gz"))
