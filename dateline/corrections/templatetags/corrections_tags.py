"""Template tags of the notes on a story: the notes themselves and the story's "Updated" line.

The article template composes them (`{% article_notes page "top" %}`, `{% article_updated page %}`)
as it composes Related News, so the newsroom never imports this app.
"""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string

from dateline.corrections import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def article_notes(context: template.Context, article, placement: str = "foot") -> str:
    """Render the notes on `article` shown at `placement`: "top" (retractions) or "foot" (others)."""
    notes = [
        note
        for note in selectors.article_notes(article=article)
        if note.at_top == (placement == "top")
    ]
    if not notes:
        return ""
    return render_to_string(
        "corrections/article_notes.html",
        {"notes": notes, "placement": placement},
        request=context.get("request"),
    )


@register.simple_tag
def article_updated(article):
    """Return when `article` was last updated if it shows an "Updated" line, else None.

    Use as `{% article_updated page as updated %}`: a note marking an update (every correction)
    or the story's own material change after publication both count.
    """
    if not selectors.article_shows_update(article=article):
        return None
    return selectors.article_updated_at(article=article)
