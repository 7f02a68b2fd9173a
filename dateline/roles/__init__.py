"""Newsroom roles: the groups a migration creates, and what each one may do (docs/permissions.md)."""
