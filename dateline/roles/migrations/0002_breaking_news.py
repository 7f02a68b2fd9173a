"""Editors, desk editors and administrators may switch the breaking-news banner on and off.

The first migration's roles, plus `breaking.change_breakingnews` for those three; `roles_sync`
sets each group to exactly its definition, so this is safe to re-run. Going back restores the
first migration's roles.
"""

import importlib

from django.db import migrations

_first = importlib.import_module("dateline.roles.migrations.0001_newsroom_roles")

BANNER = "breaking.change_breakingnews"
BANNER_ROLES = ("Editor", "Desk editor", "Administrator")

ROLES = {
    name: {**role, "models": (*role["models"], BANNER) if name in BANNER_ROLES else role["models"]}
    for name, role in _first.ROLES.items()
}


roles_sync = _first.roles_sync


def roles_with_banner(apps, schema_editor):
    """Give the banner's permission to the roles that run the front page."""
    _first.roles_sync(apps, ROLES)


def roles_without_banner(apps, schema_editor):
    """Restore the first migration's roles."""
    _first.roles_sync(apps, _first.ROLES)


class Migration(migrations.Migration):
    dependencies = [
        ("roles", "0001_newsroom_roles"),
        ("breaking", "0001_initial"),
    ]

    operations = [migrations.RunPython(roles_with_banner, roles_without_banner)]
