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


def _shorten(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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
