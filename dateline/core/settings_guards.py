"""Guards on the site settings form: other apps refuse what readers must never see there.

`core` imports no other Dateline app, so the quality checks register a guard here (in their
`apps.py`) rather than the form importing them, as publishing does with `core.publishing`.
A guard gets the settings as the editor would save them and returns errors by field name;
`SiteSettingsForm` (the settings' `base_form_class`) shows them beside the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wagtail.admin.forms import WagtailAdminModelForm

SettingsGuard = Callable[[Any], dict[str, list[str]]]

_guards: dict[str, SettingsGuard] = {}


def settings_guard_register(name: str, guard: SettingsGuard) -> None:
    """Add (or replace) the guard called `name`; it runs on every save of the site settings."""
    _guards[name] = guard


def settings_guard_unregister(name: str) -> None:
    """Remove the guard called `name`, if registered."""
    _guards.pop(name, None)


def settings_problems(settings: Any) -> dict[str, list[str]]:
    """Return every guard's errors for `settings` (an unsaved SiteSettings), by field name."""
    problems: dict[str, list[str]] = {}
    for guard in _guards.values():
        for field_name, messages in guard(settings).items():
            problems.setdefault(field_name, []).extend(messages)
    return problems


class SiteSettingsForm(WagtailAdminModelForm):
    """The site settings editor, which refuses what the registered guards find (filler text in
    the About Us blurb, shown on every page) with the reason beside the field."""

    def clean(self) -> dict[str, Any]:
        """Add each guard's errors to the field it names, so nothing readers should not see saves."""
        cleaned_data = super().clean()
        candidate = self.instance
        for name, value in cleaned_data.items():
            if name in {field.name for field in candidate._meta.concrete_fields}:
                setattr(candidate, name, value)
        for name, messages in settings_problems(candidate).items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return cleaned_data
