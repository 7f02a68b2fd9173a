"""The editors' Related News view: an article's stored list with reasons, pins and exclusions."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from wagtail.admin.widgets import AdminPageChooser
from wagtail.log_actions import log

from dateline.newsroom.models import ArticlePage, SectionPage
from dateline.related import config, selectors, services
from dateline.related.explain import reasons_in_words
from dateline.related.models import RelatedChoice
from dateline.related.reading import body_text

# The named permission every pin, exclusion and clear needs (docs/permissions.md).
CHOICES_PERMISSION = "related.change_related_choices"


class ChoiceForm(forms.Form):
    """Pin or exclude one story in an article's Related News list."""

    related = forms.ModelChoiceField(
        queryset=ArticlePage.objects.all(),
        widget=AdminPageChooser(target_models=[ArticlePage]),
        label="Story",
    )
    action = forms.ChoiceField(choices=[*RelatedChoice.ACTIONS, ("clear", "Clear")])


def _article(request: HttpRequest, page_id: int) -> ArticlePage:
    article = ArticlePage.objects.filter(pk=page_id).first()
    if article is None:
        raise Http404("No such article")
    if not article.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    return article


def can_change_choices(*, article: ArticlePage, user: AbstractBaseUser | AnonymousUser) -> bool:
    """Return whether `user` may pin or exclude stories in the article's Related News.

    It needs the named permission `related.change_related_choices`, and on top of it a right to
    the page: a choice on a live article changes what readers see at once, as publishing does, so
    it needs the publish permission; on an unpublished article, editing it is enough.
    """
    has_perm = getattr(user, "has_perm", None)
    if has_perm is None or not has_perm(CHOICES_PERMISSION):
        return False
    permissions = article.permissions_for_user(user)
    return permissions.can_publish() if article.live else permissions.can_edit()


def _texts(story: tuple[str, str, object] | None) -> list[str]:
    """Return a story's headline, standfirst and body text, to find how it writes names."""
    if story is None:
        return []
    title, standfirst, body = story
    return [title, standfirst, body_text(body)]


@require_http_methods(["GET", "POST"])
def article_related(request: HttpRequest, page_id: int) -> HttpResponse:
    """Show why each story is in the article's list, and let the editor pin or exclude stories."""
    article = _article(request, page_id)
    may_change = can_change_choices(article=article, user=request.user)
    form = ChoiceForm(request.POST or None)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied(
                "Changing Related News needs the Related News permission, and publish permission "
                "on a live story."
            )
        if form.is_valid():
            related = form.cleaned_data["related"]
            action = form.cleaned_data["action"]
            try:
                services.related_choice_set(
                    article_id=article.pk, related_id=related.pk, action=action
                )
            except ValueError as error:
                messages.error(request, str(error))
            else:
                log(
                    instance=article,
                    action=f"dateline.related.{action}",
                    user=request.user,
                    data={"related_id": related.pk, "related_title": related.title},
                )
                messages.success(request, f"Related News updated for “{article.title}”.")
            return redirect(reverse("related_article", args=[article.pk]))
        messages.error(request, "Choose a story and an action.")
    # Only the rows readers see (the stored list keeps a spare one for trimming).
    suggestions = selectors.related_explained(article=article)[: settings.DATELINE_RELATED_LIMIT]
    section_titles = dict(SectionPage.objects.values_list("pk", "title"))
    pages = ArticlePage.objects.in_bulk([article.pk, *(item["related_id"] for item in suggestions)])
    stories = {pk: (page.title, page.standfirst, page.body) for pk, page in pages.items()}
    for item in suggestions:
        item["reasons"]["sections"] = [
            section_titles.get(int(s), s) if str(s).isdigit() else s
            for s in item["reasons"].get("sections", [])
        ]
        texts = [
            text for pk in (article.pk, item["related_id"]) for text in _texts(stories.get(pk))
        ]
        item["lines"] = reasons_in_words(item["reasons"], texts)
        item["page"] = pages.get(item["related_id"])
    choices = selectors.related_choices(article=article)
    titles = dict(
        ArticlePage.objects.filter(pk__in=[c.related_id for c in choices]).values_list(
            "pk", "title"
        )
    )
    return TemplateResponse(
        request,
        "related/admin/article_related.html",
        {
            "article": article,
            "suggestions": suggestions,
            "choices": [(choice, titles.get(choice.related_id, "(deleted)")) for choice in choices],
            "form": ChoiceForm(),
            "may_change": may_change,
            "mode": config.related_mode(),
            "profiled": selectors.related_profile(article=article) is not None,
        },
    )
