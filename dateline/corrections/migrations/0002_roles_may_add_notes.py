"""Let the newsroom's roles write notes on stories (docs/permissions.md).

Editors, desk editors and administrators add and change corrections, clarifications, editor's
notes and retractions; desk editors and administrators may also remove one. Reporters see them.
Only these permissions are added or removed: the rest of each role is the roles migration's.
"""

from django.db import migrations

GRANTS = {
    "Reporter": ("view",),
    "Editor": ("add", "change", "view"),
    "Desk editor": ("add", "change", "delete", "view"),
    "Administrator": ("add", "change", "delete", "view"),
}


def _permission(apps, action):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    content_type, _ = ContentType.objects.get_or_create(app_label="corrections", model="correction")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=f"{action}_correction",
        defaults={"name": f"Can {action} correction"},
    )
    return permission


def grants_add(apps, schema_editor):
    """Give each role its note permissions (a role that does not exist is left alone)."""
    Group = apps.get_model("auth", "Group")
    for name, actions in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*(_permission(apps, action) for action in actions))


def grants_remove(apps, schema_editor):
    """Take the note permissions back from the roles."""
    Group = apps.get_model("auth", "Group")
    for name, actions in GRANTS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*(_permission(apps, action) for action in actions))


class Migration(migrations.Migration):
    dependencies = [
        ("corrections", "0001_initial"),
        # After the roles as the roles app last restated them: a restatement sets each role's
        # permissions to exactly its list, so it must not run after these grants.
        ("roles", "0002_breaking_news"),
    ]

    operations = [migrations.RunPython(grants_add, grants_remove)]
