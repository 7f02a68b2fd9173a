"""The WordPress importer on exports the tests write: mapping, dry run, idempotency, safety."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

from django.core.management import CommandError, call_command
from django.test import TestCase, override_settings
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, Revision

from dateline.importers.models import ImportedItem
from dateline.importers.pipeline import ItemOutcome
from dateline.importers.report import ImportFailed
from dateline.importers.tests.fixtures import (
    ImportTestCase,
    attachment,
    item,
    png_bytes,
    write,
    wxr,
)
from dateline.importers.wordpress import wordpress_import
from dateline.newsroom.factories import home_page
from dateline.newsroom.models import ArticlePage, Author, SectionPage
from dateline.pages.models import StandardPage


def snapshot() -> dict[str, int]:
    """Count everything an import may write, to show a run changed nothing."""
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "authors": Author.objects.count(),
        "tags": Tag.objects.count(),
        "images": get_image_model().objects.count(),
        "redirects": Redirect.objects.count(),
        "mapping": ImportedItem.objects.count(),
    }


FUTURE = (dt.datetime.now(dt.UTC) + dt.timedelta(days=400)).strftime("%Y-%m-%d %H:%M:%S")


MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="dateline-import-test-media-"))


def export_items() -> list[str]:
    """Return the items of the test export: posts in every status, pages, an attachment."""
    return [
        attachment(
            post_id=50,
            url="https://old.example.org/wp-content/uploads/2021/03/photo.png",
            alt="A red square",
        ),
        item(
            post_id=10,
            title="Council &amp; budget",
            slug="council-budget",
            content=(
                "<!-- wp:paragraph -->\n<p>The council met.</p>\n<!-- /wp:paragraph -->\n\n"
                '<!-- wp:image {"id":50} -->\n<figure class="wp-block-image"><img '
                'src="https://old.example.org/wp-content/uploads/2021/03/photo-300x200.png" '
                'alt="Red" class="wp-image-50"/><figcaption>In red</figcaption></figure>\n'
                "<!-- /wp:image -->"
            ),
            tags=(("council", "Council"),),
            excerpt="A short standfirst.",
            sticky=True,
            thumbnail=50,
        ),
        item(post_id=11, title="Draft story", status="draft", creator="rroe"),
        item(post_id=12, title="Later story", status="future", date_gmt=FUTURE),
        item(post_id=13, title="Private note", status="private", categories=()),
        item(post_id=14, title="Ünïcödé — “quotes”", categories=(("news", "News"),)),
        # A child page before its parent: the importer must wait for the parent.
        item(post_id=21, title="Team", post_type="page", parent=20, categories=()),
        item(post_id=20, title="About", post_type="page", categories=()),
        item(post_id=30, title="Menu", post_type="nav_menu_item", categories=()),
    ]


def export_folder() -> tuple[Path, Path]:
    """Write the test export and its uploads folder; return (export file, media folder)."""
    folder = Path(tempfile.mkdtemp(prefix="dateline-wxr-"))
    media = folder / "uploads"
    (media / "2021" / "03").mkdir(parents=True)
    (media / "2021" / "03" / "photo.png").write_bytes(png_bytes())
    return write(folder, "export.xml", wxr(*export_items())), media


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class ImportedExportTests(TestCase):
    """One committed import of the test export, then checks on what it made."""

    @classmethod
    def setUpTestData(cls):
        home_page()
        cls.export, cls.media = export_folder()
        cls.report = wordpress_import(path=cls.export, media_dir=cls.media, commit=True)

    def run_import(self, path: Path | None = None, **kwargs):
        kwargs.setdefault("media_dir", self.media)
        return wordpress_import(path=path or self.export, commit=True, **kwargs)

    def test_posts_become_articles(self):
        article = ArticlePage.objects.get(title="Council & budget")
        self.assertTrue(article.live)
        # Nested categories: filed under the child, also listed in the parent's section.
        self.assertEqual(article.get_parent().title, "Local")
        self.assertEqual([s.title for s in article.additional_sections.all()], ["News"])
        self.assertEqual([a.author.name for a in article.article_authors.all()], ["Jane Doe"])
        self.assertEqual([t.name for t in article.tags.all()], ["Council"])
        self.assertEqual(article.standfirst, "A short standfirst.")
        self.assertEqual(article.published_at, dt.datetime(2021, 3, 4, 5, 6, 7, tzinfo=dt.UTC))
        blocks = [(b.block_type, b.value) for b in article.body]
        self.assertEqual(blocks[0][0], "paragraph")
        self.assertEqual(blocks[1][0], "image")
        self.assertEqual(blocks[1][1]["caption"], "In red")
        self.assertEqual(article.lead_image, blocks[1][1]["image"])
        self.assertEqual(get_image_model().objects.count(), 1)

    def test_statuses_are_kept(self):
        draft = ArticlePage.objects.get(title="Draft story")
        self.assertFalse(draft.live)
        self.assertEqual(draft.article_authors.get().author.name, "Richard Roe")
        later = ArticlePage.objects.get(title="Later story")
        self.assertFalse(later.live)
        self.assertIsNotNone(later.go_live_at)
        self.assertIsNotNone(later.get_latest_revision().approved_go_live_at)
        private = ArticlePage.objects.get(title="Private note")
        self.assertFalse(private.live)
        self.assertEqual(private.get_parent().title, "Uncategorized")
        self.assertTrue(ArticlePage.objects.get(title="Ünïcödé — “quotes”").live)

    def test_pages_keep_their_hierarchy(self):
        about = StandardPage.objects.get(title="About")
        team = StandardPage.objects.get(title="Team")
        self.assertEqual(about.get_parent().pk, home_page().pk)
        self.assertEqual(team.get_parent().pk, about.pk)

    def test_old_permalinks_redirect(self):
        article = ArticlePage.objects.get(title="Council & budget")
        response = self.client.get("/2021/council-budget/")
        self.assertEqual(response.status_code, 301)
        self.assertEqual(response["Location"], article.url)
        self.assertEqual(self.client.get(article.url).status_code, 200)

    def test_second_run_changes_nothing(self):
        before = snapshot()
        report = self.run_import()
        self.assertEqual(snapshot(), before)
        self.assertEqual(report.total("create"), 0)
        self.assertEqual(report.total("update"), 0)
        self.assertEqual(report.counts["post"]["skip"], 5)
        self.assertEqual(report.counts["page"]["skip"], 2)

    def test_changed_post_is_updated_not_duplicated(self):
        items = export_items()
        items[1] = items[1].replace("The council met.", "The council met again.")
        changed = write(Path(tempfile.mkdtemp(prefix="dateline-wxr-")), "x.xml", wxr(*items))
        report = self.run_import(changed)
        self.assertEqual(report.counts["post"]["update"], 1)
        self.assertEqual(report.counts["post"]["skip"], 4)
        article = ArticlePage.objects.get(title="Council & budget")
        self.assertIn("again", str(article.body[0].value))
        self.assertEqual(ArticlePage.objects.filter(title="Council & budget").count(), 1)


@override_settings(MEDIA_ROOT=MEDIA_ROOT)
class FreshImportTests(TestCase):
    """Runs that must leave an empty site as it was."""

    @classmethod
    def setUpTestData(cls):
        home_page()

    def setUp(self):
        self.export, self.media = export_folder()
        self.files_before = set(MEDIA_ROOT.rglob("*"))

    def run_import(self, path: Path | None = None, **kwargs):
        kwargs.setdefault("media_dir", self.media)
        return wordpress_import(path=path or self.export, commit=True, **kwargs)

    def new_files(self) -> set[Path]:
        return {p for p in MEDIA_ROOT.rglob("*") if p.is_file()} - self.files_before

    def test_dry_run_reports_and_writes_nothing(self):
        before = snapshot()
        report = wordpress_import(path=self.export, media_dir=self.media, commit=False)
        self.assertEqual(snapshot(), before)
        self.assertFalse(report.committed)
        self.assertEqual(report.counts["post"]["create"], 5)
        self.assertEqual(report.counts["page"]["create"], 2)
        self.assertEqual(report.counts["author"]["create"], 2)
        self.assertEqual(report.counts["category"]["create"], 2)
        self.assertEqual(report.counts["attachment"]["create"], 1)
        self.assertEqual(report.counts["other: nav_menu_item"]["skip"], 1)
        self.assertEqual(report.counts["sticky post"]["noted"], 1)
        # No image file is left behind by a dry run.
        self.assertEqual(self.new_files(), set())

    def test_missing_media_is_reported(self):
        report = self.run_import(media_dir=None)
        self.assertEqual(report.counts["attachment"]["missing"], 1)
        self.assertTrue(any("image not found" in note for note in report.notes))
        self.assertIsNone(ArticlePage.objects.get(title="Council & budget").lead_image)

    def test_interrupted_run_leaves_the_site_unchanged(self):
        before = snapshot()
        posts = []

        def interrupt(outcome: ItemOutcome) -> None:
            # Ctrl-C while the third post is handled: two articles and an image are written by then.
            if outcome.key.kind == "post":
                posts.append(outcome.key.source_id)
                if len(posts) == 3:
                    raise KeyboardInterrupt

        with self.assertRaisesMessage(ImportFailed, "interrupted"):
            self.run_import(on_item=interrupt)
        self.assertEqual(posts, ["10", "11", "12"])
        self.assertEqual(snapshot(), before)
        self.assertEqual(self.new_files(), set())

    def test_failing_item_is_named(self):
        def fail(outcome: ItemOutcome) -> None:
            if outcome.key.kind == "post":
                raise ValueError("boom")

        with self.assertRaises(ImportFailed) as caught:
            self.run_import(on_item=fail)
        self.assertIn("post 10", str(caught.exception))
        self.assertIn("boom", str(caught.exception))
        self.assertFalse(ArticlePage.objects.exists())


class RefusedExportTests(ImportTestCase):
    """Bad files are refused with a message naming the fault, before anything is written."""

    def refused(self, text: str, *expected: str) -> str:
        path = write(self.folder, "bad.xml", text)
        before = snapshot()
        with self.assertRaises(ImportFailed) as caught:
            wordpress_import(path=path, commit=True)
        self.assertEqual(snapshot(), before)
        for fragment in expected:
            self.assertIn(fragment, str(caught.exception))
        return str(caught.exception)

    def test_malformed_xml_names_the_line(self):
        good = wxr(item(post_id=1, title="One"), item(post_id=2, title="Two"))
        broken = good.replace("<wp:post_id>2</wp:post_id>", "<wp:post_id>2</wp:postid>")
        line = broken.split("\n").index(
            next(ln for ln in broken.split("\n") if "</wp:postid>" in ln)
        )
        self.refused(broken, "not well-formed", f"line {line + 1}")

    def test_unknown_and_missing_versions(self):
        self.refused(wxr(item(post_id=1, title="One"), version="9.9"), "version '9.9'")
        self.refused(wxr(item(post_id=1, title="One"), version=""), "wxr_version")

    def test_not_an_export(self):
        self.refused("<html><body>hello</body></html>", "not <rss>")
        self.refused("", "not well-formed")

    def test_entity_expansion_bomb_is_refused(self):
        bomb = (
            '<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        )
        text = wxr(item(post_id=1, title="&c;"), doctype=bomb)
        self.refused(text, "refused", "entities")

    def test_external_entity_is_refused(self):
        doctype = '<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        self.refused(wxr(item(post_id=1, title="&secret;"), doctype=doctype), "refused")

    def test_command_reports_failure_and_dry_run(self):
        path = write(self.folder, "bad.xml", wxr(version="0.1"))
        with self.assertRaises(CommandError) as caught:
            call_command("import_content", "wordpress", str(path), "--no-progress")
        self.assertIn("site was not changed", str(caught.exception))
        good = write(self.folder, "good.xml", wxr(item(post_id=1, title="One")))
        out = io.StringIO()
        call_command("import_content", "wordpress", str(good), "--no-progress", stdout=out)
        rows = {line.split()[0]: line.split()[1:] for line in out.getvalue().splitlines() if line}
        self.assertEqual(rows["post"][:3], ["1", "0", "0"])
        self.assertIn("Dry run", out.getvalue())
        self.assertFalse(ArticlePage.objects.exists())
        self.assertFalse(SectionPage.objects.filter(title="Local").exists())


class FidelityTests(ImportTestCase):
    """What a post says arrives as it was written (issue #14, items 3 and 4)."""

    def run_import(self, *items: str, **kwargs):
        path = write(self.folder, "export.xml", wxr(*items, header=kwargs.pop("header", "")))
        return wordpress_import(path=path, commit=True, **kwargs)

    def test_bracketed_text_is_not_a_shortcode(self):
        quote = "The two companies [Rosneft and CNPC] have agreed to build a refinery."
        report = self.run_import(
            item(post_id=1, title="Deal", content=f"<p>{quote}</p>\n\n[contact-form-7 id=3]")
        )
        article = ArticlePage.objects.get(title="Deal")
        self.assertEqual(
            [b.value.source for b in article.body],
            [f"<p>{quote}</p>", "<p>[contact-form-7 id=3]</p>"],
        )
        self.assertFalse(any("shortcode" in note for note in report.notes))

    def test_configured_shortcodes_are_removed(self):
        content = "<p>Before</p>\n\n[contact-form-7 id=3]\n\n[newsletter]\n\n<p>[sic]</p>"
        with override_settings(DATELINE_IMPORT_SHORTCODES=["newsletter"]):
            report = self.run_import(
                item(post_id=1, title="Forms", content=content), shortcodes=["contact-form-7"]
            )
        article = ArticlePage.objects.get(title="Forms")
        self.assertEqual([b.value.source for b in article.body], ["<p>Before</p>", "<p>[sic]</p>"])
        self.assertTrue(any("[contact-form-7] removed" in note for note in report.notes))
        self.assertTrue(any("[newsletter] removed" in note for note in report.notes))

    def test_shortcode_option_of_the_command(self):
        path = write(
            self.folder,
            "export.xml",
            wxr(item(post_id=1, title="Forms", content="<p>A [poll id=2] B [sic]</p>")),
        )
        call_command(
            "import_content", "wordpress", str(path), "--commit", "--no-progress",
            "--shortcode", "poll", stdout=io.StringIO(),
        )  # fmt: skip
        article = ArticlePage.objects.get(title="Forms")
        self.assertEqual(article.body[0].value.source, "<p>A  B [sic]</p>")

    def test_tables_headings_and_titles(self):
        content = (
            "<h2>Two</h2><h3>Three</h3><h4>Four</h4>"
            "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>"
        )
        self.run_import(
            item(post_id=1, title="&lt;em&gt;Bold&lt;/em&gt; move &amp;amp; more &amp;#8211; ok",
                 content=content)
        )  # fmt: skip
        article = ArticlePage.objects.get()
        self.assertEqual(article.title, "Bold move & more \u2013 ok")
        self.assertEqual(
            [(b.block_type, b.value["level"]) for b in article.body if b.block_type == "heading"],
            [("heading", 2), ("heading", 3), ("heading", 4)],
        )
        table = next(b for b in article.body if b.block_type == "table")
        self.assertEqual(table.value["data"], [["a", "b"], ["1", "2"]])
        self.assertTrue(table.value["first_row_is_table_header"])
        page = self.client.get(article.url).content.decode()
        self.assertIn("<h3", page)
        self.assertIn("<table>", page)
        self.assertNotIn("| a |", page)

    def test_a_creator_typo_renames_nobody(self):
        items = [item(post_id=i, title=f"Story {i}", creator="rroe") for i in range(1, 4)]
        items.append(item(post_id=9, title="Typo", creator=">rroe"))
        items.append(item(post_id=10, title="Guest", creator="guest"))
        report = self.run_import(*items)
        self.assertEqual(
            sorted(Author.objects.values_list("name", flat=True)),
            ["Jane Doe", "Richard Roe", "guest"],
        )
        typo = ArticlePage.objects.get(title="Typo")
        self.assertEqual([a.author.name for a in typo.article_authors.all()], ["Richard Roe"])
        self.assertEqual(report.counts["author"]["create"], 3)
        self.assertEqual(sum(report.counts["author"].values()), 3)

    def test_authors_already_on_the_site_are_not_counted_as_created(self):
        Author.objects.create(slug="jdoe", name="Jane Doe")
        report = self.run_import(item(post_id=1, title="One"))
        self.assertEqual(report.counts["author"]["existing"], 1)
        self.assertEqual(report.counts["author"]["create"], 1)
        self.assertEqual(Author.objects.count(), 2)

    def test_categories_nest_under_a_parent_section_out_of_the_menu(self):
        home = home_page()
        demo = SectionPage(title="China News", slug="china-news", show_in_menus=True)
        home.add_child(instance=demo)
        header = (
            "<wp:category><wp:term_id>4</wp:term_id><wp:category_nicename>parish</wp:category_nicename>"
            "<wp:category_parent>local</wp:category_parent><wp:cat_name>Parish</wp:cat_name>"
            "</wp:category>"
        )
        path = write(
            self.folder,
            "export.xml",
            wxr(item(post_id=1, title="Fete", categories=(("parish", "Parish"),)), header=header),
        )
        call_command(
            "import_content", "wordpress", str(path), "--commit", "--no-progress",
            "--parent-section", "Archive", "--menu", "news", stdout=io.StringIO(),
        )  # fmt: skip
        archive = SectionPage.objects.get(slug="archive")
        self.assertEqual(archive.get_parent().pk, home.pk)
        news = SectionPage.objects.child_of(archive).get(slug="news")
        local = SectionPage.objects.child_of(news).get(slug="local")
        parish = SectionPage.objects.child_of(local).get(slug="parish")
        fete = ArticlePage.objects.get(title="Fete")
        self.assertEqual(fete.get_parent().pk, parish.pk)
        self.assertEqual(sorted(s.title for s in fete.additional_sections.all()), ["Local", "News"])
        from dateline.newsroom.selectors import menu_sections

        self.assertEqual([s.title for s in menu_sections()], ["China News", "News"])
        self.assertEqual(self.client.get(fete.url).status_code, 200)
        self.assertEqual(self.client.get(parish.url).status_code, 200)
        # A second run changes nothing and keeps the editors' menu choice.
        SectionPage.objects.filter(pk=parish.pk).update(show_in_menus=True)
        report = wordpress_import(path=path, commit=True, parent_section="Archive")
        self.assertEqual(report.total("create") + report.total("update"), 0)
        self.assertTrue(SectionPage.objects.get(pk=parish.pk).show_in_menus)


class DeferredIndexTests(ImportTestCase):
    """A committed import rebuilds the indexes once after its commit, never per story."""

    def test_indexes_are_rebuilt_once_after_the_commit(self):
        from unittest import mock

        from dateline.importers import followup
        from dateline.related import services as related_services
        from dateline.search.models import SearchDocument

        path = write(
            self.folder,
            "export.xml",
            wxr(*(item(post_id=i, title=f"Story number {i}") for i in range(1, 6))),
        )
        rebuild = mock.Mock(wraps=followup.archive_indexes_rebuild)
        refresh = mock.Mock(wraps=related_services.related_article_refresh)
        with (
            mock.patch.object(followup, "archive_indexes_rebuild", rebuild),
            mock.patch("dateline.importers.pipeline.archive_indexes_rebuild", rebuild),
            mock.patch.object(related_services, "related_article_refresh", refresh),
            self.captureOnCommitCallbacks(execute=True),
        ):
            report = wordpress_import(path=path, commit=True)
            self.assertEqual(refresh.call_count, 0)  # no per-story refresh
        self.assertEqual(rebuild.call_count, 1)
        self.assertEqual(len(rebuild.call_args.kwargs["page_ids"]), 5)
        live = set(ArticlePage.objects.live().values_list("pk", flat=True))
        self.assertEqual(set(SearchDocument.objects.values_list("pk", flat=True)), live)
        self.assertTrue(any("rebuilt after the import" in note for note in report.notes))
        # Wagtail's admin search finds the imported stories too.
        self.assertEqual(ArticlePage.objects.search("number").count(), 5)

    def test_with_a_worker_the_rebuild_is_one_queued_task(self):
        from django.test import override_settings
        from django_tasks_db.models import DBTaskResult

        from dateline.core.testing import DATABASE_TASKS, run_queue
        from dateline.search.models import SearchDocument

        path = write(
            self.folder,
            "export.xml",
            wxr(*(item(post_id=i, title=f"Story number {i}") for i in range(1, 4))),
        )
        with override_settings(TASKS=DATABASE_TASKS):
            with self.captureOnCommitCallbacks(execute=True):
                report = wordpress_import(path=path, commit=True)
            queued = [
                row.task_path
                for row in DBTaskResult.objects.ready()
                if row.task_path.endswith("archive_indexes_rebuild_task")
            ]
            self.assertEqual(len(queued), 1)
            self.assertTrue(any("the worker now rebuilds" in note for note in report.notes))
            self.assertFalse(SearchDocument.objects.exists())  # not yet: the worker does it
            run_queue()
        live = set(ArticlePage.objects.live().values_list("pk", flat=True))
        self.assertEqual(len(live), 3)
        self.assertEqual(set(SearchDocument.objects.values_list("pk", flat=True)), live)

    def test_dry_run_rebuilds_nothing(self):
        from unittest import mock

        path = write(self.folder, "export.xml", wxr(item(post_id=1, title="One")))
        with mock.patch("dateline.importers.pipeline.archive_indexes_rebuild") as rebuild:
            wordpress_import(path=path, commit=False)
        rebuild.assert_not_called()
