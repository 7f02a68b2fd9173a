"""The check framework: findings, the base class every check module subclasses, and the registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import ClassVar

from dateline.quality.subjects import CheckContext, Subject

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)
SEVERITY_RANK = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True)
class Finding:
    """One problem found: which check, how serious, what to fix, and where."""

    code: str
    severity: str
    message: str
    where: str = ""
    excerpt: str = ""
    subject: str = ""
    subject_url: str = ""
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def as_dict(self) -> dict:
        """Return the finding as plain data for the JSON report."""
        data = asdict(self)
        if not data["extra"]:
            data.pop("extra")
        return data


class Check:
    """A check: subclass it in its own module under `checks/`, set the class attributes, implement
    `run`, and decorate the class with `@register`."""

    code: ClassVar[str] = ""
    severity: ClassVar[str] = WARNING
    title: ClassVar[str] = ""
    # Which kinds of subject the check looks at: "article", "page", "setting", "snippet", "text",
    # "site" (the site as a whole, e.g. the On this day block).
    kinds: ClassVar[frozenset[str]] = frozenset({"article", "page", "setting", "snippet", "text"})
    # Thresholds an administrator may change per site: name -> default.
    defaults: ClassVar[dict[str, float | int]] = {}

    def run(self, subject: Subject, context: CheckContext) -> Iterable[Finding]:
        """Yield the findings for `subject`."""
        raise NotImplementedError

    def finding(self, subject: Subject, message: str, *, where: str = "", excerpt: str = ""):
        """Return a finding of this check about `subject` (severity applied later from settings)."""
        return Finding(
            code=self.code,
            severity=self.severity,
            message=message,
            where=where,
            excerpt=_shorten(excerpt),
            subject=subject.label,
            subject_url=subject.admin_url or subject.url,
        )

    def threshold(self, context: CheckContext, name: str):
        """Return the site's value of threshold `name`, or this check's default."""
        return context.thresholds.get(name, self.defaults[name])


def excerpt_around(text: str, start: int, end: int, *, width: int = 60) -> str:
    """Return the words around `text[start:end]`, about `width` characters each side, never a
    word cut in half: an ellipsis marks text left out at either end."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    if lo > 0 and not text[lo - 1].isspace():
        lo = text.find(" ", lo, start) + 1 or lo  # start at the next whole word
    if hi < len(text) and not text[hi].isspace():
        space = text.rfind(" ", end, hi)
        hi = space if space != -1 else hi  # end after the last whole word
    excerpt = text[lo:hi].strip()
    return ("…" if lo > 0 else "") + excerpt + ("…" if hi < len(text) else "")


def _shorten(text: str, limit: int = 160) -> str:
    """Return `text` on one line, cut at a word boundary (with an ellipsis) when longer than `limit`."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and not text[limit - 1].isspace():
        cut = cut.rsplit(" ", 1)[0]  # never end inside a word
    return cut.rstrip(" ,;:") + "…"


_REGISTRY: dict[str, Check] = {}


def register(cls: type[Check]) -> type[Check]:
    """Add a check class to the registry under its code (one instance, checks hold no state)."""
    if not cls.code or cls.severity not in SEVERITIES:
        raise ValueError(f"{cls.__name__} needs a code and a severity in {SEVERITIES}")
    if cls.code in _REGISTRY and type(_REGISTRY[cls.code]) is not cls:
        raise ValueError(f"Two checks share the code {cls.code!r}")
    _REGISTRY[cls.code] = cls()
    return cls


def registered_checks(*, predicate: Callable[[Check], bool] | None = None) -> list[Check]:
    """Return the registered checks ordered by code, optionally only those matching `predicate`."""
    checks = sorted(_REGISTRY.values(), key=lambda check: check.code)
    return [check for check in checks if predicate is None or predicate(check)]


def check_by_code(code: str) -> Check | None:
    """Return the registered check with this code, or None."""
    return _REGISTRY.get(code)
