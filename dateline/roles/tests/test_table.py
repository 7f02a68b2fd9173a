"""docs/permissions.md and the roles migration cannot drift apart: the table is the database's."""

from __future__ import annotations

import importlib

from django.contrib.auth.models import Group
from django.test import TestCase
from wagtail.models import GroupApprovalTask

from dateline.roles.table import ROLE_NAMES, document_with_table, roles_table
from dateline.settings.env import PROJECT_ROOT

# The latest roles migration: it holds the roles as they now are (each later one restates them).
MIGRATION = importlib.import_module("dateline.roles.migrations.0002_breaking_news")
# Later migrations of feature apps that add their own permissions to the roles: (module, app label,
# model); each has `GRANTS` ({role: actions}), `grants_add` and `grants_remove`.
LATER_GRANTS = [
    (
        importlib.import_module("dateline.corrections.migrations.0002_roles_may_add_notes"),
        "corrections",
        "correction",
    ),
]


def role_permissions(name: str) -> set[str]:
    """Return what the migrations give role `name`: the roles migration's, then later grants."""
    permissions = set(MIGRATION.ROLES[name]["models"])
    for module, app_label, model in LATER_GRANTS:
        permissions |= {f"{app_label}.{action}_{model}" for action in module.GRANTS.get(name, ())}
    return permissions


DOCUMENT = PROJECT_ROOT / "docs" / "permissions.md"


class RolesTableTests(TestCase):
    def test_the_document_shows_the_table_the_migration_made(self):
        document = DOCUMENT.read_text(encoding="utf-8")
        self.assertEqual(
            document,
            document_with_table(document),
            "docs/permissions.md is out of date: run `dateline roles_table --write`",
        )

    def test_every_role_of_the_migration_is_a_group_and_a_column(self):
        self.assertEqual(set(MIGRATION.ROLES), set(ROLE_NAMES))
        self.assertEqual(
            set(Group.objects.filter(name__in=ROLE_NAMES).values_list("name", flat=True)),
            set(ROLE_NAMES),
        )
        header = roles_table().splitlines()[0]
        for role in ROLE_NAMES:
            self.assertIn(f"| {role} ", header)

    def test_each_group_holds_exactly_what_the_migration_lists(self):
        for name, role in MIGRATION.ROLES.items():
            group = Group.objects.get(name=name)
            with self.subTest(role=name):
                self.assertEqual(
                    {
                        f"{p.content_type.app_label}.{p.codename}"
                        for p in group.permissions.select_related("content_type")
                    },
                    role_permissions(name),
                )
                self.assertEqual(
                    {
                        p.permission.codename.removesuffix("_page")
                        for p in group.page_permissions.select_related("permission")
                    },
                    set(role["pages"]),
                )

    def test_the_desk_moderates_and_a_second_run_changes_nothing(self):
        task = GroupApprovalTask.objects.get(groups__name="Moderators")
        self.assertIn("Desk editor", task.groups.values_list("name", flat=True))
        before = roles_table()
        from django.apps import apps

        MIGRATION.roles_sync(apps, MIGRATION.ROLES)
        for module, *_ in LATER_GRANTS:
            module.grants_add(apps, None)
        self.assertEqual(roles_table(), before)

    def test_the_document_is_linked_from_the_readme(self):
        readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
        self.assertIn("docs/permissions.md", readme)
