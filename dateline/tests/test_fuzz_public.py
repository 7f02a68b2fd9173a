"""Reader input never causes a 500: every public URL pattern and query parameter, fuzzed.

Hypothesis builds requests for a small factory-made site: the home page, sections with `?page=`,
articles, author and tag pages (unicode slugs among them), the search with `q`, `sort` and `page`,
On this day with real and impossible dates, every feed and sitemap, robots.txt, the health checks,
unknown URLs, and odd `Host` and `X-Forwarded-Host` headers. The test client re-raises any error a
view does not handle, so a failure shows the exception and the request that caused it. The number
of examples is bounded, and the example database is off, so a run is repeatable and short.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.db import connection
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from dateline.almanac.models import Event
from dateline.newsroom.factories import (
    ArticlePageFactory,
    AuthorFactory,
    SectionPageFactory,
    home_page,
)

# Text a reader might type, paste or forge: any unicode (bar surrogates), with the usual suspects
# given extra weight.
SUSPECTS = [
    "",
    "0",
    "-1",
    "1e9",
    "99999999999999999999999",
    " 2 ",
    "NaN",
    "null",
    "%",
    "%00",
    "\x00",
    "'",
    '"',
    "<script>",
    "../../etc/passwd",
    "ελληνικά",
    "日本語",
    "\u202e",
    "\u200b",
    "a" * 2000,
]
_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
reader_text = st.one_of(st.sampled_from(SUSPECTS), _text)
# Numbers for path converters: small ones, and ones past any database integer.
big_numbers = st.one_of(
    st.integers(0, 40), st.sampled_from([2**31, 2**63, 10**23]), st.integers(0, 10**30)
)
slug_text = st.one_of(
    st.sampled_from(
        ["politics", "mei-lin", "ελλάδα", "climate", "no-such-thing", "%ff", "..", "\x00", "a\x00b"]
    ),
    _text,
)


def _segment(value: str) -> str:
    """Return `value` as one percent-encoded path segment (never empty)."""
    return quote(value, safe="") or "x"


@st.composite
def query(draw, names: tuple[str, ...] = ()) -> str:
    """A query string: the view's own parameters with reader text, some unknown ones, or junk."""
    pairs = [(name, draw(reader_text)) for name in names if draw(st.booleans())]
    pairs += draw(st.lists(st.tuples(_text, reader_text), max_size=2))
    encoded = urlencode(pairs)
    if draw(st.integers(0, 9)) == 0:
        encoded += "&" + draw(st.sampled_from(["%ff%fe", "page=%", "q=%E2%82", "=&&=", "a[]=1"]))
    return encoded


FEED_FILES = st.sampled_from(["rss.xml", "atom.xml", "feed.json"])
segment = slug_text.map(_segment)


def _with_query(paths: st.SearchStrategy[str], *names: str) -> st.SearchStrategy[str]:
    """Return `paths` each with a query string of the view's parameters `names` (or none)."""
    return st.tuples(paths, query(names or ("page",))).map(
        lambda pair: f"{pair[0]}?{pair[1]}" if pair[1] else pair[0]
    )


# One strategy per public URL pattern, so each is tried about as often as the others.
public_path = st.one_of(
    _with_query(st.just("/")),
    _with_query(st.just("/politics/"), "page"),
    _with_query(st.sampled_from(["/politics/vote-count/", "/politics/ψηφοφορία/"])),
    _with_query(segment.map(lambda s: f"/authors/{s}/"), "page"),
    _with_query(segment.map(lambda s: f"/tags/{s}/"), "page"),
    _with_query(st.just("/search/"), "q", "sort", "page"),
    _with_query(st.sampled_from(["/on-this-day/", "/on-this-day/feed/"])),
    _with_query(
        st.tuples(big_numbers, big_numbers).map(lambda md: f"/on-this-day/{md[0]}-{md[1]}/")
    ),
    _with_query(FEED_FILES.map(lambda name: f"/feeds/{name}")),
    _with_query(
        st.tuples(st.sampled_from(["sections", "authors", "tags"]), segment, FEED_FILES).map(
            lambda parts: "/feeds/{}/{}/{}".format(*parts)
        )
    ),
    _with_query(st.sampled_from(["/sitemap.xml", "/sitemaps/pages.xml", "/sitemaps/news.xml"])),
    _with_query(big_numbers.map(lambda n: f"/sitemaps/articles-{n}.xml")),
    _with_query(st.sampled_from(["/robots.txt", "/healthz", "/readyz"])),
    _with_query(
        st.tuples(st.lists(segment, min_size=1, max_size=3), st.sampled_from(["", "/"])).map(
            lambda parts: "/" + "/".join(parts[0]) + parts[1]
        )
    ),
)


odd_hosts = st.one_of(
    st.sampled_from(
        [
            "testserver",
            "localhost:8000",
            "127.0.0.1",
            "evil.example",
            "testserver:99999999",
            "testserver.",
            "[::1]",
            "",
            "a" * 300,
            "test server",
            "testserver@evil.example",
            "ελλάδα.example",
        ]
    ),
    st.text(max_size=20),
)
# Mostly a host the site serves, so most requests reach the views; an odd one a fifth of the time.
hosts = st.one_of(
    st.sampled_from(["testserver", "testserver", "localhost", "127.0.0.1:8000"]), odd_hosts
)


def _transaction_broken() -> bool:
    """Return whether the database connection's transaction was left aborted (PostgreSQL)."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return False
    from psycopg.pq import TransactionStatus

    return connection.connection.info.transaction_status == TransactionStatus.INERROR


@override_settings(DATELINE_PAGE_CACHE=False)
class PublicFuzzTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        home = home_page()
        politics = SectionPageFactory(parent=home, title="Politics", slug="politics")
        author = AuthorFactory(name="Mei Lin", slug="mei-lin")
        for title, slug, tags in (
            ("Vote count", "vote-count", ["elections", "ελλάδα"]),
            ("Ψηφοφορία", "ψηφοφορία", ["ελλάδα"]),
            ("Climate talks", "climate-talks", ["climate"]),
        ):
            ArticlePageFactory(parent=politics, title=title, slug=slug, authors=[author], tags=tags)
        Event.objects.create(
            month=7, day=20, year=1969, text="Apollo 11 lands on the Moon.", status="reviewed"
        )

    @settings(
        max_examples=250,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        path=public_path,
        host=hosts,
        forwarded=st.one_of(st.none(), st.none(), odd_hosts),
        method=st.sampled_from(["GET", "GET", "GET", "HEAD"]),
    )
    def test_no_reader_request_is_a_server_error(self, path, host, forwarded, method):
        headers = {"HTTP_HOST": host}
        if forwarded is not None:
            headers["HTTP_X_FORWARDED_HOST"] = forwarded
        call = self.client.head if method == "HEAD" else self.client.get
        response = call(path, **headers)
        self.assertLess(response.status_code, 500, f"{method} {path!r} Host {host!r}")
        if response.streaming:
            # Read a streamed answer (sitemaps) to its end, as a reader would: an error inside the
            # stream is an error too, and an unread stream would hold its database cursor open
            # (the test client closes the response once its stream is read).
            b"".join(response.streaming_content)
        # A swallowed database error leaves PostgreSQL's transaction aborted, and every later query
        # of the same connection fails: a 500 for the next reader.
        self.assertFalse(_transaction_broken(), f"{method} {path!r} Host {host!r} broke it")
