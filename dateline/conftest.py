"""Test-wide fixtures."""

import pytest

from dateline.cache import store
from dateline.core import memo


@pytest.fixture(autouse=True)
def _site_memo_off():
    """Run tests without the process memo of site-wide reads (`core.memo`).

    In production the memo is invalidated by purges that run when a transaction commits; inside a
    `TestCase` nothing commits, so a remembered value would outlive the change that should drop it.
    Tests of the memo itself ask for `site_memo_on` and commit (or run the on-commit callbacks).
    """
    memo.token_source_set(None)
    yield
    memo.token_source_set(None)


@pytest.fixture
def site_memo_on(_site_memo_off):
    """Switch the process memo on, as in production (the page cache's purge token)."""
    memo.token_source_set(store.current_seq)
    yield
    memo.token_source_set(None)
