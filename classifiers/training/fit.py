"""Fine-tune the stance model on marked texts: seeded, word embeddings frozen, length-bucketed batches."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from transformers import PreTrainedTokenizerBase

from classifiers.forward import dynamic_int8, encode, length_batches
from classifiers.labels import LABELS
from classifiers.model import StanceModel

Progress = Callable[[int, int], None]  # (steps done, total steps)


@dataclass
class TrainOptions:
    epochs: int = 5
    train_layers: int = 2  # the top layers fine-tuned; the rest (and the embeddings) stay frozen
    batch_size: int = 32
    lr: float = 6e-5
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    max_length: int = 96
    seed: int = 13
    int8_robust: bool = True  # also train on the int8 lower layers' output (see `fit`)


def quantise_lower(model: StanceModel, upto: int) -> StanceModel:
    """A copy with the Linear layers of the lower `upto` encoder layers dynamically quantised to int8."""
    spec = {
        name
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear)
        and name.startswith("encoder.encoder.layer.")  # encoder.encoder.layer.<i>.<name in layer>
        and int(name.split(".")[3]) < upto
    }
    return dynamic_int8(model, spec)


def set_seed(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def cache_lower(model: StanceModel, tokenizer: PreTrainedTokenizerBase, texts: list[str], upto: int,
                max_length: int, batch_size: int = 64) -> list[torch.Tensor]:  # fmt: skip
    """Each text's hidden states after the frozen lower `upto` layers, trimmed to its own length."""
    out: list[torch.Tensor] = [torch.empty(0)] * len(texts)
    model.eval()
    with torch.inference_mode():
        for batch in length_batches([len(t) for t in texts], batch_size):
            enc = encode(tokenizer, [texts[i] for i in batch], max_length)
            hidden = model.hidden_at(enc["input_ids"], enc["attention_mask"], upto)
            for row, i in enumerate(batch):
                out[i] = hidden[row, : int(enc["attention_mask"][row].sum())].clone()
    return out


def _pad(states: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    longest = max(s.shape[0] for s in states)
    hidden = torch.zeros(len(states), longest, states[0].shape[1])
    mask = torch.zeros(len(states), longest, dtype=torch.long)
    for row, s in enumerate(states):
        hidden[row, : s.shape[0]] = s
        mask[row, : s.shape[0]] = 1
    return hidden, mask


def fit(model: StanceModel, tokenizer: PreTrainedTokenizerBase, texts: list[str], labels: list[str],
        options: TrainOptions, progress: Progress | None = None) -> list[float]:  # fmt: skip
    """Train the top `options.train_layers` layers and the head in place; returns each epoch's mean loss.

    The embeddings and lower layers stay frozen, so their output is computed once and cached: an
    epoch then costs only the top layers' forward and backward passes (minutes on 2 cores, not hours).
    """
    set_seed(options.seed)
    rng = random.Random(options.seed)
    n_layers = len(model.layers)
    start = max(0, n_layers - options.train_layers)
    for name, param in model.named_parameters():
        trainable = name.startswith("head.") or any(
            name.startswith(f"encoder.encoder.layer.{i}.") for i in range(start, n_layers)
        )
        param.requires_grad_(trainable)
    cached = cache_lower(model, tokenizer, texts, start, options.max_length)
    # The optimised inference path runs the encoder in int8; training the top layers on both the fp32 and
    # the int8 lower outputs (a coin flip per batch) teaches them to read int8-noisy input.
    cached_int8 = (
        cache_lower(quantise_lower(model, start), tokenizer, texts, start, options.max_length)
        if options.int8_robust
        else cached
    )
    y = torch.tensor([LABELS.index(label) for label in labels])
    lengths = [c.shape[0] for c in cached]
    head = list(model.head.parameters())
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    optimiser = torch.optim.AdamW(
        [{"params": body, "lr": options.lr}, {"params": head, "lr": options.head_lr}],
        weight_decay=options.weight_decay,
    )
    per_epoch = (len(texts) + options.batch_size - 1) // options.batch_size
    total = per_epoch * options.epochs
    warmup = max(1, total // 10)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / warmup) * max(0.0, 1 - step / total)
    )
    counts = torch.bincount(y, minlength=len(LABELS)).float().clamp(min=1)
    loss_fn = torch.nn.CrossEntropyLoss(weight=(counts.sum() / counts) / len(LABELS))
    model.train()
    losses, step = [], 0
    for _ in range(options.epochs):
        epoch_loss = []
        for batch in length_batches(lengths, options.batch_size, rng):
            source = cached_int8 if rng.random() < 0.5 else cached
            hidden, mask = _pad([source[i] for i in batch])
            loss = loss_fn(model.head_from(hidden, mask, start), y[batch])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(body + head, 1.0)
            optimiser.step()
            scheduler.step()
            optimiser.zero_grad()
            epoch_loss.append(loss.item())
            step += 1
            if progress:
                progress(step, total)
        losses.append(float(np.mean(epoch_loss)))
    model.eval()
    for param in model.parameters():
        param.requires_grad_(False)
    return losses
