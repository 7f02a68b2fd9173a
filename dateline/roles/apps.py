"""The newsroom roles app: its data migration makes the groups; `roles_table` prints them."""

from __future__ import annotations

from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "dateline.roles"
    label = "roles"
    verbose_name = "Newsroom roles"
    default_auto_field = "django.db.models.BigAutoField"
