"""Admin integration of the newsroom: the page history's entry for a story held at go-live."""

from __future__ import annotations

from wagtail import hooks

from dateline.newsroom.services import HELD_ACTION


@hooks.register("register_log_actions")
def register_newsroom_log_actions(actions) -> None:  # noqa: ANN001 - Wagtail's registry
    """Name the history entry the scheduler writes when it holds a story back."""
    actions.register_action(
        HELD_ACTION,
        "Held back from scheduled publishing",
        "Held back from scheduled publishing (see the quality checks)",
    )
