"""note-empty: a correction (or clarification, editor's note, retraction) with no words in it.

Readers would see "Correction" and a date over nothing: the note says something was wrong without
saying what. The admin's form requires the text; this catches notes written by other paths (an
import, a script) and text that is only spaces.
"""

from __future__ import annotations

from dateline.quality.checks.base import ERROR, Check, register
from dateline.quality.subjects import NOTE


@register
class NoteEmpty(Check):
    code = "note-empty"
    severity = ERROR
    title = "Empty correction"
    kinds = frozenset({"article"})

    def run(self, subject, context):
        for part in subject.texts(NOTE):
            if not part.text.strip():
                yield self.finding(
                    subject,
                    "Write what the note corrects or clarifies, or remove it (Corrections menu): "
                    "readers see an empty note.",
                    where=part.where,
                )
