"""The admin's clock: every date and time an editor sees or types is in the newsroom's time zone.

Wagtail shows and reads admin times in the user's own time zone preference (Account → Preferences)
and, without one, in the server's `TIME_ZONE`, which is UTC. A newsroom sets its zone once, in Site
settings (the zone its date lines follow), so Dateline makes that the fallback instead: an editor
in Los Angeles who types 09:00 in the schedule dialog schedules 09:00 Los Angeles time. An editor's
own preference still wins, as in Wagtail.

Wagtail asks `UserProfile.get_current_time_zone()` when it wraps every admin view
(`wagtail.admin.localization.get_localized_response`); `install()` replaces that one method, and a
login creates the profile so that the question is asked for every editor.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import user_logged_in
from django.utils import timezone

from dateline.core.dates import get_zone
from dateline.core.selectors import site_settings_for


def newsroom_time_zone() -> str:
    """Return the newsroom's time zone name (the default site's settings), e.g. "Europe/London"."""
    return site_settings_for().time_zone or "UTC"


def admin_time_zone(*, user: Any) -> str:
    """Return the zone the admin uses for `user`: their own preference, else the newsroom's."""
    profile = getattr(user, "wagtail_userprofile", None) if user.is_authenticated else None
    chosen = getattr(profile, "current_time_zone", "") if profile is not None else ""
    return chosen or newsroom_time_zone()


def zone_label(name: str, *, at: dt.datetime | None = None) -> str:
    """Return "America/Los_Angeles (UTC−08:00)": the zone's name and its offset at `at` (now)."""
    moment = (at or timezone.now()).astimezone(get_zone(name))
    offset = moment.strftime("%z") or "+0000"
    sign = "−" if offset.startswith("-") else "+"
    return f"{name} (UTC{sign}{offset[1:3]}:{offset[3:5]})"


def _profile_time_zone(profile: Any) -> str:
    """Stand in for `UserProfile.get_current_time_zone`: the user's zone, else the newsroom's."""
    return profile.current_time_zone or newsroom_time_zone()


def _profile_on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Create the editor's Wagtail profile at login, so the admin asks it for their time zone."""
    from wagtail.users.models import UserProfile

    UserProfile.get_for_user(user)


def _preferences_form_init(original: Any) -> Any:
    """Wrap Account → Preferences' form so its empty time zone choice names the newsroom's zone."""

    def init(form: Any, *args: Any, **kwargs: Any) -> None:
        original(form, *args, **kwargs)
        field = form.fields.get("current_time_zone")
        if field is None:
            return
        zone = newsroom_time_zone()
        # Wagtail's label says "Use server time zone", and its script adds the server's zone (UTC)
        # to it; with no choice of their own, an editor gets the newsroom's zone (Site settings).
        field.choices = [
            ("", "Use the newsroom's time zone (Site settings)"),
            *[choice for choice in field.choices if choice[0]],
        ]
        field.widget.attrs["data-w-locale-server-time-zone-param"] = zone

    return init


def install() -> None:
    """Make the newsroom's zone the admin's fallback time zone (called from `CoreConfig.ready`)."""
    from wagtail.admin.forms.account import LocalePreferencesForm
    from wagtail.users.models import UserProfile

    UserProfile.get_current_time_zone = _profile_time_zone
    if not getattr(LocalePreferencesForm.__init__, "dateline_newsroom_zone", False):
        init = _preferences_form_init(LocalePreferencesForm.__init__)
        init.dateline_newsroom_zone = True
        LocalePreferencesForm.__init__ = init
    user_logged_in.connect(_profile_on_login, dispatch_uid="dateline-admin-time-zone")
