"""SmoothQuant for dynamic int8: move the activations' outlier channels into the weights.

Dynamic int8 quantises each Linear's input with one scale per batch. A transformer's inputs have a few
channels far larger than the rest (after LayerNorm, after GELU), so that one scale crushes every other
channel. Dividing input channel j by s_j and multiplying the weights' column j by s_j leaves the product
unchanged in exact arithmetic and evens the input out (Xiao et al. 2023, "SmoothQuant"), with
s_j = max|x_j|^alpha / max|W_j|^(1-alpha). max|x_j| is measured once on training posts
(`activation_ranges`) and stored in the model version (`RANGES_FILE`).

Measured with `benchmarks/classify.py` on the default model: with every encoder Linear in int8 (weights per
output channel, alpha 0.8), the int8 copy alone keeps 99.02 % of the fp32 labels and moves P(side) by 0.0094
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


class SmoothedLinear(nn.Module):
    """`linear(x * inverse_scale)`, where `linear`'s weight columns were multiplied by the scale."""

    def __init__(self, linear: nn.Module, inverse_scale: torch.Tensor) -> None:
        super().__init__()
        self.linear = linear
        self.register_buffer("inverse_scale", inverse_scale)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(x * self.inverse_scale)


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
    """A copy computing the same function, every encoder Linear a `SmoothedLinear`; it shares the
    embedding layer (the largest tensor) with `model` instead of copying it."""
    embeddings = model.encoder.embeddings
    copied = copy.deepcopy(model, memo={id(embeddings): embeddings})
    modules = dict(copied.named_modules())
    for name, linear in encoder_linears(copied).items():
        if name not in ranges:
            raise ValueError(f"no activation range for {name}: the ranges belong to another model")
        weight_range = linear.weight.detach().abs().amax(0).clamp(min=1e-5)
        scale = (ranges[name].clamp(min=1e-5) ** alpha / weight_range ** (1 - alpha)).clamp(min=1e-5)
        with torch.no_grad():
            linear.weight.mul_(scale)
        parent, _, child = name.rpartition(".")
        setattr(modules[parent], child, SmoothedLinear(linear, 1.0 / scale))
    return copied
