"""A tiny randomly initialised base checkpoint (BERT + unigram tokenizer), built in a second, for tests."""

from __future__ import annotations

import string
from pathlib import Path

from transformers import BertConfig, BertModel

from classifiers.base.tokenizer_e5 import build_tokenizer

WORDS = ["coblos", "pilih", "jangan", "nomor", "netral", "ASN", "kampanye", "CALON", "NOMOR", "query", "pilkada"]


def build_tiny_base(directory: Path) -> Path:
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    chars = [*list(string.ascii_letters + string.digits + string.punctuation), "▁", "✌", "☝", "🔥"]
    pieces = specials + chars + [f"▁{w}" for w in WORDS] + ["<mask>"]
    scores = [0.0] * 4 + [-5.0] * len(chars) + [-2.0] * len(WORDS) + [0.0]
    tokenizer = build_tokenizer(pieces, scores, {"bos": 0, "pad": 1, "eos": 2, "unk": 3}, {0x0A: " "})
    config = BertConfig(
        vocab_size=len(pieces), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=160, pad_token_id=1,
    )  # fmt: skip
    directory.mkdir(parents=True, exist_ok=True)
    BertModel(config, add_pooling_layer=False).save_pretrained(directory)
    tokenizer.save_pretrained(str(directory))
    return directory
