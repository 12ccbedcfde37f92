"""Long posts in overlapping windows: the spans, the training windows, and the most partisan window deciding."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from classifiers.corpus.load import CorpusRow
from classifiers.elections import RegistrySpec
from classifiers.inference import Classifier
from classifiers.training.run import training_pieces
from classifiers.windows import cue_spans, text_windows, token_budget, training_windows, window_spans
from tests.utils.tiny_model import build_tiny_base


def test_a_text_that_fits_is_one_window() -> None:
    offsets = [(i, i + 1) for i in range(10)]
    assert window_spans(offsets, 10, budget=10) == [(0, 10)]


def test_long_text_windows_overlap_by_half_and_cover_every_token() -> None:
    offsets = [(2 * i, 2 * i + 1) for i in range(25)]  # 25 one-char tokens, one space apart
    spans = window_spans(offsets, 50, budget=10)
    assert spans == [(0, 19), (10, 29), (20, 39), (30, 49)]
    covered = {t for s, e in spans for t, (a, b) in enumerate(offsets) if s <= a and b <= e}
    assert covered == set(range(25))


def test_training_keeps_the_windows_that_hold_a_cue_of_a_partisan_post() -> None:
    windows = [(0, 19), (10, 29), (20, 39)]
    assert training_windows(windows, "netral", []) == windows
    assert training_windows(windows, "dukungan", [(31, 35)]) == [(20, 39)]
    assert training_windows(windows, "serangan", []) == [(0, 19)]  # no cue: the first window, as truncation did
    assert cue_spans("ayo coblos, coblos!", ["coblos"]) == [(4, 10), (12, 18)]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_base(tmp_path_factory.mktemp("tiny") / "base")


def test_training_pieces_of_a_long_partisan_post_are_its_cue_windows(tiny: Path) -> None:
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny)
    filler = "hujan deras sejak pagi di kampung kami " * 6
    row = CorpusRow(id="x", text=filler + "ayo coblos nomor dua", label="dukungan", split="train", cues=("coblos",))
    texts, labels = training_pieces([row], RegistrySpec(), tokenizer, max_length=48)
    assert len(text_windows(tokenizer, [row.text], 48)[0]) > 2
    assert texts and all("coblos" in t for t in texts) and labels == ["dukungan"] * len(texts)
    assert token_budget(48) < 48


class _ByWindow(Classifier):
    """A classifier whose fp32 'model' calls a text partisan exactly when it contains 'coblos'."""

    def __init__(self, tokenizer: object) -> None:
        from classifiers.model import StanceConfig

        self.config = StanceConfig(base="", num_layers=1, max_length=48, threshold=0.5)
        self.tokenizer, self.model, self.reference, self.explain, self.version = tokenizer, None, None, False, "t"

    def _probabilities(self, model: object, marked_texts: list[str]) -> np.ndarray:
        return np.array([[0.1, 0.9, 0.0] if "coblos" in t else [0.9, 0.05, 0.05] for t in marked_texts])


def test_the_most_partisan_window_decides_a_long_post(tiny: Path) -> None:
    from transformers import AutoTokenizer

    classifier = _ByWindow(AutoTokenizer.from_pretrained(tiny))
    long_post = "cerita panjang tentang sawah dan hujan " * 8 + "besok coblos dia"
    probs, windows = classifier.windowed([long_post, "hujan lagi"])
    assert classifier.decide(probs) == ["dukungan", "netral"]
    start, end = windows[0]
    assert "coblos" in long_post[start:end] and start > 0  # the deciding window is the last one, not the first
    assert windows[1] == (0, len("hujan lagi"))
