"""The almanac in the Wagtail admin: a listing of events with filters by date, topic and review."""

from __future__ import annotations

import calendar

import django_filters
from django import forms
from django.utils.functional import classproperty
from taggit.models import Tag
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.log_actions import LogActionRegistry, log
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from dateline.almanac.models import Event


def _event_topics(request) -> object:
    return Tag.objects.filter(almanac_eventtopic_items__isnull=False).distinct().order_by("name")


class EventFilterSet(WagtailFilterSet):
    """Narrow the almanac to a month, a day, a topic, a review state or the pinned events."""

    month = django_filters.ChoiceFilter(
        choices=[(number, calendar.month_name[number]) for number in range(1, 13)],
        empty_label="Any month",
    )
    day = django_filters.NumberFilter(
        widget=forms.NumberInput(attrs={"min": 1, "max": 31}), label="Day of month"
    )
    topics = django_filters.ModelMultipleChoiceFilter(
        field_name="topics", queryset=_event_topics, label="Topic", distinct=True
    )

    class Meta:
        model = Event
        fields = ["month", "day", "status", "pinned", "topics"]


class EventViewSet(SnippetViewSet):
    model = Event
    icon = "date"
    menu_label = "On this day"
    menu_name = "almanac"
    add_to_admin_menu = True
    menu_order = 300
    filterset_class = EventFilterSet
    list_display = ["__str__", "status", BooleanColumn("pinned"), "weight"]
    list_per_page = 50
    # Plain database search: imports bulk-insert events, which Wagtail's search index would miss.
    search_fields = ["text", "source"]
    search_backend_name = None
    ordering = ["month", "day", "year"]
    copy_view_enabled = False


register_snippet(EventViewSet)


REVIEWED_ACTION = "dateline.almanac.reviewed"


@hooks.register("register_log_actions")
def almanac_log_actions(actions: LogActionRegistry) -> None:
    """Name the history entry of the "Mark reviewed" bulk action."""
    actions.register_action(REVIEWED_ACTION, "Mark reviewed", "Marked reviewed")


@hooks.register("register_bulk_action")
class MarkReviewedBulkAction(SnippetBulkAction):
    """Mark the selected events reviewed at once: imports arrive by the thousand, awaiting review."""

    display_name = "Mark reviewed"
    action_type = "mark_reviewed"
    aria_label = "Mark the selected events reviewed"
    template_name = "almanac/admin/confirm_mark_reviewed.html"
    action_priority = 20

    @classproperty
    def models(cls):
        return [Event]

    def check_perm(self, snippet):
        """Allow it to those who may change the event (`almanac.change_event`)."""
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", snippet
        )

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        """Mark the events reviewed and record who did it in each event's history."""
        waiting = [event for event in objects if event.status != Event.Status.REVIEWED]
        changed = Event.objects.filter(pk__in=[event.pk for event in waiting]).update(
            status=Event.Status.REVIEWED
        )
        for event in waiting:
            log(instance=event, action=REVIEWED_ACTION, user=user)
        return changed, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return (
            f"{num_parent_objects} event{'s' if num_parent_objects != 1 else ''} marked reviewed."
        )
