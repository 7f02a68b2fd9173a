#!/usr/bin/env python
"""Django's command-line utility for Dateline (the `dateline` console script does the same)."""

from dateline.cli import manage

if __name__ == "__main__":
    manage()
