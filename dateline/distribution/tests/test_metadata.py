"""Page metadata: JSON-LD read back with extruct, OpenGraph/Twitter/canonical/robots parsed with lxml."""

from __future__ import annotations

import json

import extruct
import lxml.html
from django.test import RequestFactory
from wagtail.test.utils import WagtailPageTestCase

from dateline.distribution.metadata import json_for_script, page_meta_for
from dateline.distribution.tests.fixtures import HOSTILE_HEADLINE, NON_LATIN_NAME, NewsroomData
from dateline.newsroom.models import ArticlePage

# Google's NewsArticle guidance: none strictly required; these are the recommended properties, plus
# what the issue asks of us.
NEWS_ARTICLE_PROPERTIES = (
    "headline",
    "image",
    "datePublished",
    "dateModified",
    "author",
    "publisher",
    "articleSection",
    "mainEntityOfPage",
)


class PageData:
    def __init__(self, html: bytes, url: str):
        self.html = html.decode()
        self.tree = lxml.html.fromstring(html)
        self.json_ld = extruct.extract(self.html, base_url=url, syntaxes=["json-ld"])["json-ld"]

    def of_type(self, kind: str) -> list[dict]:
        return [item for item in self.json_ld if item.get("@type") == kind]

    def meta(self, attribute: str, name: str) -> list[str]:
        return [
            node.get("content") for node in self.tree.xpath(f"//head/meta[@{attribute}=$n]", n=name)
        ]

    def link(self, rel: str) -> list[dict]:
        return [dict(node.attrib) for node in self.tree.xpath("//head/link[@rel=$r]", r=rel)]


class MetadataTests(NewsroomData, WagtailPageTestCase):
    def page(self, url: str) -> PageData:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        return PageData(response.content, "http://localhost" + url)

    def test_article_has_a_complete_news_article(self):
        data = self.page(self.hostile.url)
        (article,) = data.of_type("NewsArticle")
        for name in NEWS_ARTICLE_PROPERTIES:
            self.assertTrue(article.get(name), name)
        self.assertEqual(article["headline"], HOSTILE_HEADLINE)
        self.assertEqual(article["mainEntityOfPage"]["@id"], self.hostile.get_full_url())
        self.assertEqual(article["articleSection"], ["World"])
        self.assertEqual(
            article["author"],
            [
                {
                    "@type": "Person",
                    "name": NON_LATIN_NAME,
                    "url": "http://localhost/authors/wang-xiaoming/",
                },
                {"@type": "Person", "name": "Kim Lee", "url": "http://localhost/authors/kim-lee/"},
            ],
        )
        publisher = article["publisher"]
        self.assertEqual(publisher["@type"], "NewsMediaOrganization")
        self.assertEqual(publisher["name"], "The Test Courier")
        self.assertTrue(publisher["logo"]["url"].startswith("http://localhost/"))
        self.assertEqual(len(article["image"]), 3)
        self.assertTrue(all(url.startswith("http://localhost/media/") for url in article["image"]))
        self.assertTrue(article["datePublished"].endswith("+00:00"))
        self.assertEqual(article["description"], "Cats & mice met on Tuesday.")

    def test_article_breadcrumbs_lead_home_then_section_then_story(self):
        (crumbs,) = self.page(self.hostile.url).of_type("BreadcrumbList")
        items = crumbs["itemListElement"]
        self.assertEqual([i["position"] for i in items], [1, 2, 3])
        self.assertEqual(
            [i["name"] for i in items], ["The Test Courier", "World", HOSTILE_HEADLINE]
        )
        self.assertEqual(items[1]["item"], "http://localhost/world/")

    def test_hostile_headline_cannot_break_out_of_the_script(self):
        data = self.page(self.hostile.url)
        scripts = data.tree.xpath("//script")
        # Only our JSON-LD scripts: the headline's </script><script> did not become an element.
        self.assertTrue(all(s.get("type") == "application/ld+json" for s in scripts))
        self.assertNotIn("<script>alert", data.html)
        encoded = json_for_script({"h": "</script>&'\""})
        self.assertNotIn("<", encoded)
        self.assertNotIn(">", encoded)
        self.assertNotIn("&", encoded)

    def test_article_social_cards_canonical_and_description(self):
        data = self.page(self.hostile.url)
        url = self.hostile.get_full_url()
        self.assertEqual(data.link("canonical"), [{"rel": "canonical", "href": url}])
        self.assertEqual(data.meta("name", "description"), ["Cats & mice met on Tuesday."])
        self.assertEqual(data.meta("property", "og:type"), ["article"])
        self.assertEqual(data.meta("property", "og:title"), [HOSTILE_HEADLINE])
        self.assertEqual(data.meta("property", "og:url"), [url])
        self.assertEqual(len(data.meta("property", "og:image")), 1)
        self.assertEqual(data.meta("property", "og:image:alt"), ["Cranes at dawn"])
        self.assertEqual(data.meta("name", "twitter:card"), ["summary_large_image"])
        self.assertEqual(data.meta("property", "article:tag"), ["harbour", "lonely"])
        self.assertEqual(data.meta("name", "robots"), [])

    def test_standfirst_is_the_description_when_there_is_one(self):
        data = self.page(self.older[0].url)
        self.assertEqual(data.meta("name", "description"), ["A short summary of the story."])

    def test_home_page_has_website_with_search_action(self):
        data = self.page("/")
        (website,) = data.of_type("WebSite")
        action = website["potentialAction"]
        self.assertEqual(action["@type"], "SearchAction")
        self.assertEqual(
            action["target"]["urlTemplate"], "http://localhost/search/?q={search_term_string}"
        )
        self.assertEqual(action["query-input"], "required name=search_term_string")
        self.assertEqual(data.link("canonical")[0]["href"], "http://localhost/")

    def test_author_page_is_a_profile_page_with_its_feeds(self):
        data = self.page("/authors/wang-xiaoming/")
        (profile,) = data.of_type("ProfilePage")
        self.assertEqual(profile["mainEntity"]["@type"], "Person")
        self.assertEqual(profile["mainEntity"]["name"], NON_LATIN_NAME)
        self.assertEqual(data.meta("property", "og:type"), ["profile"])
        feeds = {link["href"] for link in data.link("alternate")}
        self.assertIn("/feeds/authors/wang-xiaoming/atom.xml", feeds)
        self.assertIn("/feeds/rss.xml", feeds)

    def test_every_page_links_its_feeds_for_autodiscovery(self):
        for url, scoped in (
            ("/", None),
            ("/world/", "/feeds/sections/world/"),
            ("/empty-desk/", "/feeds/sections/empty-desk/"),
            ("/tags/harbour/", "/feeds/tags/harbour/"),
            (self.hostile.url, None),
            ("/search/?q=harbour", None),
        ):
            with self.subTest(url=url):
                links = self.page(url).link("alternate")
                types = {link["type"] for link in links}
                self.assertEqual(
                    types, {"application/rss+xml", "application/atom+xml", "application/feed+json"}
                )
                hrefs = {link["href"] for link in links}
                self.assertIn("/feeds/feed.json", hrefs)
                if scoped:
                    self.assertIn(scoped + "rss.xml", hrefs)
                for href in hrefs:
                    self.assertEqual(self.client.get(href).status_code, 200, href)

    def test_thin_tag_pages_and_search_are_noindex_substantial_tags_are_not(self):
        self.assertEqual(self.page("/tags/lonely/").meta("name", "robots"), ["noindex, follow"])
        self.assertEqual(self.page("/tags/harbour/").meta("name", "robots"), [])
        self.assertEqual(self.page("/search/?q=harbour").meta("name", "robots"), ["noindex"])

    def test_listing_canonical_keeps_the_page_number(self):
        with self.settings(DATELINE_ARTICLES_PER_PAGE=2):
            data = self.page("/world/?page=2")
        self.assertEqual(data.link("canonical")[0]["href"], "http://localhost/world/?page=2")
        self.assertEqual(
            self.page("/world/?page=zzz").link("canonical")[0]["href"], "http://localhost/world/"
        )

    def test_unpublished_and_scheduled_articles_are_not_linked_from_metadata(self):
        for url in ("/", "/world/", "/tags/harbour/", "/authors/kim-lee/"):
            html = self.page(url).html
            for slug in self.hidden_slugs:
                self.assertNotIn(slug, html)

    def test_an_unsaved_article_as_in_a_preview_still_gets_metadata(self):
        request = RequestFactory(HTTP_HOST="localhost").get("/")
        draft = ArticlePage(title="Draft <story>", standfirst="Not yet out.", body="[]")
        meta = page_meta_for(request=request, context={"page": draft})
        self.assertEqual(meta.description, "Not yet out.")
        (article, _) = [json.loads(data) for data in meta.json_ld]
        self.assertEqual(article["headline"], "Draft <story>")

    def test_switching_the_feature_off_leaves_only_the_description(self):
        with self.settings(DATELINE_DISABLED_FEATURES=["distribution"]):
            data = self.page(self.hostile.url)
        self.assertEqual(data.json_ld, [])
        self.assertEqual(data.meta("property", "og:title"), [])
        self.assertEqual(data.link("alternate"), [])
        self.assertEqual(
            self.page(self.world.url).meta("name", "description"), ["World in The Test Courier."]
        )
