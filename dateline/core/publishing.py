"""The one point every publication passes: which path it came by, and the guards that may stop it.

Pages are published by the editor's admin, by a moderation workflow's approval, by the scheduler at
go-live, by importers and by the demo loader. Each of those ends in Wagtail's publish action for a
revision, and the registered guards run just before it: `PublishGuardMixin.publish` (on every
Dateline page type) for `revision.publish()`, which workflows, the scheduler, bulk actions and
`newsroom.services` use, and the admin's `before_publish_page` hook for the page editor, which
calls Wagtail's action directly. A rule about publishing (the quality policy, an embargo) is so
written once and holds on every path.

Core imports no other Dateline app: features register their guards here when they start
(`publish_guard_register`, from an `AppConfig.ready()`), and callers say which path they publish by
(`publish_path`). The path decides what a guard's problems do (docs/architecture.md, "Publishing"):

- editor, workflow: the publication is refused unless the person overrides with permission;
- scheduled: the story is held back and the editor is told;
- import, demo: it goes ahead and the problems are reported (`publish_problems_collected`);
- service (any other code): it goes ahead and the problems are logged;
- whatever the path, a problem marked `always` (an embargo) refuses it.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from wagtail.models import Page, Revision

logger = logging.getLogger(__name__)
T = TypeVar("T")


class PublishPath(enum.StrEnum):
    """How a publication came about."""

    EDITOR = "editor"
    WORKFLOW = "workflow"
    SCHEDULED = "scheduled"
    IMPORT = "import"
    DEMO = "demo"
    SERVICE = "service"


# Paths on which a guard's problems stop the publication, and on which they are only reported.
BLOCKING_PATHS = frozenset({PublishPath.EDITOR, PublishPath.WORKFLOW, PublishPath.SCHEDULED})


@dataclass(frozen=True)
class PublishProblem:
    """One reason a page should not be published as it is: a code and words for the editor.

    `overridden`: a permitted person chose to publish despite it (the guard has recorded that), so
    it no longer stops the publication. `always`: it stops the publication on every path, imports
    and code included (an embargo is a promise to a source, not an editorial judgement).
    """

    code: str
    message: str
    overridden: bool = False
    always: bool = False


@dataclass(frozen=True)
class PublishRequest:
    """What a guard is asked about: the page as it would go live, and who publishes it, and how."""

    page: Page
    revision: Revision | None
    path: PublishPath
    user: Any = None
    # The person asked to publish despite the problems (the admin's override action).
    override: bool = False


class PublishBlocked(Exception):
    """A guard stopped the publication; nothing was published. `problems` say why."""

    def __init__(self, page: Page, problems: list[PublishProblem], *, path: PublishPath):
        self.page, self.problems, self.path = page, problems, path
        listed = "; ".join(problem.message for problem in problems[:5])
        super().__init__(f"{page.title!r} was not published ({path}): {listed}")


# A guard returns the problems it finds; one that accepts a permitted override records it and marks
# the problems `overridden`.
Guard = Callable[[PublishRequest], list[PublishProblem]]


@dataclass
class _State:
    path: PublishPath = PublishPath.SERVICE
    override: bool = False
    collected: list[tuple[Page, list[PublishProblem]]] | None = None
    # Pages whose next publication the admin's hook has already checked (`publish_allowed`).
    allowed: set[int] | None = None


_guards: dict[str, Guard] = {}
_state: ContextVar[_State | None] = ContextVar("dateline_publish_state", default=None)


def publish_guard_register(name: str, guard: Guard) -> None:
    """Register `guard` under `name` (re-registering a name replaces it: `ready()` may run twice)."""
    _guards[name] = guard


def publish_guard_unregister(name: str) -> None:
    """Remove the guard registered under `name`, if any (a test's own guard, afterwards)."""
    _guards.pop(name, None)


def publish_guards() -> list[Guard]:
    """Return the registered guards, in the order they were registered."""
    return list(_guards.values())


def _current() -> _State:
    return _state.get() or _State()


def current_publish_path() -> PublishPath:
    """Return the path of the publication under way (SERVICE when the caller said none)."""
    return _current().path


@contextmanager
def publish_path(path: PublishPath, *, override: bool = False) -> Iterator[None]:
    """Publish everything inside the block as `path` (and, with `override`, despite problems)."""
    outer = _current()
    token = _state.set(
        _State(path=path, override=override, collected=outer.collected, allowed=set())
    )
    try:
        yield
    finally:
        _state.reset(token)


@contextmanager
def publish_problems_collected() -> Iterator[list[tuple[Page, list[PublishProblem]]]]:
    """Collect, in the yielded list, every page published in the block with its guards' problems.

    Importers and the demo put these in their reports: on their paths problems do not stop a
    publication.
    """
    outer = _current()
    collected: list[tuple[Page, list[PublishProblem]]] = []
    token = _state.set(
        _State(path=outer.path, override=outer.override, collected=collected, allowed=outer.allowed)
    )
    try:
        yield collected
    finally:
        _state.reset(token)


_batch: ContextVar[dict[Hashable, Any] | None] = ContextVar("dateline_publish_batch", default=None)


@contextmanager
def publish_batch() -> Iterator[None]:
    """Let the guards read what every page of a bulk publication shares once (`batch_memo`).

    A bulk writer (`newsroom.services.articles_create_bulk`) checks many pages in a row; a guard's
    per-site reads (its settings, the site of a section) are the same for each, so inside this block
    `batch_memo` keeps them until the block ends. Outside it nothing is kept.
    """
    token = _batch.set({})
    try:
        yield
    finally:
        _batch.reset(token)


def batch_memo(key: Hashable, compute: Callable[[], T]) -> T:
    """Return `compute()`, remembered under `key` for the current `publish_batch` (if any)."""
    memo = _batch.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def publish_check(
    *,
    page: Page,
    revision: Revision | None = None,
    user: Any = None,
    path: PublishPath | None = None,
) -> list[PublishProblem]:
    """Run every guard on `page` as it would be published by `path`; apply the path's policy.

    Raise PublishBlocked when a guard's problems stop the publication on this path; otherwise
    return the problems (reported for imports and the demo, logged otherwise). A guard that accepts
    a permitted override returns its problems marked `overridden`, which no longer block.
    """
    state = _current()
    path = path or state.path
    request = PublishRequest(
        page=page, revision=revision, path=path, user=user, override=state.override
    )
    problems: list[PublishProblem] = []
    for guard in publish_guards():
        problems.extend(guard(request))
    blocking = [problem for problem in problems if not problem.overridden]
    if blocking and (path in BLOCKING_PATHS or any(problem.always for problem in blocking)):
        raise PublishBlocked(page, blocking, path=path)
    if state.collected is not None:
        state.collected.append((page, problems))
    elif problems:
        logger.warning("Published %r (%s) despite: %s", page.title, path, problems)
    return problems


def publish_allowed(page_id: int) -> None:
    """Let the next publication of `page_id` in this `publish_path` block skip the guards once.

    The admin's `before_publish_page` hook has just run them (with the editor's override, if any)
    on the revision that Wagtail's page creation view publishes right after it.
    """
    state = _state.get()
    if state is not None and state.allowed is not None:
        state.allowed.add(page_id)


def _allowance_taken(page_id: int | None) -> bool:
    state = _state.get()
    if state is None or not state.allowed or page_id not in state.allowed:
        return False
    state.allowed.discard(page_id)
    return True


class PublishGuardMixin:
    """Page mixin: every `publish()` of a revision runs the guards first (`publish_check`).

    Wagtail's scheduler publishes with `log_action="wagtail.publish.scheduled"`: that is the
    scheduled path, whatever the caller's context says.
    """

    def publish(self, revision, user=None, changed=True, log_action=True, **kwargs):  # noqa: ANN001, ANN201 - Wagtail's signature
        """Publish `revision` (Wagtail's action) once the registered guards allow it."""
        path = PublishPath.SCHEDULED if log_action == "wagtail.publish.scheduled" else None
        if not _allowance_taken(getattr(self, "pk", None)):
            publish_check(page=revision.as_object(), revision=revision, user=user, path=path)
        return super().publish(  # type: ignore[misc]
            revision, user=user, changed=changed, log_action=log_action, **kwargs
        )


def workflow_finish(workflow_state: Any, user: Any = None) -> None:
    """Publish a page whose moderation workflow was approved, as the workflow path.

    Set as `WAGTAIL_FINISH_WORKFLOW_ACTION`; Wagtail's own action does the same without saying
    which path the publication takes. A PublishBlocked raised here rolls the approval back.
    """
    with publish_path(PublishPath.WORKFLOW):
        workflow_state.content_object.get_latest_revision().publish(user=user)
