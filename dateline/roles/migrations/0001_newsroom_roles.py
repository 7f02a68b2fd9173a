"""Create the newsroom's roles as groups, with exactly the permissions docs/permissions.md lists.

The roles are data frozen here, as a migration must be: a later change to a role is a new migration
that calls `roles_sync` with the new definition. Running it again sets each group's permissions to
exactly these (it adds what is missing and removes what is not listed), so it is safe to re-run.

Page permissions are granted on the tree's root, so they cover every site's home page and all
below it; image and document permissions on the root collection, so they cover every collection.
Wagtail's own default groups ("Editors", "Moderators") are left as Wagtail made them.
"""

from django.db import migrations

PAGE = ("add", "change", "publish", "lock", "unlock", "bulk_delete")

# Each role: Wagtail page permissions (on the root page), image and document permissions (on the
# root collection), and model permissions as "app_label.codename".
ROLES = {
    "Reporter": {
        "description": "writes stories and submits them for moderation; edits only their own drafts",
        "pages": ("add",),
        "images": ("add", "choose"),
        "documents": ("add", "choose"),
        "models": (
            "wagtailadmin.access_admin",
            "newsroom.view_author",
        ),
    },
    "Editor": {
        "description": "edits and publishes any story, manages authors, tags and Related News",
        "pages": ("add", "change", "publish", "lock"),
        "images": ("add", "change", "choose"),
        "documents": ("add", "change", "choose"),
        "models": (
            "wagtailadmin.access_admin",
            "newsroom.add_author",
            "newsroom.change_author",
            "newsroom.view_author",
            "taggit.add_tag",
            "taggit.change_tag",
            "taggit.view_tag",
            "related.change_related_choices",
            "almanac.view_event",
        ),
    },
    "Desk editor": {
        "description": (
            "the moderator: approves submitted stories, unlocks and deletes pages, and may publish "
            "despite quality errors"
        ),
        "pages": PAGE,
        "images": ("add", "change", "delete", "choose"),
        "documents": ("add", "change", "delete", "choose"),
        "models": (
            "wagtailadmin.access_admin",
            "newsroom.add_author",
            "newsroom.change_author",
            "newsroom.delete_author",
            "newsroom.view_author",
            "taggit.add_tag",
            "taggit.change_tag",
            "taggit.delete_tag",
            "taggit.view_tag",
            "related.change_related_choices",
            "quality.override_quality_errors",
            "almanac.view_event",
        ),
    },
    "Almanac editor": {
        "description": "keeps the On this day almanac: adds, edits, reviews and deletes events",
        "pages": (),
        "images": (),
        "documents": (),
        "models": (
            "wagtailadmin.access_admin",
            "almanac.add_event",
            "almanac.change_event",
            "almanac.delete_event",
            "almanac.view_event",
            "taggit.add_tag",
            "taggit.view_tag",
        ),
    },
    "Administrator": {
        "description": (
            "runs the site: everything the desk does but moderation approvals, plus settings, "
            "users, sites, collections, redirects and workflows"
        ),
        "pages": PAGE,
        "images": ("add", "change", "delete", "choose"),
        "documents": ("add", "change", "delete", "choose"),
        "models": (
            "wagtailadmin.access_admin",
            "newsroom.add_author",
            "newsroom.change_author",
            "newsroom.delete_author",
            "newsroom.view_author",
            "taggit.add_tag",
            "taggit.change_tag",
            "taggit.delete_tag",
            "taggit.view_tag",
            "related.change_related_choices",
            "quality.override_quality_errors",
            "almanac.add_event",
            "almanac.change_event",
            "almanac.delete_event",
            "almanac.view_event",
            "core.change_sitesettings",
            "quality.change_qualitysettings",
            "distribution.change_distributionsettings",
            "auth.add_user",
            "auth.change_user",
            "auth.delete_user",
            "auth.view_user",
            "auth.add_group",
            "auth.change_group",
            "auth.delete_group",
            "auth.view_group",
            "wagtailcore.add_site",
            "wagtailcore.change_site",
            "wagtailcore.delete_site",
            "wagtailcore.add_collection",
            "wagtailcore.change_collection",
            "wagtailcore.delete_collection",
            "wagtailcore.add_workflow",
            "wagtailcore.change_workflow",
            "wagtailcore.delete_workflow",
            "wagtailcore.add_task",
            "wagtailcore.change_task",
            "wagtailcore.delete_task",
            "wagtailredirects.add_redirect",
            "wagtailredirects.change_redirect",
            "wagtailredirects.delete_redirect",
        ),
    },
}

# Permissions named in models' Meta (Wagtail's page ones among them); Django names the rest of a
# model's permissions "Can <action> <verbose name>", and so does `_permission` below when it runs
# first.
_NAMES = {
    "access_admin": "Can access Wagtail admin",
    "change_related_choices": "Can pin and exclude Related News stories",
    "override_quality_errors": "Can publish despite quality errors",
    "bulk_delete_page": "Delete pages with children",
    "lock_page": "Lock/unlock pages you've locked",
    "publish_page": "Publish any page",
    "unlock_page": "Unlock any page",
}
# The model of each permission whose codename does not end in its model's name.
_MODELS = {
    "access_admin": "admin",
    "change_related_choices": "relatedchoice",
    "override_quality_errors": "qualityoverride",
}
# Moderation: the desk editors join every approval task Wagtail's Moderators group is in.
MODERATION_GROUP = "Moderators"
MODERATOR_ROLES = ("Desk editor",)


def _permission(apps, dotted):
    """Return the Permission `dotted` names, creating it (and its content type) when missing.

    Django creates model permissions only after all migrations (post_migrate), so on a new
    database they do not exist yet when this runs.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    app_label, codename = dotted.split(".")
    action, _, model = codename.rpartition("_")
    model = _MODELS.get(codename, model)
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    try:
        verbose_name = apps.get_model(app_label, model)._meta.verbose_name
    except LookupError:
        verbose_name = model
    default_name = f"Can {action} {verbose_name}"
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename=codename,
        defaults={"name": _NAMES.get(codename, default_name)},
    )
    return permission


def roles_sync(apps, roles):
    """Make each role's group hold exactly the permissions `roles` gives it."""
    Group = apps.get_model("auth", "Group")
    Page = apps.get_model("wagtailcore", "Page")
    Collection = apps.get_model("wagtailcore", "Collection")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    root_page = Page.objects.filter(depth=1).first()
    root_collection = Collection.objects.filter(depth=1).first()
    for name, role in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set([_permission(apps, dotted) for dotted in role["models"]])
        GroupPagePermission.objects.filter(group=group).delete()
        if root_page is not None:
            for action in role["pages"]:
                GroupPagePermission.objects.create(
                    group=group,
                    page=root_page,
                    permission=_permission(apps, f"wagtailcore.{action}_page"),
                )
        GroupCollectionPermission.objects.filter(group=group).delete()
        if root_collection is not None:
            for kind, app_label in (("images", "wagtailimages"), ("documents", "wagtaildocs")):
                model = kind[:-1]
                for action in role[kind]:
                    GroupCollectionPermission.objects.create(
                        group=group,
                        collection=root_collection,
                        permission=_permission(apps, f"{app_label}.{action}_{model}"),
                    )
    moderator_groups = Group.objects.filter(name__in=MODERATOR_ROLES)
    for task in GroupApprovalTask.objects.filter(groups__name=MODERATION_GROUP):
        task.groups.add(*moderator_groups)


def roles_create(apps, schema_editor):
    """Create the newsroom's roles."""
    roles_sync(apps, ROLES)


def roles_remove(apps, schema_editor):
    """Remove the groups this migration made (their members keep their accounts)."""
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("core", "0002_schedulertick"),
        ("newsroom", "0002_body_heading_table"),
        ("almanac", "0001_initial"),
        ("quality", "0002_duplicate_similarity_engine"),
        ("related", "0004_related_choices_permission"),
        ("distribution", "0001_initial"),
    ]

    operations = [migrations.RunPython(roles_create, roles_remove)]
