"""One positive and one negative case (at least) for every check, on subjects built in memory."""

from __future__ import annotations

import datetime as dt
import sys
import unittest

from django.test import SimpleTestCase, TestCase

from dateline.newsroom.factories import (
    ArticlePageFactory,
    SectionPageFactory,
    home_page,
    paragraphs,
)
from dateline.quality.checks.base import (
    ERROR,
    SEVERITIES,
    WARNING,
    check_by_code,
    registered_checks,
)
from dateline.quality.duplicates import similar_stories_finder
from dateline.quality.extract import page_text_subjects
from dateline.quality.runner import checks_run
from dateline.quality.subjects import (
    HEADLINE,
    ImageRef,
    LinkRef,
    OnThisDayShown,
    Subject,
    TextPart,
)
from dateline.quality.tests.helpers import (
    REFERENCE_ABOUT_US,
    REFERENCE_PAGE,
    article,
    codes,
    context,
    run,
)

FRIDAY = dt.datetime(2022, 12, 9, 8, tzinfo=dt.UTC)
MONDAY = dt.datetime(2024, 4, 8, 8, tzinfo=dt.UTC)


def blurb(text: str) -> Subject:
    return Subject(
        kind="setting", label="Site settings", parts=[TextPart(where="About Us blurb", text=text)]
    )


class RegistryTests(SimpleTestCase):
    def test_every_check_has_a_code_severity_title_and_message_module(self):
        checks = registered_checks()
        self.assertGreaterEqual(len(checks), 18)
        for check in checks:
            with self.subTest(check=type(check).__name__):
                self.assertTrue(check.code)
                self.assertIn(check.severity, SEVERITIES)
                self.assertTrue(check.title)
                # Each check's module says, in its docstring, what the check catches.
                module = sys.modules[type(check).__module__]
                self.assertTrue((module.__doc__ or "").strip(), module.__name__)
        self.assertEqual(len({c.code for c in checks}), len(checks))

    def test_a_failing_check_is_skipped_not_raised(self):
        class Broken:
            code, kinds = "filler-text", frozenset({"setting"})

            def run(self, subject, context):
                raise RuntimeError("boom")

        subject = blurb(REFERENCE_ABOUT_US)
        with self.assertLogs("dateline.quality.runner", level="ERROR"):
            from dateline.quality.checks import base

            original = base._REGISTRY["filler-text"]
            base._REGISTRY["filler-text"] = Broken()
            try:
                findings = checks_run(subject=subject, context=context())
            finally:
                base._REGISTRY["filler-text"] = original
        self.assertNotIn("filler-text", [f.code for f in findings])


class FillerTextTests(SimpleTestCase):
    def test_reference_about_us_paragraph_is_an_error(self):
        findings = checks_run(subject=blurb(REFERENCE_ABOUT_US), context=context())
        filler = [f for f in findings if f.code == "filler-text"]
        self.assertEqual(len(filler), 1)
        self.assertEqual(filler[0].severity, ERROR)
        self.assertEqual(filler[0].where, "About Us blurb")

    def test_lorem_ipsum_variants(self):
        for text in (
            "Lorem ipsum dolor sit amet.",
            "lorem  ipsom",
            "Your text here",
            "Sed do eiusmod",
        ):
            with self.subTest(text=text):
                self.assertEqual(codes("filler-text", blurb(text)), ["filler-text"])

    def test_real_copy_passes(self):
        text = "The Courier covers Millbrook and the Averley valley. Dolores Ipswich edits it."
        self.assertEqual(codes("filler-text", blurb(text)), [])


class PlaceholderTokenTests(SimpleTestCase):
    def test_tk_insert_and_xxx(self):
        for text in (
            "The council spent TK on the bridge.",
            "The mayor said TKTK.",
            "[INSERT QUOTE FROM MAYOR]",
            "Turnout was XXX per cent.",
        ):
            with self.subTest(text=text):
                self.assertEqual(codes("placeholder-token", article(text)), ["placeholder-token"])

    def test_words_and_names_containing_tk_or_x_pass(self):
        text = "TK Maxx opened a store. The Atkins diet, a TKO and Super Bowl XX were discussed."
        self.assertEqual(codes("placeholder-token", article(text)), [])


class TemplateTokenTests(SimpleTestCase):
    def test_unrendered_tokens(self):
        for text in ("Hello {{ reader.name }}", "{% if x %}yes{% endif %}", "Welcome to %s."):
            with self.subTest(text=text):
                self.assertEqual(codes("template-token", blurb(text)), ["template-token"])

    def test_percentages_and_braces_in_prose_pass(self):
        self.assertEqual(codes("template-token", blurb("Prices rose 5%s and {ish}.")), [])
        self.assertEqual(codes("template-token", blurb("Up 5% since May.")), [])


class DuplicateSentenceTests(SimpleTestCase):
    def test_repeated_sentence_in_body(self):
        sentence = "The bridge will close for repairs from the first of June until August."
        findings = run("duplicate-sentence", article(f"{sentence}\n\nOther news.\n\n{sentence}"))
        self.assertEqual([f.code for f in findings], ["duplicate-sentence"])
        self.assertEqual(findings[0].where, "body, paragraph 3")

    def test_short_repeats_and_standfirst_echo_pass(self):
        subject = article(
            "Yes, he said. Yes, he said.\n\nThe bridge closes in June for repairs, the council said."
        )
        subject.parts.insert(
            1,
            TextPart(
                where="standfirst",
                text="The bridge closes in June for repairs, the council said.",
                role="standfirst",
            ),
        )
        self.assertEqual(codes("duplicate-sentence", subject), [])


class FutureDateTests(SimpleTestCase):
    def test_future_date_without_schedule(self):
        subject = article("Text.", published_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        self.assertEqual(codes("date-future-unscheduled", subject), ["date-future-unscheduled"])

    def test_scheduled_or_past_passes(self):
        subject = article("Text.", published_at=dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        subject.go_live_at = subject.published_at
        self.assertEqual(codes("date-future-unscheduled", subject), [])
        self.assertEqual(
            codes("date-future-unscheduled", article("Text.", published_at=FRIDAY)), []
        )


class UpdatedBeforePublishedTests(SimpleTestCase):
    def test_update_before_publication(self):
        subject = article("Text.", published_at=FRIDAY)
        subject.updated_at = FRIDAY - dt.timedelta(days=1)
        self.assertEqual(
            codes("date-updated-before-published", subject), ["date-updated-before-published"]
        )

    def test_update_after_publication_passes(self):
        subject = article("Text.", published_at=FRIDAY)
        subject.updated_at = FRIDAY + dt.timedelta(hours=3)
        self.assertEqual(codes("date-updated-before-published", subject), [])


class YearAfterPublicationTests(SimpleTestCase):
    def test_later_year_as_past_fact(self):
        subject = article("Putin won re-election in March 2024.", published_at=FRIDAY)
        self.assertEqual(
            codes("date-year-after-publication", subject), ["date-year-after-publication"]
        )

    def test_future_plans_and_names_pass(self):
        body = (
            "The pipeline will open in 2025.\n\nEmissions must fall by 2030.\n\n"
            "Tickets for the 2026 World Cup sold out.\n\nThe declaration came in February 2022."
        )
        self.assertEqual(
            codes("date-year-after-publication", article(body, published_at=FRIDAY)), []
        )


class WeekdayTests(SimpleTestCase):
    def test_on_tuesday_in_a_monday_story(self):
        subject = article("The ministers met on Tuesday in Beijing.", published_at=MONDAY)
        findings = run("date-weekday-mismatch", subject)
        self.assertEqual([f.severity for f in findings], [WARNING])

    def test_weekday_with_wrong_date_and_today(self):
        for body in ("They met on Tuesday, December 8.", "Today, Tuesday, the talks began."):
            with self.subTest(body=body):
                subject = article(body, published_at=FRIDAY)
                self.assertEqual(codes("date-weekday-mismatch", subject), ["date-weekday-mismatch"])

    def test_recent_next_last_and_future_weekdays_pass(self):
        body = (
            "The talks ended on Thursday.\n\nThey will meet again on Tuesday.\n\n"
            "Next Tuesday the council votes.\n\nLast Tuesday it rained.\n\n"
            "Shops open Tuesdays. They met on Tuesday, December 6.\n\n"
            "She chairs Big Sunday, a charity. The library extended Saturday opening."
        )
        self.assertEqual(codes("date-weekday-mismatch", article(body, published_at=FRIDAY)), [])

    def test_friday_news_in_a_monday_story_passes(self):
        subject = article("The deal was signed on Friday.", published_at=MONDAY)
        self.assertEqual(codes("date-weekday-mismatch", subject), [])


class OnThisDayTests(SimpleTestCase):
    def shown(self, **kwargs) -> Subject:
        entry = OnThisDayShown(
            **{"shown_on": dt.date(2022, 12, 9), "year": 1983, "text": "Something happened."}
            | kwargs
        )
        return Subject(kind="site", label="On this day", on_this_day=[entry])

    def test_entry_dated_another_day(self):
        subject = self.shown(event_date=dt.date(1983, 5, 20))
        self.assertEqual(codes("on-this-day-date", subject), ["on-this-day-date"])
        subject = self.shown(text="On May 20, 1983, the ban was lifted.")
        self.assertEqual(codes("on-this-day-date", subject), ["on-this-day-date"])

    def test_entry_of_its_own_day_passes(self):
        self.assertEqual(codes("on-this-day-date", self.shown(event_date=dt.date(1983, 12, 9))), [])
        self.assertEqual(codes("on-this-day-date", self.shown(text="On 9 December 1983, ...")), [])
        self.assertEqual(codes("on-this-day-date", self.shown()), [])  # no date known: no claim

    def test_entry_from_this_year_or_later(self):
        self.assertEqual(codes("on-this-day-date", self.shown(year=2022)), ["on-this-day-date"])


class DuplicateStoryTests(TestCase):
    """The related-news engine's stored profiles answer: two stories published and profiled."""

    story = (
        "Chinese Foreign Minister Wang Yi has reaffirmed his country's commitment to bolstering "
        "strategic cooperation with Russia, emphasizing the importance of strengthening diplomatic "
        "ties amidst global efforts to promote multipolarity, officials said in Beijing."
    )
    published = dt.datetime(2024, 4, 8, 8, tzinfo=dt.UTC)

    @classmethod
    def setUpTestData(cls):
        section = SectionPageFactory(parent=home_page(), title="World", slug="world")
        for number, text in enumerate(
            [cls.story, "The council approved the budget for the new bridge over the river Avon."],
            start=1,
        ):
            story = ArticlePageFactory(
                parent=section,
                title=f"Story {number}",
                slug=f"s-{number}",
                standfirst="",
                body=paragraphs(text),
                published_at=cls.published - dt.timedelta(days=number),
            )
            # Publishing is what profiles a story for the related-news engine (its signal).
            story.save_revision().publish()

    def finder(self):
        return similar_stories_finder(window_days=60, minimum=0.5)

    def article(self, body: str) -> Subject:
        return article(body, title="Story 1", published_at=self.published)

    def test_identical_and_near_identical(self):
        ctx = context(similar_stories=self.finder())
        findings = run("duplicate-story", self.article(self.story), ctx)
        self.assertEqual(len(findings), 1)
        self.assertIn("identical copy of “Story 1”", findings[0].message)
        near = self.story.replace(
            "officials said in Beijing", "officials said in Beijing on Friday"
        )
        self.assertEqual(codes("duplicate-story", self.article(near), ctx), ["duplicate-story"])

    def test_different_story_passes(self):
        ctx = context(similar_stories=self.finder())
        other = (
            "Millbrook's library will open on Sundays from March, the town's librarian said today."
        )
        self.assertEqual(codes("duplicate-story", self.article(other), ctx), [])


class HeadlineRepeatedTests(SimpleTestCase):
    def test_headline_as_first_line(self):
        subject = article("Ministers meet in Beijing\n\nThe talks began.")
        self.assertEqual(codes("headline-repeated", subject), ["headline-repeated"])

    def test_different_first_line_passes(self):
        subject = article("Ministers meet in Beijing for talks on trade.\n\nThe talks began.")
        self.assertEqual(codes("headline-repeated", subject), [])


class SectionSubjectTests(SimpleTestCase):
    def test_russia_news_without_russia(self):
        subject = article("China and Iran signed a trade accord.", sections=["Russia News"])
        findings = run("section-subject-missing", subject)
        self.assertEqual([f.severity for f in findings], [WARNING])
        self.assertIn("Russia", findings[0].message)

    def test_derived_forms_and_generic_sections_pass(self):
        subject = article(
            "The Russian foreign minister arrived.", sections=["Russia News", "World", "Local News"]
        )
        self.assertEqual(codes("section-subject-missing", subject), [])
        subject = article("Beijing said so.", sections=["China News", "Business"])
        self.assertEqual(codes("section-subject-missing", subject), [])


class ImageTests(SimpleTestCase):
    def subject(self, **image) -> Subject:
        values = {"where": "lead image", "alt": "A bridge", "caption": "The bridge", "credit": "AP"}
        return Subject(kind="article", label="A", images=[ImageRef(**(values | image))])

    def test_missing_alt_caption_credit(self):
        self.assertEqual(codes("image-alt-missing", self.subject(alt="")), ["image-alt-missing"])
        self.assertEqual(
            codes("image-caption-missing", self.subject(caption=" ")), ["image-caption-missing"]
        )
        self.assertEqual(
            codes("image-credit-missing", self.subject(credit="")), ["image-credit-missing"]
        )

    def test_complete_image_passes(self):
        for code in ("image-alt-missing", "image-caption-missing", "image-credit-missing"):
            self.assertEqual(codes(code, self.subject()), [])


class StandfirstTests(SimpleTestCase):
    def test_required_and_empty(self):
        subject = article("Text.")
        self.assertEqual(
            codes("standfirst-missing", subject, context(thresholds={"required": 1})),
            ["standfirst-missing"],
        )

    def test_not_required_or_present_passes(self):
        self.assertEqual(codes("standfirst-missing", article("Text.")), [])
        subject = article("Text.")
        subject.standfirst = "A summary."
        self.assertEqual(
            codes("standfirst-missing", subject, context(thresholds={"required": 1})), []
        )


class HeadlineLengthTests(SimpleTestCase):
    def test_long_headline(self):
        self.assertEqual(
            codes("headline-too-long", article("x", title="A" * 71)), ["headline-too-long"]
        )

    def test_threshold_and_short_headline(self):
        self.assertEqual(codes("headline-too-long", article("x", title="A" * 70)), [])
        ctx = context(thresholds={"max_characters": 100})
        self.assertEqual(codes("headline-too-long", article("x", title="A" * 90), ctx), [])


class HeadlineHiddenCharactersTests(SimpleTestCase):
    def test_bidi_override_and_zero_width_space_are_named(self):
        for title in ("Budget \u202eevlos\u202c approved", "Zero\u200bwidth", "\u2067Mayor\u2069"):
            with self.subTest(title=title):
                findings = run("headline-hidden-characters", article("x", title=title))
                self.assertEqual([f.code for f in findings], ["headline-hidden-characters"])
                self.assertIn("U+", findings[0].message)

    def test_joiners_and_marks_that_scripts_need_pass(self):
        for title in (
            "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",
            "\u05e9\u05dc\u05d5\u05dd\u200f 2024",
            "Plain",
        ):
            with self.subTest(title=title):
                self.assertEqual(codes("headline-hidden-characters", article("x", title=title)), [])


class BrokenLinkTests(SimpleTestCase):
    def test_broken_and_working_links(self):
        subject = Subject(
            kind="article",
            label="A",
            links=[
                LinkRef(where="body", text="gone", page_id=9),
                LinkRef(where="body", text="ok", page_id=1),
            ],
        )
        ctx = context(link_problem=lambda link: "deleted" if link.page_id == 9 else None)
        findings = run("broken-internal-link", subject, ctx)
        self.assertEqual(len(findings), 1)
        self.assertIn("gone", findings[0].message)


class ReferencePageTests(SimpleTestCase):
    """The reference page as readers saw it, read from ../shared/seed (never committed)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not REFERENCE_PAGE.exists():
            raise unittest.SkipTest(f"reference page not found at {REFERENCE_PAGE}")
        cls.text = REFERENCE_PAGE.read_text(encoding="utf-8")

    def test_reference_page_findings(self):
        subjects = page_text_subjects(self.text, on_this_day_date=dt.date(1983, 5, 20))
        findings = []
        for subject in subjects:
            findings.extend(checks_run(subject=subject, context=context()))
        by_code = {f.code: f for f in findings}
        self.assertEqual(by_code["filler-text"].severity, ERROR)
        self.assertEqual(by_code["filler-text"].subject, "About Us blurb")
        self.assertEqual(by_code["on-this-day-date"].severity, ERROR)
        self.assertIn("20 May", by_code["on-this-day-date"].message)
        self.assertIn("headline-repeated", by_code)
        self.assertIn("date-weekday-mismatch", by_code)  # "on Tuesday" in a Friday story
        self.assertNotIn("section-subject-missing", by_code)  # it does mention Russia
        self.assertIsNotNone(check_by_code("filler-text"))

    def test_reference_page_parts(self):
        article_subject = page_text_subjects(self.text)[0]
        self.assertEqual(article_subject.sections, ["China News", "Russia News"])
        self.assertEqual(article_subject.published_at.date(), dt.date(2022, 12, 9))
        self.assertEqual(
            article_subject.texts(HEADLINE)[0].text,
            "China Reaffirms Strategic Cooperation with Russia Amid Global Shifts",
        )
