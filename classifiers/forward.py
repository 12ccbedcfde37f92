"""The model over many texts: tokenised in length-sorted batches with dynamic padding, logits in input
order; and torch's dynamic int8 quantisation. Inference and training both run the model through here."""

from __future__ import annotations

import random
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import torch
from transformers import PreTrainedTokenizerBase

from classifiers.labels import LABELS
from classifiers.model import PREFIX, StanceModel

__all__ = ["dynamic_int8", "encode", "length_batches", "logits_for"]


def dynamic_int8(model: StanceModel, spec: set[str] | dict[str, object], *, inplace: bool = False) -> StanceModel:
    """torch's dynamic int8 quantisation of the modules `spec` names (a set: torch's default qconfig; a dict:
    each name's own)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.ao.quantization is deprecated but still the simplest CPU path
        quantised: StanceModel = torch.ao.quantization.quantize_dynamic(model, spec, dtype=torch.qint8, inplace=inplace)
        return quantised


def encode(tokenizer: PreTrainedTokenizerBase, texts: list[str], max_length: int) -> dict[str, torch.Tensor]:
    """Tokenise with e5's prefix and pad to the longest text in this batch only."""
    encoded: dict[str, torch.Tensor] = tokenizer(
        [PREFIX + t for t in texts], padding=True, truncation=True, max_length=max_length, return_tensors="pt"
    )
    return encoded


def length_batches(lengths: list[int], batch_size: int, rng: random.Random | None = None) -> list[list[int]]:
    """Indices grouped into batches of similar length (less padding); shuffled when `rng` is given."""
    order = list(range(len(lengths)))
    if rng is not None:
        rng.shuffle(order)
        chunk = batch_size * 8  # sort within chunks so batches stay random across epochs
        order = [i for s in range(0, len(order), chunk) for i in sorted(order[s : s + chunk], key=lengths.__getitem__)]
    else:
        order.sort(key=lengths.__getitem__)
    batches = [order[s : s + batch_size] for s in range(0, len(order), batch_size)]
    if rng is not None:
        rng.shuffle(batches)
    return batches


def logits_for(model: StanceModel, tokenizer: PreTrainedTokenizerBase, texts: list[str],
               max_length: int = 96, batch_size: int = 64, workers: int = 1) -> np.ndarray:  # fmt: skip
    """Logits in input order, computed in length-sorted batches with dynamic padding.

    With `workers` > 1, that many batches run at once on a thread pool (torch releases the GIL in its
    kernels); set torch's own intra-op threads to 1 then, or the two kinds of threads fight for the cores.
    """
    out = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
    model.eval()

    def score(batch: list[int]) -> None:
        with torch.inference_mode():
            enc = encode(tokenizer, [texts[i] for i in batch], max_length)
            out[batch] = model(enc["input_ids"], enc["attention_mask"]).float().numpy()

    batches = length_batches([len(t) for t in texts], batch_size)
    if workers > 1 and len(batches) > 1:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(score, batches))
    else:
        for batch in batches:
            score(batch)
    return out
