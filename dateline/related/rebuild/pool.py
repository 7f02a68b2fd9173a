"""The rebuild's worker processes: forked from the rebuild, handed its state, fed a few tasks at a time."""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Any, TypeVar

State = TypeVar("State")
Task = TypeVar("Task")
Result = TypeVar("Result")
Item = TypeVar("Item")

# The state of the `pool_map` whose workers are running: set before its pool forks them (so each
# inherits it without pickling) and cleared when the pool ends. Read only by `_task_run`, which
# hands it to the task's function, whose parameter says what it is.
_inherited: Any = None


def _task_run(func: Callable[[Any, Task], Result], task: Task) -> Result:
    """Run one task in a worker process, with the state the worker inherited."""
    return func(_inherited, task)


def pool_map(
    func: Callable[[State, Task], Result],
    state: State,
    tasks: Iterable[Task],
    *,
    workers: int,
) -> Generator[Result, None, None]:
    """Yield `func(state, task)` for each task, in order, using up to `workers` forked processes.

    At most a few tasks per worker are in flight, so results never pile up in memory while the
    caller writes earlier ones to the database. Workers inherit `state` when they are forked and
    never touch the database; only the tasks and their results cross between processes.
    """
    if workers <= 1:
        for task in tasks:
            yield func(state, task)
        return
    global _inherited
    _inherited = state
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            pending: deque[AsyncResult[Result]] = deque()
            for task in tasks:
                pending.append(pool.apply_async(_task_run, (func, task)))
                if len(pending) >= workers * 3:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        _inherited = None


def batches(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """Yield the items in lists of `size` (the last one shorter), reading them as they come."""
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def heap_release() -> None:
    """Return freed memory to the operating system (glibc's `malloc_trim`, where there is one).

    Why: a forked worker's resident size starts as the parent's, and profiling a large archive
    leaves the parent's heap full of freed pages; releasing them keeps the rebuild's peak lower.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
