"""section-subject-missing: a story filed under a section whose subject its text never mentions.

The subject is the section title without generic words: "Russia News" -> "Russia", matched with
its derived forms ("Russian") and a few demonyms; a title made only of generic words ("World",
"Local News", "Business") names no subject and is not checked.
"""

from __future__ import annotations

from dateline.quality.checks.base import WARNING, Check, register
from dateline.quality.subjects import BODY, HEADLINE, STANDFIRST
from dateline.quality.text import words

GENERIC = {
    "news", "world", "local", "national", "international", "regional", "business", "economy",
    "money", "markets", "finance", "politics", "sport", "sports", "opinion", "comment", "analysis",
    "features", "feature", "culture", "arts", "entertainment", "lifestyle", "life", "living",
    "health", "science", "technology", "tech", "travel", "food", "weather", "latest", "breaking",
    "top", "stories", "story", "home", "front", "page", "the", "and", "of", "in", "on", "for", "a",
    "an", "desk", "section", "reports", "report", "today", "daily", "briefing", "explainers",
    "explainer", "video", "photos", "multimedia", "general", "other", "misc", "uncategorized",
    "community", "education", "environment", "climate", "crime", "justice", "courts", "society",
    "media", "obituaries", "letters", "editorial", "editorials", "columns", "columnists", "blogs",
    "global", "affairs", "current", "events", "us", "more", "&",
}  # fmt: skip
# Forms a subject's text uses that its name does not begin with.
ALIASES = {
    "uk": ["britain", "british", "united kingdom", "england", "scotland", "wales", "london"],
    "britain": ["british", "uk", "u.k."],
    "usa": ["united states", "american", "americans", "u.s.", "washington", "new york"],
    "america": ["american", "united states", "u.s."],
    "france": ["french"],
    "netherlands": ["dutch"],
    "holland": ["dutch"],
    "germany": ["german"],
    "switzerland": ["swiss"],
    "spain": ["spanish"],
    "greece": ["greek"],
    "china": ["chinese", "beijing"],
    "russia": ["russian", "moscow", "kremlin"],
    "japan": ["japanese", "tokyo"],
    "ukraine": ["ukrainian", "kyiv", "kiev"],
    "ireland": ["irish"],
    "wales": ["welsh"],
    "scotland": ["scottish", "scots"],
    "turkey": ["turkish"],
    "denmark": ["danish"],
    "sweden": ["swedish"],
    "norway": ["norwegian"],
    "finland": ["finnish"],
    "poland": ["polish"],
    "philippines": ["filipino", "philippine"],
    "peru": ["peruvian"],
    "cyprus": ["cypriot"],
}


def section_subject(title: str) -> list[str]:
    """Return the subject words of a section title, or [] when the title is only generic words."""
    return [word for word in words(title) if word not in GENERIC and len(word) > 1]


def mentions(text_words: set[str], text: str, subject: str) -> bool:
    """Return whether a text (its word set and raw lower-cased text) mentions `subject`."""
    stem = subject[: max(4, len(subject) - 1)] if len(subject) > 4 else subject
    if any(word.startswith(stem) for word in text_words):
        return True
    for alias in ALIASES.get(subject, []):
        if (" " in alias or "." in alias) and alias in text:
            return True
        if alias in text_words:
            return True
    return False


@register
class SectionSubjectMissing(Check):
    code = "section-subject-missing"
    severity = WARNING
    title = "Section subject not mentioned"
    kinds = frozenset({"article", "text"})

    def run(self, subject, context):
        if not subject.sections:
            return
        text = " ".join(part.text for part in subject.texts(HEADLINE, STANDFIRST, BODY))
        if not text.strip():
            return
        lowered = text.lower()
        text_words = set(words(text))
        for section in subject.sections:
            names = section_subject(section)
            if names and not any(mentions(text_words, lowered, name) for name in names):
                yield self.finding(
                    subject,
                    f"The story is filed under “{section}” but never mentions "
                    f"{' or '.join(n.capitalize() for n in names)}: remove the section or say in "
                    "the text why the story belongs there.",
                    where="sections",
                )
