"""The stance model: a transformer encoder (e5-small by default), mean pooling, a linear head.

A version directory holds only what training changed: the encoder layers and the head
(`weights.safetensors`) and `stance.json`. The word-embedding table (96M of e5-small's 118M
parameters) is frozen during training, so it is read from the base checkpoint it came from and
checked against a fingerprint; a version is ~40 MB instead of ~470 MB.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn
from transformers import AutoConfig, AutoModel, AutoTokenizer, PreTrainedTokenizerBase
from transformers.utils import logging as hf_logging

from classifiers.labels import LABELS

PREFIX = "query: "  # e5 was trained with this prefix for short texts


@dataclass
class StanceConfig:
    base: str  # the base checkpoint directory
    num_layers: int
    max_length: int = 128
    labels: tuple[str, ...] = LABELS
    temperature: float = 1.0
    threshold: float = 0.5  # flag when P(dukungan) + P(serangan) >= threshold
    embedding_fingerprint: float = 0.0
    extra: dict[str, object] = field(default_factory=dict)

    def save(self, directory: Path) -> None:
        (directory / "stance.json").write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, directory: Path) -> StanceConfig:
        data = json.loads((directory / "stance.json").read_text())
        data["labels"] = tuple(data["labels"])
        return cls(**data)


class StanceModel(nn.Module):
    def __init__(self, encoder: nn.Module, hidden: int, n_labels: int = len(LABELS)) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hidden, n_labels)

    def pooled(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.pooled(input_ids, attention_mask)))

    # Split forward, so training can cache the frozen lower layers' output once and train the top ones.
    @property
    def layers(self) -> nn.ModuleList:
        return self.encoder.encoder.layer

    def hidden_at(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, upto: int) -> torch.Tensor:
        hidden = self.encoder.embeddings(input_ids=input_ids)
        return self.run_layers(hidden, attention_mask, 0, upto)

    def run_layers(self, hidden: torch.Tensor, attention_mask: torch.Tensor, start: int, stop: int) -> torch.Tensor:
        additive = (1.0 - attention_mask[:, None, None, :].to(hidden.dtype)) * torch.finfo(hidden.dtype).min
        for layer in self.layers[start:stop]:
            out = layer(hidden, attention_mask=additive)
            hidden = out[0] if isinstance(out, tuple) else out
        return hidden

    def head_from(self, hidden: torch.Tensor, attention_mask: torch.Tensor, start: int) -> torch.Tensor:
        hidden = self.run_layers(hidden, attention_mask, start, len(self.layers))
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(self.dropout(pooled))


def fingerprint(embeddings: torch.Tensor) -> float:
    """A cheap checksum of the frozen word-embedding table, to refuse a mismatched base."""
    rows = embeddings[:: max(1, embeddings.shape[0] // 997)]
    return float(rows.detach().double().abs().sum())


def load_base(base: Path | str, num_layers: int | None = None) -> tuple[StanceModel, PreTrainedTokenizerBase]:
    """A fresh stance model on a base checkpoint (optionally keeping only its first `num_layers`)."""
    config = AutoConfig.from_pretrained(base)
    if num_layers:
        config.num_hidden_layers = min(num_layers, config.num_hidden_layers)
    verbosity = hf_logging.get_verbosity()
    hf_logging.set_verbosity_error()  # dropping layers is intended; no "unexpected keys" report
    try:
        encoder = AutoModel.from_pretrained(base, config=config, add_pooling_layer=False)
    finally:
        hf_logging.set_verbosity(verbosity)
    tokenizer = AutoTokenizer.from_pretrained(base)
    return StanceModel(encoder, config.hidden_size), tokenizer


def trainable_state(model: StanceModel) -> dict[str, torch.Tensor]:
    skip = "encoder.embeddings.word_embeddings.weight"
    return {k: v.detach().contiguous() for k, v in model.state_dict().items() if k != skip}


def save_version(model: StanceModel, config: StanceConfig, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    config.embedding_fingerprint = fingerprint(model.encoder.get_input_embeddings().weight)
    save_file(trainable_state(model), str(directory / "weights.safetensors"))
    config.save(directory)


class ModelError(RuntimeError):
    """A model directory that cannot be loaded; the message says why and what to run."""


def load_version(directory: Path) -> tuple[StanceModel, PreTrainedTokenizerBase, StanceConfig]:
    if not (directory / "stance.json").is_file():
        raise ModelError(f"{directory}: not a Netra model version (no stance.json); run `netra model train`")
    config = StanceConfig.load(directory)
    base = Path(config.base)
    if not (base / "config.json").is_file():
        raise ModelError(f"{directory}: its base checkpoint {base} is missing; run `netra model base`")
    model, tokenizer = load_base(base, config.num_layers)
    actual = fingerprint(model.encoder.get_input_embeddings().weight)
    if abs(actual - config.embedding_fingerprint) > 1e-3 * max(1.0, abs(config.embedding_fingerprint)):
        raise ModelError(f"{directory}: the base checkpoint {base} is not the one this version was trained on")
    missing, unexpected = model.load_state_dict(load_file(str(directory / "weights.safetensors")), strict=False)
    if unexpected or [k for k in missing if "word_embeddings" not in k]:
        raise ModelError(f"{directory}: weights do not fit the model (missing {missing}, unexpected {unexpected})")
    model.eval()
    return model, tokenizer, config
