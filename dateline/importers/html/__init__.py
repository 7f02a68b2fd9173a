"""Saved article pages: the readers (`extract` for HTML, `plaintext` for text captures, `files`) and
their mapping onto the pipeline (`run`).

`html_import` is the entry point (`dateline import html`); `page_extract` and `capture_extract` say
what a page holds without importing it (the accuracy bench uses them).
"""

from dateline.importers.html.extract import Extracted, page_extract, parse_datetime
from dateline.importers.html.plaintext import capture_extract
from dateline.importers.html.run import html_import

__all__ = ["Extracted", "capture_extract", "html_import", "page_extract", "parse_datetime"]
