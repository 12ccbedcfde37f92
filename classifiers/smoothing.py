"""SmoothQuant for dynamic int8: move the activations' outlier channels into the weights.

Dynamic int8 quantises each Linear's input with one scale per batch. A transformer's inputs have a few
channels far larger than the rest (after LayerNorm, after GELU), so that one scale crushes every other
channel. Dividing input channel j by s_j and multiplying the weights' column j by s_j leaves the product
unchanged in exact arithmetic and evens the input out (Xiao et al. 2023, "SmoothQuant"), with
s_j = max|x_j|^alpha / max|W_j|^(1-alpha). max|x_j| is measured once on training posts and on random
sequences of the vocabulary (`activation_ranges`) and stored in the model version (`RANGES_FILE`).

Measured with `benchmarks/classify.py` on the default model: with every encoder Linear in int8 (weights per
output channel, alpha 0.85), the int8 copy alone keeps 99.71 % of the fp32 labels on corpus posts and 98.14 %
on real tweets, moving P(side) by 0.0072 and 0.034 on average; the int8 path before smoothing, which had to
keep one projection per fine-tuned layer in float, kept 98.14 % on corpus posts (`benchmarks/onnx_probe.py`
at de62d76).
"""

from __future__ import annotations

import copy
import os
import random
from collections.abc import Callable
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save_file
from torch import nn
from transformers import PreTrainedTokenizerBase

from classifiers.forward import encode, length_batches
from classifiers.model import StanceModel

RANGES_FILE = "activation_ranges.safetensors"
ALPHA = 0.85  # 0.8-0.9 kept labels about equally well here; 0.5 (the paper's default) far worse
CALIBRATION_POSTS = 1024  # evenly spread over the texts given: enough for stable ranges, seconds to run
# Words that no training post holds light up feed-forward channels that training posts leave near zero (up to
# 30x larger on real tweets); unsmoothed, those channels then dominate the int8 scale. Random sequences of the
# vocabulary cover them.
VOCABULARY_SEQUENCES = 512
# Written into the ranges file; ranges measured another way (or before this marker) are measured again on load.
CALIBRATION = "posts+vocabulary"
LAYER_PREFIX = "encoder.encoder.layer."


class ScaledInput(nn.Module):
    """`module(x * inverse_scale, ...)`, where the Linear(s) reading x had their weight columns multiplied by
    the scale."""

    def __init__(self, module: nn.Module, inverse_scale: torch.Tensor) -> None:
        super().__init__()
        self.module = module
        self.register_buffer("inverse_scale", inverse_scale)

    def forward(self, x: torch.Tensor, *args: object, **kwargs: object) -> object:
        return self.module(x * self.inverse_scale, *args, **kwargs)


def encoder_linears(model: nn.Module) -> dict[str, nn.Linear]:
    """The encoder layers' Linear modules by name (`encoder.encoder.layer.<i>.<name in layer>`)."""
    return {
        name: module
        for name, module in model.named_modules()
        if isinstance(module, nn.Linear) and name.startswith(LAYER_PREFIX)
    }


def activation_ranges(model: StanceModel, tokenizer: PreTrainedTokenizerBase, texts: list[str], max_length: int,
                      batch_size: int = 32, vocabulary: int = VOCABULARY_SEQUENCES) -> dict[str, torch.Tensor]:  # fmt: skip
    """Per input channel, the largest |activation| each encoder Linear receives (fp32 model) on `texts` and on
    `vocabulary` random sequences of the tokenizer's vocabulary."""
    texts = texts[:: max(1, len(texts) // CALIBRATION_POSTS)] + vocabulary_sequences(tokenizer, vocabulary)
    ranges: dict[str, torch.Tensor] = {}

    def record(name: str) -> Callable[..., None]:
        def hook(_module: nn.Module, inputs: tuple[torch.Tensor, ...], _output: torch.Tensor) -> None:
            x = inputs[0].detach().abs().reshape(-1, inputs[0].shape[-1]).amax(0)
            ranges[name] = torch.maximum(ranges[name], x) if name in ranges else x

        return hook

    hooks = [module.register_forward_hook(record(name)) for name, module in encoder_linears(model).items()]
    model.eval()
    try:
        with torch.inference_mode():
            for batch in length_batches([len(t) for t in texts], batch_size):
                enc = encode(tokenizer, [texts[i] for i in batch], max_length)
                model(enc["input_ids"], enc["attention_mask"])
    finally:
        for hook in hooks:
            hook.remove()
    return ranges


def vocabulary_sequences(tokenizer: PreTrainedTokenizerBase, count: int = VOCABULARY_SEQUENCES) -> list[str]:
    """`count` texts of 8-60 pieces drawn uniformly from the vocabulary (special tokens left out), the same
    every time."""
    rng = random.Random(0)
    special = set(tokenizer.all_special_ids)
    pieces = [i for i in range(len(tokenizer)) if i not in special]
    return [tokenizer.decode(rng.choices(pieces, k=rng.randint(8, 60))) for _ in range(count)]


def save_ranges(ranges: dict[str, torch.Tensor], directory: Path) -> None:
    """Write atomically: two processes loading an older version may both calibrate it."""
    partial = directory / f".{RANGES_FILE}.{os.getpid()}"
    save_file({k: v.contiguous() for k, v in ranges.items()}, str(partial), metadata={"calibration": CALIBRATION})
    partial.replace(directory / RANGES_FILE)


def load_ranges(directory: Path) -> dict[str, torch.Tensor] | None:
    """The version's activation ranges; None when it has none, or has ranges measured the older way."""
    path = directory / RANGES_FILE
    if not path.is_file():
        return None
    with safe_open(str(path), framework="pt") as stored:
        if (stored.metadata() or {}).get("calibration") != CALIBRATION:
            return None
        return {name: stored.get_tensor(name) for name in stored.keys()}  # noqa: SIM118 (safe_open is not iterable)


def smoothed(model: StanceModel, ranges: dict[str, torch.Tensor], alpha: float = ALPHA) -> StanceModel:
    """A copy computing the same function with every encoder Linear's input smoothed; it shares the embedding
    layer (the largest tensor) with `model` instead of copying it.

    The scales cost one multiplication of the input where they cannot be folded into a weight: once for
    query, key and value (they read the same input, so they share a scale), and once each for the feed-forward
    Linears (a GELU, or the residual stream, stands before them). The attention output projection's scale
    folds into the value projection's output rows: its input is a softmax-weighted sum of values, per channel.
    """
    embeddings = model.encoder.embeddings
    copied = copy.deepcopy(model, memo={id(embeddings): embeddings})
    missing = set(encoder_linears(copied)) - set(ranges)
    if missing:
        raise ValueError(f"no activation range for {sorted(missing)[0]}: the ranges belong to another model")
    with torch.no_grad():
        for index, layer in enumerate(copied.layers):
            name = f"{LAYER_PREFIX}{index}."
            attention = layer.attention
            qkv = (attention.self.query, attention.self.key, attention.self.value)
            scale = _scale(ranges[name + "attention.self.query"], [lin.weight for lin in qkv], alpha)
            for linear in qkv:
                linear.weight.mul_(scale)
            attention.self = ScaledInput(attention.self, 1.0 / scale)
            value, projection = qkv[2], attention.output.dense
            scale = _scale(ranges[name + "attention.output.dense"], [projection.weight], alpha)
            projection.weight.mul_(scale)
            value.weight.div_(scale[:, None])
            value.bias.div_(scale)
            for block, key in ((layer.intermediate, "intermediate.dense"), (layer.output, "output.dense")):
                scale = _scale(ranges[name + key], [block.dense.weight], alpha)
                block.dense.weight.mul_(scale)
                block.dense = ScaledInput(block.dense, 1.0 / scale)
    return copied


def _scale(input_range: torch.Tensor, weights: list[torch.Tensor], alpha: float) -> torch.Tensor:
    """s_j = max|x_j|^alpha / max|W_j|^(1-alpha), the weights' maximum taken over every Linear reading x."""
    weight_range = torch.stack([w.abs().amax(0) for w in weights]).amax(0).clamp(min=1e-5)
    return (input_range.clamp(min=1e-5) ** alpha / weight_range ** (1 - alpha)).clamp(min=1e-5)
