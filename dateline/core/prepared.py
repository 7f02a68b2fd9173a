"""Querysets compiled once per process: the same objects as the ORM, without compiling SQL each time.

Turning a queryset into SQL costs more CPU than running a small indexed query (on an uncached article
page, the ORM's compiler was the largest single cost after the templates). The pages read the same
few shapes of query on every render, differing only in one value (a page's id), so
`prepared_objects()` compiles each shape once, with a placeholder value, and afterwards only runs the
stored SQL with the real value and builds the model instances the way Django's `ModelIterable` does
(the backend's converters applied, so dates are dates on SQLite too).

Only plain querysets qualify: one model, no `select_related`, no annotations, no extra columns;
anything else is refused when the shape is first prepared. Compiled SQL belongs to one database
connection (the compiler holds it, and connections are per thread), so each connection keeps its own.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, router
from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)

# A value no id takes: its position among the compiled parameters is where the real value goes.
_PLACEHOLDER = -7_319_540_271_963


@dataclass(frozen=True)
class _Prepared:
    model: type[Model]
    db: str
    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]
    attnames: list[str]
    converters: dict[int, tuple[list[Callable], Any]]


_by_connection: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _prepare(queryset: QuerySet) -> _Prepared:
    query = queryset.query
    if query.select_related or query.annotations or query.extra or query.values_select:
        raise ValueError("prepared_objects takes plain querysets only (no joins loaded, no extras)")
    compiler = query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    slots = tuple(i for i, value in enumerate(params) if value == _PLACEHOLDER)
    if not slots:
        raise ValueError("the queryset does not use the value it was built with")
    info = compiler.klass_info
    fields = info["select_fields"]
    if compiler.annotation_col_map or len(compiler.select) != len(fields):
        raise ValueError("prepared_objects takes plain querysets only (model columns only)")
    select = compiler.select
    attnames = [column[0].target.attname for column in select]
    converters = compiler.get_converters([column[0] for column in select])
    return _Prepared(
        model=info["model"],
        db=queryset.db,
        sql=sql,
        params=tuple(params),
        slots=slots,
        attnames=attnames,
        converters=converters,
    )


def prepared_objects(
    model: type[M], key: Hashable, build: Callable[[Any], QuerySet[M]], value: Any
) -> list[M]:
    """Return the `model` instances of `build(value)`, compiled only on the first call for `key`.

    `build` must make the same query for every value (the key names that shape), using `value`
    only as a parameter, e.g. `lambda pk: Author.objects.filter(article_links__page_id=pk)`.
    Neither the queryset nor its SQL is built again for a key already prepared on this connection.
    """
    connection = connections[router.db_for_read(model)]
    with _lock:
        prepared_here = _by_connection.setdefault(connection, {})
    prepared = prepared_here.get(key)
    if prepared is None:
        probe = build(_PLACEHOLDER)
        if probe.model is not model or probe.db != connection.alias:
            raise ValueError(
                f"{key!r}: the queryset must read {model.__name__} from the same database"
            )
        prepared = _prepare(probe)
        prepared_here[key] = prepared
    params = list(prepared.params)
    for slot in prepared.slots:
        params[slot] = value
    with connection.cursor() as cursor:
        cursor.execute(prepared.sql, params)
        rows = cursor.fetchall()
    converters = prepared.converters
    objects = []
    for row in rows:
        if converters:
            row = list(row)
            for position, (functions, expression) in converters.items():
                converted = row[position]
                for function in functions:
                    converted = function(converted, expression, connection)
                row[position] = converted
        objects.append(prepared.model.from_db(prepared.db, prepared.attnames, row))
    return objects
