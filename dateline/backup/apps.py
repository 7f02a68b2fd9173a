from django.apps import AppConfig


class BackupConfig(AppConfig):
    """`dateline backup` and `dateline restore` (docs/backups.md)."""

    name = "dateline.backup"
    label = "backup"
    verbose_name = "Backups"
