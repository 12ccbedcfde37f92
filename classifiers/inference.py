"""Score posts: the one interface the rest of Netra uses (`load_classifier(dir).score(items, registry)`).

Mentions are marked first (so the model sees `[CALON-A]`, not names), then texts are scored in
length-sorted batches with dynamic padding under `torch.inference_mode`, optionally on a smoothed, dynamic
int8-quantised copy of the model (classifiers/smoothing.py); the few posts the int8 copy is unsure of
(near the operating threshold or between two labels) are scored again in fp32, so the labels match the
fp32 model's.
Flagged posts get occlusion spans mapped back to the original text.
"""

from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from sklearn.pipeline import Pipeline
from torch.ao.quantization import per_channel_dynamic_qconfig

from classifiers.elections import RegistrySpec
from classifiers.forward import dynamic_int8, logits_for
from classifiers.labels import LABELS, decide, side_scores
from classifiers.lexical import lexical_probabilities, load_lexical, mix
from classifiers.matcher import Marked, mark
from classifiers.metrics import softmax
from classifiers.model import StanceConfig, StanceModel, load_version
from classifiers.skb import cues, suggest_category
from classifiers.smoothing import (
    ALPHA,
    activation_ranges,
    encoder_linears,
    load_ranges,
    save_ranges,
    smoothed,
)
from classifiers.targets import TargetRanker, load_ranker, resolve_target
from classifiers.windows import Span, text_windows

__all__ = ["Classifier", "PostInput", "ScoreResult", "load_classifier"]


@dataclass(frozen=True)
class PostInput:
    id: str
    text: str
    kind: str = "post"  # post | repost | reply | quote
    region: str | None = None


@dataclass
class ScoreResult:
    id: str
    label: str
    probabilities: dict[str, float]
    target: dict[str, object] | None
    spans: list[dict[str, object]] = field(default_factory=list)
    mentions: list[dict[str, object]] = field(default_factory=list)
    model: str = ""
    skb_category: str | None = None

    def as_output(self) -> dict[str, object]:
        """The `netra classify` output line."""
        return {"id": self.id, "label": self.label, "probabilities": self.probabilities, "target": self.target,
                "spans": self.spans, "model": self.model}  # fmt: skip


# An int8 probability this close to the operating threshold, or to the runner-up label, is re-scored in fp32.
# Smoothed int8 moves P(side) by 0.007 (corpus) to 0.034 (real tweets) on average; 0.07 re-scores 1-6 % of
# posts and keeps >= 99.3 % of labels on both, on two models (benchmarks/classify.py, --posts-from).
UNSURE_MARGIN = 0.07


def quantise(model: StanceModel, ranges: dict[str, torch.Tensor], alpha: float = ALPHA) -> StanceModel:
    """Every encoder Linear in dynamic int8 (weights int8 per output channel, activations quantised per batch),
    after SmoothQuant with the version's activation `ranges` (see classifiers/smoothing.py). The copy shares
    the fp32 model's embedding layer (the largest tensor, never quantised)."""
    copied = smoothed(model, ranges, alpha)
    copied.encoder.set_attn_implementation("eager")  # for ~30-token posts a little faster than SDPA on CPU
    return dynamic_int8(copied, {name: per_channel_dynamic_qconfig for name in encoder_linears(copied)}, inplace=True)


class Classifier:
    def __init__(self, model: StanceModel, tokenizer: object, config: StanceConfig, version: str,
                 *, ranges: dict[str, torch.Tensor] | None = None, batch_size: int = 32, explain: bool = True,
                 workers: int = 1, lexical: Pipeline | None = None,
                 targets: TargetRanker | None = None) -> None:  # fmt: skip
        """Optimised (int8 with fp32 re-scoring) when given the version's activation `ranges`, else fp32; with a
        `lexical` model (classifiers/lexical.py), each probability is the mix of the two; with a target ranker
        (classifiers/targets.py), it names who a flagged post is about, else the mention rule does."""
        self.config = config
        self.lexical = lexical
        self.targets = targets
        self.version = version
        self.tokenizer = tokenizer
        self.model = quantise(model, ranges) if ranges is not None else model
        self.reference = model if ranges is not None else None  # fp32, for the posts the int8 copy is unsure of
        self.batch_size = batch_size
        self.explain = explain
        self.workers = workers  # batches scored at once, one core each

    def probabilities(self, marked_texts: list[str]) -> np.ndarray:
        """P(label) per post; a post longer than the model's window is read in overlapping windows and its
        most partisan window decides (classifiers/windows.py)."""
        return self.windowed(marked_texts)[0]

    def windowed(self, marked_texts: list[str]) -> tuple[np.ndarray, list[Span]]:
        """P(label) per post and, per post, the window (character span of the marked text) that decided it."""
        spans = text_windows(self.tokenizer, marked_texts, self.config.max_length)  # type: ignore[arg-type]
        owner = [i for i, post_spans in enumerate(spans) for _ in post_spans]
        pieces = [marked_texts[i][s:e] for i, post_spans in enumerate(spans) for s, e in post_spans]
        piece_probs = self._cascaded(pieces)
        probs = np.zeros((len(marked_texts), len(LABELS)), dtype=piece_probs.dtype)
        decisive: list[Span] = [(0, len(t)) for t in marked_texts]
        best = np.full(len(marked_texts), -1.0)
        at_post = [0] * len(marked_texts)
        for row, (post, flag) in enumerate(zip(owner, side_scores(piece_probs).tolist(), strict=True)):
            if flag > best[post]:
                best[post] = flag
                probs[post] = piece_probs[row]
                decisive[post] = spans[post][at_post[post]]
            at_post[post] += 1
        return probs, decisive

    def _cascaded(self, marked_texts: list[str]) -> np.ndarray:
        """The fast model's probabilities, with the posts it is unsure of scored again in fp32."""
        probs = self._probabilities(self.model, marked_texts)
        if self.reference is not None and len(probs):
            unsure = np.flatnonzero(self.unsure(probs))
            if unsure.size:
                probs[unsure] = self._probabilities(self.reference, [marked_texts[i] for i in unsure])
        return probs

    def _probabilities(self, model: StanceModel, marked_texts: list[str]) -> np.ndarray:
        logits = logits_for(model, self.tokenizer, marked_texts, self.config.max_length, self.batch_size,  # type: ignore[arg-type, unused-ignore]
                            self.workers)  # fmt: skip
        probs = softmax(logits, self.config.temperature)
        return mix(probs, lexical_probabilities(self.lexical, marked_texts)) if self.lexical is not None else probs

    def unsure(self, probs: np.ndarray) -> np.ndarray:
        """Rows whose label (see `decide`) could flip under int8 noise: P(side) near the operating threshold,
        or a flagged post whose two sides are close."""
        flag = side_scores(probs)
        near_threshold = np.abs(flag - self.config.threshold) < UNSURE_MARGIN
        sides_close = (flag >= self.config.threshold) & (np.abs(probs[:, 1] - probs[:, 2]) < UNSURE_MARGIN)
        unsure: np.ndarray = near_threshold | sides_close
        return unsure

    def decide(self, probs: np.ndarray) -> list[str]:
        """Netral unless P(side) reaches the operating threshold; then the likelier side."""
        return decide(probs, self.config.threshold)

    def score(self, items: list[PostInput], registry: RegistrySpec) -> list[ScoreResult]:
        marked = [mark(item.text, registry, item.region) for item in items]
        probs, windows = self.windowed([m.text for m in marked])
        labels = self.decide(probs)
        results = []
        for item, m, p, label in zip(items, marked, probs, labels, strict=True):
            target = resolve_target(self.targets, item.text, m, registry, item.region) if label != "netral" else None
            results.append(ScoreResult(
                id=item.id, label=label, probabilities={k: round(float(v), 4) for k, v in zip(LABELS, p, strict=True)},
                target=target, mentions=[x.as_dict() for x in m.mentions], model=self.version,
                skb_category=suggest_category(item.kind, label, cues(item.text)),
            ))  # fmt: skip
        if self.explain:
            flagged = [i for i, r in enumerate(results) if r.label != "netral"]
            posts = [
                (marked[i], LABELS.index(results[i].label), float(probs[i, LABELS.index(results[i].label)]), windows[i])
                for i in flagged
            ]
            for i, spans in zip(flagged, self.explain_many(posts), strict=True):
                results[i].spans = spans
        return results

    def spans(self, marked: Marked, label_index: int, base_prob: float, top: int = 3) -> list[dict[str, object]]:
        """Explanation spans of one post (see `explain_many`)."""
        window = self.windowed([marked.text])[1][0]
        return self.explain_many([(marked, label_index, base_prob, window)], top)[0]

    def explain_many(self, posts: list[tuple[Marked, int, float, Span]], top: int = 3) -> list[list[dict[str, object]]]:
        """The registry mentions found in the post, and the phrases whose removal hurts the label most.

        `posts` are (marked text, label index, P(label), deciding window). Occlusion drops each word of the
        deciding window in turn (a marker like `[CALON-A]` is one word); adjacent words that both matter are
        joined into one phrase. The occluded variants of all posts go through one length-sorted pass of the
        same model as the label (int8 or fp32), so batches are full and padding short. Measured in log-odds
        of the label, so a post with several redundant cues (p = 0.998) still shows which words carry it;
        `weight` is that drop. Mentions come first with `kind: "mention"`, model phrases with `kind: "model"`.
        """
        units = [_words(m.text, window) for m, _, _, window in posts]
        variants = [
            m.text[window[0] : s] + m.text[e : window[1]]
            for (m, _, _, window), ws in zip(posts, units, strict=True)
            for s, e in ws
        ]
        # the fast copy alone: occlusion ranks words, it decides no label, so no fp32 re-scoring here
        probs = self._probabilities(self.model, variants) if variants else np.zeros((0, len(LABELS)))
        out: list[list[dict[str, object]]] = []
        at = 0
        for (m, label_index, base_prob, _), ws in zip(posts, units, strict=True):
            drops = _log_odds(base_prob) - _log_odds(probs[at : at + len(ws), label_index])
            at += len(ws)
            out.append(_mention_spans(m) + _top_spans(m, ws, drops, top))
        return out


def _words(text: str, window: Span) -> list[tuple[int, int]]:
    """The occlusion units of a window: whitespace-separated words (a marked mention like `[CALON-A]` is one)."""
    start, end = window
    words = [(w.start() + start, w.end() + start) for w in re.finditer(r"\S+", text[start:end])][:MAX_UNITS]
    return words if len(words) >= 2 else []


MAX_UNITS = 96  # occlusion units per post: a window of 128 tokens holds about 60-90 words
MIN_DROP = 0.1  # log-odds a unit's removal must cost to be shown


def _mention_spans(marked: Marked) -> list[dict[str, object]]:
    return [
        {"start": m.start, "end": m.end, "text": m.text, "kind": "mention", "mention": m.kind} for m in marked.mentions
    ]


def _top_spans(marked: Marked, words: list[tuple[int, int]], drops: np.ndarray, top: int) -> list[dict[str, object]]:
    """The `top` units with the largest drops, each grown into a phrase with neighbours that also matter."""
    if not words:
        return []
    chosen: list[tuple[int, int, float]] = []  # first word, last word, weight
    for i in np.argsort(-drops).tolist():
        if len(chosen) == top or drops[i] <= MIN_DROP:
            break
        if _taken(chosen, i):
            continue
        first = last = i
        while first > 0 and drops[first - 1] > max(MIN_DROP, drops[i] / 3) and not _taken(chosen, first - 1):
            first -= 1
        while last + 1 < len(words) and drops[last + 1] > max(MIN_DROP, drops[i] / 3) and not _taken(chosen, last + 1):
            last += 1
        chosen.append((first, last, float(drops[first : last + 1].max())))
    out: list[dict[str, object]] = []
    for first, last, weight in sorted(chosen):
        start, end = marked.original_span(words[first][0], words[last][1])
        out.append({"start": start, "end": end, "text": marked.original[start:end], "weight": round(weight, 4),
                    "kind": "model"})  # fmt: skip
    return out


def _taken(chosen: list[tuple[int, int, float]], index: int) -> bool:
    return any(a <= index <= b for a, b, _ in chosen)


def _log_odds(p: float | np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    log_odds: np.ndarray = np.log(p / (1 - p))
    return log_odds


def load_classifier(model_dir: Path | str, *, optimised: bool = True, threads: int = 0, batch_size: int = 32,
                    explain: bool = True) -> Classifier:  # fmt: skip
    """The classifier of a version directory, scoring on `threads` cores (0: every core this process may use).

    Each core scores its own batch, with torch's intra-op threads set to 1 for the process: as fast as torch's
    own threads on an idle machine, and 3-5x faster when other work shares the cores, where torch's threads
    wait for each other at every operation (benchmarks/classify.py, docs/benchmarks.md).
    """
    workers = threads or len(os.sched_getaffinity(0))
    directory = Path(model_dir)
    model, tokenizer, config = load_version(directory)
    ranges = None
    if optimised:
        ranges = load_ranges(directory) or _calibrate_older_version(model, tokenizer, config, directory)
    torch.set_num_threads(1)
    return Classifier(model, tokenizer, config, directory.name, ranges=ranges, batch_size=batch_size,
                      explain=explain, workers=workers, lexical=load_lexical(directory),
                      targets=load_ranker(directory))  # fmt: skip


def _calibrate_older_version(model: StanceModel, tokenizer: object, config: StanceConfig,
                             directory: Path) -> dict[str, torch.Tensor]:  # fmt: skip
    """Activation ranges for a version trained before training stored them, or stored them measured the older
    way: measured on the bundled corpus's training split (~20 s on 2 cores), and kept in the version directory
    when it is writable."""
    ranges = activation_ranges(model, tokenizer, bundled_training_texts(), config.max_length)  # type: ignore[arg-type, unused-ignore]
    with contextlib.suppress(OSError):
        save_ranges(ranges, directory)
    return ranges


def bundled_training_texts() -> list[str]:
    """The bundled corpus's training split, marked with its elections: what the default model trained on."""
    from classifiers.corpus.load import DEFAULT_CORPUS, DEFAULT_ELECTIONS, load_corpus
    from classifiers.elections import load_registry

    registry = load_registry(DEFAULT_ELECTIONS)
    return [mark(r.text, registry).text for r in load_corpus(DEFAULT_CORPUS) if r.split == "train"]
