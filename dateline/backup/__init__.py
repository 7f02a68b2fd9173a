"""Backups: one archive of the database and the media, and restoring it into an empty install."""
