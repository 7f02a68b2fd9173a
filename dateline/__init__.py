"""Dateline: a news publishing platform built on Wagtail and Django."""

__version__ = "0.1.0"
