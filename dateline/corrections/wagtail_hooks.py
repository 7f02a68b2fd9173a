"""The corrections admin: a Corrections menu, "Add a correction" on every story, and history entries.

Saving or deleting a note in the admin goes through Wagtail's model actions, which are replaced
here for `Correction` by actions that write through `services.py`, so the admin's path bumps the
story, logs it in the story's history and purges its pages like every other path.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode
from wagtail import hooks
from wagtail.actions.create import CreateAction
from wagtail.actions.delete import DeleteAction
from wagtail.actions.edit import EditAction
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter, log
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet

from dateline.corrections import services
from dateline.corrections.models import Correction
from dateline.newsroom.models import ArticlePage


class NoteCreateAction(CreateAction):
    """Create a note through `services.correction_save` (which also logs it on the story)."""

    def _save_instance(self) -> None:
        note = self.form.save(commit=False) if self.form else self.instance  # type: ignore[has-type]
        self.instance = services.correction_save(note=note, user=self.user)


class NoteEditAction(EditAction):
    """Save a changed note through `services.correction_save`."""

    def _save_instance(self) -> None:
        note = self.form.save(commit=False) if self.form else self.instance  # type: ignore[has-type]
        self.instance = services.correction_save(note=note, user=self.user)


class NoteDeleteAction(DeleteAction):
    """Delete a note through `services.correction_delete`, logged on the note and the story."""

    def _delete(self) -> Any:
        if self.log_action:
            log(instance=self.instance, action=self.log_action, user=self.user, deleted=True)
        services.correction_delete(note=self.instance, user=self.user)


@hooks.register("register_actions")
def register_note_actions(registry) -> None:  # noqa: ANN001 - Wagtail's registry
    """Write notes saved or deleted in the admin through the corrections services."""
    for action in (NoteCreateAction, NoteEditAction, NoteDeleteAction):
        registry.register(Correction, action)


class NoteCreateView(CreateView):
    """The add form, with the story filled in when opened from the story ("?article=<id>")."""

    def get_initial(self) -> dict[str, Any]:
        """Return the form's initial values: the story named in the query string, if any."""
        initial = super().get_initial()
        article = self.request.GET.get("article", "")
        if article.isdigit():
            initial["article"] = int(article)
        return initial


class CorrectionViewSet(SnippetViewSet):
    """Corrections in the admin menu: every note, newest first, searchable by its words."""

    model = Correction
    icon = "warning"
    menu_label = "Corrections"
    menu_name = "corrections"
    menu_order = 250
    add_to_admin_menu = True
    add_view_class = NoteCreateView
    list_display = ["article", "kind", "made_at"]
    list_filter = ["kind"]
    search_fields = ["text"]
    ordering = ["-made_at", "-pk"]


register_snippet(CorrectionViewSet)


def note_add_url(*, article_id: int) -> str:
    """Return the admin's add form for a note on article `article_id`."""
    return (
        reverse("wagtailsnippets_corrections_correction:add")
        + "?"
        + urlencode({"article": article_id})
    )


@hooks.register("register_page_header_buttons")
def note_add_button(page, user, view_name, next_url=None):  # noqa: ANN001, ANN201 - Wagtail's hook
    """Offer "Add a correction" in a story's header menu to those allowed to add notes."""
    if isinstance(page.specific_deferred, ArticlePage) and user.has_perm(
        "corrections.add_correction"
    ):
        yield Button(
            "Add a correction",
            note_add_url(article_id=page.pk),
            icon_name="warning",
            priority=62,
        )


class _NoteLog(LogFormatter):
    verb = ""

    def format_message(self, log_entry) -> str:  # noqa: ANN001 - Wagtail's signature
        data = log_entry.data or {}
        kind = data.get("kind_label") or "Note"
        text = data.get("text", "")
        return f"{kind} {self.verb}: {text}" if text else f"{kind} {self.verb}"


@hooks.register("register_log_actions")
def register_note_log_actions(actions) -> None:  # noqa: ANN001 - Wagtail's registry
    """Name the story's history entries for notes added, changed and removed."""

    @actions.register_action(services.ADD_ACTION)
    class Added(_NoteLog):
        label = "Add correction or note"
        verb = "added"

    @actions.register_action(services.CHANGE_ACTION)
    class Changed(_NoteLog):
        label = "Change correction or note"
        verb = "changed"

    @actions.register_action(services.DELETE_ACTION)
    class Removed(_NoteLog):
        label = "Remove correction or note"
        verb = "removed"
