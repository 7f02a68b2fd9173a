"""Tag every page Wagtail serves with its own tag, so publishing it purges its URL everywhere."""

from wagtail import hooks

from dateline.core.cachetags import cache_tags_add, page_tag


@hooks.register("before_serve_page")
def tag_served_page(page, request, serve_args, serve_kwargs):
    """Record the served page's own tag on the request (also for routes such as /authors/x/)."""
    cache_tags_add(request, page_tag(page.pk))
