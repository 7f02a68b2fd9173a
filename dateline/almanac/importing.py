"""Read almanac files into checked rows: CSV, JSON records, and the Wikipedia "On this day" layout.

Parsing never writes. Every row is checked completely here, so the writer receives only rows it can
store whole; a bad row becomes a `RowError` naming its line (CSV) or key (JSON) and is skipped.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from dateline.almanac.days import days_in_month
from dateline.almanac.models import TEXT_MAX_LENGTH, WEIGHT_MAX

WIKIPEDIA_SOURCE = "Wikipedia (CC BY-SA 4.0)"
TOPIC_MAX_LENGTH = 100
REQUIRED_COLUMNS = ("month", "day", "year", "text")
KNOWN_COLUMNS = (*REQUIRED_COLUMNS, "link", "source", "topics", "weight", "pinned")
_BC = re.compile(r"^\s*(\d+)\s*(BC|BCE|B\.C\.|B\.C\.E\.)\s*$", re.IGNORECASE)
_AD = re.compile(r"^\s*(?:AD|A\.D\.|CE)?\s*(-?\d+)\s*(?:AD|A\.D\.|CE)?\s*$", re.IGNORECASE)
_WIKIPEDIA_LINE = re.compile(r"^\s*(-?\d+)(\s*BC)?\s*:\s*(.+)$", re.DOTALL)
_url = URLValidator(schemes=["http", "https"])


class AlmanacFileError(ValueError):
    """The file as a whole cannot be read (not CSV/JSON, missing columns, unknown layout)."""


@dataclass(frozen=True)
class EventRow:
    """One checked event, ready to store."""

    month: int
    day: int
    year: int
    text: str
    link: str = ""
    source: str = ""
    topics: tuple[str, ...] = ()
    weight: int = 5
    pinned: bool = False


@dataclass(frozen=True)
class RowError:
    """A row that was skipped, where it is in the file, and why."""

    where: str  # "line 12" for CSV, "events[3]" or "2/29 #4" for JSON
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


@dataclass
class ParsedFile:
    """The rows of an almanac file that passed every check, the ones that did not, and the layout."""

    layout: str  # "csv", "json" or "wikipedia"
    rows: list[EventRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def parse_year(value: Any) -> int:
    """Return a historical year from 1983, '1983', '-44', '44 BC' or 'AD 79'; refuse year 0."""
    if isinstance(value, bool):
        raise ValueError("year must be a number")
    if isinstance(value, int):
        year = value
    else:
        text = str(value).strip()
        if match := _BC.match(text):
            year = -int(match.group(1))
        elif match := _AD.match(text):
            year = int(match.group(1))
        else:
            raise ValueError(f"year {text!r} is not a year (e.g. 1983, -44 or 44 BC)")
    if year == 0:
        raise ValueError("there is no year 0 (1 BC is followed by AD 1)")
    if year < -10000 or year > dt.date.today().year:
        raise ValueError(f"year {year} is outside the almanac (10000 BC to this year)")
    return year


def _int(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a whole number")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise ValueError(f"{name} {text!r} is not a whole number")
    return int(text)


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "y", "on"}:
        return True
    if text in {"", "0", "false", "no", "n", "off"}:
        return False
    raise ValueError(f"pinned {value!r} is not yes or no")


def _topics(value: Any) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items = re.split(r"[;|]", value)
    elif isinstance(value, list | tuple):
        items = [str(item) for item in value]
    else:
        raise ValueError("topics must be a list or a ';'-separated string")
    topics: list[str] = []
    for item in items:
        name = " ".join(item.split())
        if not name:
            continue
        if len(name) > TOPIC_MAX_LENGTH:
            raise ValueError(f"topic {name[:30]!r}... is longer than {TOPIC_MAX_LENGTH} characters")
        if name.casefold() not in {topic.casefold() for topic in topics}:
            topics.append(name)
    return tuple(topics)


def row_check(record: Mapping[str, Any], *, default_source: str = "") -> EventRow:
    """Return the checked event described by `record` (column name -> value); raise ValueError."""
    missing = [name for name in REQUIRED_COLUMNS if record.get(name) in (None, "")]
    if missing:
        raise ValueError(f"missing {', '.join(missing)}")
    month = _int(record["month"], "month")
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1 to 12")
    day = _int(record["day"], "day")
    if not 1 <= day <= days_in_month(month):
        raise ValueError(f"day {day} does not exist in month {month}")
    year = parse_year(record["year"])
    if not isinstance(record["text"], str):
        raise ValueError("text must be a string")
    text = " ".join(record["text"].split())
    if not text:
        raise ValueError("text is empty")
    if len(text) > TEXT_MAX_LENGTH:
        raise ValueError(f"text is {len(text)} characters; the limit is {TEXT_MAX_LENGTH}")
    link = str(record.get("link") or "").strip()
    if link:
        try:
            _url(link)
        except ValidationError as exc:
            raise ValueError(f"link {link[:60]!r} is not an http(s) address") from exc
        if len(link) > 500:
            raise ValueError("link is longer than 500 characters")
    source = " ".join(str(record.get("source") or default_source).split())
    if len(source) > 200:
        raise ValueError("source is longer than 200 characters")
    weight_value = record.get("weight")
    weight = 5 if weight_value in (None, "") else _int(weight_value, "weight")
    if not 0 <= weight <= WEIGHT_MAX:
        raise ValueError(f"weight {weight} is not 0 to {WEIGHT_MAX}")
    return EventRow(
        month=month,
        day=day,
        year=year,
        text=text,
        link=link,
        source=source,
        topics=_topics(record.get("topics")),
        weight=weight,
        pinned=_bool(record.get("pinned", False)),
    )


@dataclass(frozen=True)
class _Unreadable:
    message: str


def _collect(parsed: ParsedFile, items: Iterable[tuple[str, Any]], default_source: str) -> None:
    for where, record in items:
        try:
            if isinstance(record, _Unreadable):
                raise ValueError(record.message)
            if not isinstance(record, Mapping):
                raise ValueError("not an object with month, day, year and text")
            parsed.rows.append(row_check(record, default_source=default_source))
        except ValueError as exc:
            parsed.errors.append(RowError(where=where, message=str(exc)))


def parse_csv(text: str, *, default_source: str = "") -> ParsedFile:
    """Parse CSV with a header row naming at least month, day, year and text."""
    parsed = ParsedFile(layout="csv")
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise AlmanacFileError(f"the CSV header lacks {', '.join(missing)} (see docs/almanac.md)")
    reader.fieldnames = header

    def records():
        line = reader.line_num + 1
        for record in reader:
            if None in record:
                yield f"line {line}", _Unreadable("more values than the header has columns")
            else:
                yield f"line {line}", record
            line = reader.line_num + 1

    try:
        _collect(parsed, records(), default_source)
    except csv.Error as exc:
        raise AlmanacFileError(f"line {reader.line_num}: {exc}") from exc
    return parsed


def _is_wikipedia_layout(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and bool(data)
        and all(isinstance(key, str) and key.strip().isdigit() for key in data)
        and all(isinstance(value, dict) for value in data.values())
    )


def _wikipedia_items(data: dict) -> Iterable[tuple[str, Any]]:
    for month_key, days in data.items():
        for day_key, lines in days.items():
            if not isinstance(lines, list):
                yield f"{month_key}/{day_key}", _Unreadable("not a list of 'YEAR: text' lines")
                continue
            for index, line in enumerate(lines, start=1):
                where = f"{month_key}/{day_key} #{index}"
                match = _WIKIPEDIA_LINE.match(line) if isinstance(line, str) else None
                if match is None:
                    yield where, _Unreadable("not a 'YEAR: text' line")
                    continue
                year = match.group(1) + (" BC" if match.group(2) else "")
                yield where, {"month": month_key, "day": day_key, "year": year, "text": match[3]}


def parse_json(text: str, *, default_source: str = "") -> ParsedFile:
    """Parse a JSON list of event objects, {"events": [...]}, or the Wikipedia layout."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AlmanacFileError(f"not valid JSON: line {exc.lineno}: {exc.msg}") from exc
    if isinstance(data, dict) and isinstance(data.get("events"), list):
        parsed = ParsedFile(layout="json")
        items = ((f"events[{index}]", item) for index, item in enumerate(data["events"]))
        _collect(parsed, items, default_source)
    elif isinstance(data, list):
        parsed = ParsedFile(layout="json")
        _collect(parsed, ((f"[{index}]", item) for index, item in enumerate(data)), default_source)
    elif _is_wikipedia_layout(data):
        parsed = ParsedFile(layout="wikipedia")
        _collect(parsed, _wikipedia_items(data), default_source or WIKIPEDIA_SOURCE)
    else:
        raise AlmanacFileError(
            'unknown JSON layout: expected a list of events, {"events": [...]}, or '
            '{"<month>": {"<day>": ["YEAR: text", ...]}}'
        )
    return parsed


def parse_file(path: Path, *, default_source: str = "") -> ParsedFile:
    """Parse the almanac file at `path`, choosing CSV or JSON by its extension (or its content)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise AlmanacFileError(f"{path} is not UTF-8 text") from exc
    if path.suffix.lower() == ".csv":
        return parse_csv(text, default_source=default_source)
    if path.suffix.lower() == ".json" or text.lstrip()[:1] in ("[", "{"):
        return parse_json(text, default_source=default_source)
    return parse_csv(text, default_source=default_source)
