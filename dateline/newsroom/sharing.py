"""Share links: a signed, expiring address that shows a story's latest draft without an account.

An editor makes one from the story (its header's "Share links", for anyone who may edit it) and
sends it to a source or a partner. The address carries the link's id and random key, signed with
the site's `SECRET_KEY` (`django.core.signing`), so it cannot be guessed or altered; the stored
row decides whether it still works: until `expires_at`, and not once revoked. What it shows is
the page's preview (the latest revision, embargoed or unpublished alike), sent with
`Cache-Control: private, no-store` and `X-Robots-Tag: noindex`; the page cache skips `/share/`.
Creating and revoking are recorded in the page's history.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from wagtail.log_actions import log
from wagtail.models import Page

from dateline.newsroom.models import ShareLink

SALT = "dateline.newsroom.share-link"
CREATE_ACTION = "dateline.share_link.create"
REVOKE_ACTION = "dateline.share_link.revoke"
# The lifetimes an editor may choose, in days; the longest bounds every signature's age too.
LIFETIMES = (1, 3, 7, 14, 30)


def share_link_create(*, page: Page, user: Any, days: int, note: str = "") -> ShareLink:
    """Make a share link for `page` that works for `days` days; record it in the page history."""
    if days not in LIFETIMES:
        raise ValueError(f"A share link lasts one of {', '.join(map(str, LIFETIMES))} days.")
    link = ShareLink.objects.create(
        page=page,
        key=secrets.token_urlsafe(32),
        note=note.strip()[:200],
        created_by=user,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    log(
        instance=page,
        action=CREATE_ACTION,
        user=user,
        data={"link": link.pk, "for": link.note, "expires_at": link.expires_at.isoformat()},
    )
    return link


def share_link_revoke(*, link: ShareLink, user: Any) -> None:
    """Stop `link` working at once (it stays listed, as revoked); record it in the page history."""
    if link.revoked_at is not None:
        return
    link.revoked_at = timezone.now()
    link.revoked_by = user
    link.save(update_fields=["revoked_at", "revoked_by"])
    log(
        instance=link.page,
        action=REVOKE_ACTION,
        user=user,
        data={"link": link.pk, "for": link.note},
    )


def share_link_path(link: ShareLink) -> str:
    """Return the address of `link` (its signed token in the path)."""
    token = signing.dumps([link.pk, link.key], salt=SALT, compress=False)
    return reverse("share_link", args=[token])


def share_link_open(token: str) -> tuple[ShareLink | None, str]:
    """Return the working link `token` names, or None and why not ("invalid", "expired", "revoked")."""
    try:
        pk, key = signing.loads(token, salt=SALT, max_age=dt.timedelta(days=max(LIFETIMES)))
        pk, key = int(pk), str(key)
    except signing.SignatureExpired:
        return None, "expired"
    except (signing.BadSignature, TypeError, ValueError):
        return None, "invalid"
    link = ShareLink.objects.select_related("page").filter(pk=pk).first()
    if link is None or not constant_time_compare(link.key, key):
        return None, "invalid"
    if link.status != "active":
        return None, link.status
    return link, "active"
