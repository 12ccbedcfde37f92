"""SmoothQuant for dynamic int8: move the activations' outlier channels into the weights.

Dynamic int8 quantises each Linear's input with one scale per batch. A transformer's inputs have a few
channels far larger than the rest (after LayerNorm, after GELU), so that one scale crushes every other
channel. Dividing input channel j by s_j and multiplying the weights' column j by s_j leaves the product
unchanged in exact arithmetic and evens the input out (Xiao et al. 2023, "SmoothQuant"), with
s_j = max|x_j|^alpha / max|W_j|^(1-alpha). max|x_j| is measured once on training posts
(`activation_ranges`) and stored in the model version (`RANGES_FILE`).

Measured with `benchmarks/classify.py` on the default model: with every encoder Linear in int8 (weights per
output channel, alpha 0.8), the int8 copy alone keeps 99.41 % of the fp32 labels and moves P(side) by 0.0087
on average; the int8 path before it, which had to keep one projection per fine-tuned layer in float and
smoothed nothing, kept 98.14 % (`benchmarks/onnx_probe.py` at de62d76).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import PreTrainedTokenizerBase

from classifiers.model import StanceModel
from classifiers.train import encode, length_batches

RANGES_FILE = "activation_ranges.safetensors"
ALPHA = 0.8  # 0.75-0.9 kept labels equally well here; 0.5 (the paper's default) far worse
CALIBRATION_POSTS = 1024  # evenly spread over the texts given: enough for stable ranges, seconds to run
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
                      batch_size: int = 32) -> dict[str, torch.Tensor]:  # fmt: skip
    """Per input channel, the largest |activation| each encoder Linear receives on `texts` (fp32 model)."""
    texts = texts[:: max(1, len(texts) // CALIBRATION_POSTS)]
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


def save_ranges(ranges: dict[str, torch.Tensor], directory: Path) -> None:
    """Write atomically: two processes loading an older version may both calibrate it."""
    partial = directory / f".{RANGES_FILE}.{os.getpid()}"
    save_file({k: v.contiguous() for k, v in ranges.items()}, str(partial))
    partial.replace(directory / RANGES_FILE)


def load_ranges(directory: Path) -> dict[str, torch.Tensor] | None:
    path = directory / RANGES_FILE
    return load_file(str(path)) if path.is_file() else None


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
