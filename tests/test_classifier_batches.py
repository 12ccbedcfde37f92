"""Batches scored in parallel give the logits of batches scored one at a time."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from classifiers.corpus.load import DEFAULT_CORPUS, load_corpus
from classifiers.forward import logits_for
from classifiers.model import load_base
from tests.utils.tiny_model import build_tiny_base


def test_parallel_batches_give_the_same_logits_in_input_order(tmp_path: Path) -> None:
    model, tokenizer = load_base(build_tiny_base(tmp_path / "base"))
    texts = [r.text for r in load_corpus(DEFAULT_CORPUS)[:100]]
    serial = logits_for(model, tokenizer, texts, 48, batch_size=8)
    parallel = logits_for(model, tokenizer, texts, 48, batch_size=8, workers=3)
    np.testing.assert_allclose(parallel, serial, atol=1e-5)
    one_by_one = np.concatenate([logits_for(model, tokenizer, [t], 48) for t in texts[:5]])
    np.testing.assert_allclose(parallel[:5], one_by_one, atol=1e-4)
