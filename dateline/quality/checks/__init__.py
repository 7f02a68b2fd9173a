"""Every check module; importing this package registers them all (see `base.register`)."""

from dateline.quality.checks import (  # noqa: F401
    broken_link,
    dates_future,
    dates_updated,
    dates_weekday,
    dates_year,
    duplicate_sentence,
    duplicate_story,
    filler_text,
    headline_hidden,
    headline_length,
    headline_repeated,
    image_alt,
    image_caption,
    image_credit,
    note_empty,
    on_this_day,
    placeholder_token,
    section_subject,
    standfirst_missing,
    template_token,
)
