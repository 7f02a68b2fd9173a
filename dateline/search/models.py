"""The reader search's own index: one document per published story, and the archive's vocabulary.

The text is kept here as readers see it (headline, standfirst, bylines, tags, body), and the
database's full-text engine indexes it: on PostgreSQL a weighted `tsvector` column with a GIN index,
on SQLite an FTS5 table with the Porter stemmer (both created by this app's migration, since Django
has no field for them; `dateline.search.engine` writes and queries them). The vocabulary (every
word of the archive with how many stories use it) answers "did you mean".
"""

from __future__ import annotations

from django.db import models


class SearchDocument(models.Model):
    """A published, public story as the search reads it."""

    page = models.OneToOneField(
        "newsroom.ArticlePage", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    published_at = models.DateTimeField(null=True, db_index=True)
    title = models.TextField()
    standfirst = models.TextField(blank=True)
    people = models.TextField(blank=True, help_text="The story's authors, as bylines name them.")
    tags = models.TextField(blank=True)
    body = models.TextField(blank=True)

    class Meta:
        verbose_name = "search document"

    def __str__(self) -> str:
        return self.title


class SearchTerm(models.Model):
    """A word of the archive (lower-case, accents kept) and the number of stories that use it."""

    word = models.CharField(max_length=64, unique=True)
    documents = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "search term"
        indexes = [models.Index(fields=["-documents"], name="search_term_documents")]

    def __str__(self) -> str:
        return self.word
