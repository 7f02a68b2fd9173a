"""Public URLs of the distribution outputs; stable, so caches and search engines can rely on them."""

from django.urls import path, re_path

from dateline.distribution import feeds, sitemaps

app_name = "distribution"

_SCOPED = r"^feeds/(?P<scope>sections|authors|tags)/(?P<slug>[^/]+)/"

urlpatterns = [
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap-index"),
    path("sitemaps/pages.xml", sitemaps.pages_sitemap, name="sitemap-pages"),
    path("sitemaps/articles-<int:number>.xml", sitemaps.article_sitemap, name="sitemap-articles"),
    path("sitemaps/news.xml", sitemaps.news_sitemap, name="sitemap-news"),
    path("feeds/rss.xml", feeds.RssFeed(), name="feed-rss"),
    path("feeds/atom.xml", feeds.AtomFeed(), name="feed-atom"),
    path("feeds/feed.json", feeds.json_feed_view, name="feed-json"),
    re_path(_SCOPED + r"rss\.xml$", feeds.RssFeed(), name="scoped-feed-rss"),
    re_path(_SCOPED + r"atom\.xml$", feeds.AtomFeed(), name="scoped-feed-atom"),
    re_path(_SCOPED + r"feed\.json$", feeds.json_feed_view, name="scoped-feed-json"),
]
