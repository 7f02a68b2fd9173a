"""Find published stories that a subject copies, for the duplicate-story check.

The related-news engine decides, through `dateline.related.selectors.similar_stories`: a story is
profiled as the engine profiles every published story (terms and names, weighted by the archive's
document frequencies), its candidates come from the engine's inverted index, and a candidate is a
copy when the cosine of the two stories' text features reaches the site's threshold or their SimHash
fingerprints are near-identical. A whole-site run compares each live article by the profile stored
when it was published, so no story is read twice and each lookup is a few indexed queries.

Quality reads related only through its selectors; with the related app switched off there is no
engine to ask, and the check does not run.
"""

from __future__ import annotations

from collections.abc import Callable

from django.apps import apps

from dateline.quality.subjects import BODY, Similar, Subject

# How many near-identical stories a lookup returns: the check names the closest one.
LIMIT = 3


def subject_story_text(subject: Subject) -> str:
    """Return a subject's body as the engine reads stories: its stored reading, or its body parts."""
    if subject.story_body:
        return subject.story_body
    return "\n\n".join(part.text for part in subject.texts(BODY))


def similar_stories_finder(
    *, window_days: int, minimum: float, stored_profiles: bool = False
) -> Callable[[Subject], list[Similar]] | None:
    """Return a finder of the live stories a subject copies, published within `window_days` of it.

    `minimum` is the text similarity from which a story counts as a copy. `stored_profiles` (a
    whole-site run of live articles) compares an article by the profile the engine stored when it
    was published instead of profiling its text again. None when the related app is not installed.
    """
    if not apps.is_installed("dateline.related"):
        return None
    from dateline.related.selectors import similar_stories

    def find(subject: Subject) -> list[Similar]:
        found = similar_stories(
            headline=subject.title,
            standfirst=subject.standfirst or "",
            body_text=subject_story_text(subject),
            published_at=subject.published_at,
            exclude_id=subject.page_id,
            window_days=window_days,
            limit=LIMIT,
            minimum=minimum,
            profile_of=subject.page_id if stored_profiles else None,
        )
        return [
            Similar(
                label=story.title,
                url=story.url() or "",
                similarity=story.similarity,
                same_fingerprint=story.same_fingerprint,
            )
            for story in found
        ]

    return find
