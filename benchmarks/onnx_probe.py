"""Would ONNX Runtime beat the torch int8 path? Torch and ORT paths side by side, in one process.

    PYTHONPATH=. .venv/bin/python benchmarks/onnx_probe.py [--model DIR] [--posts 1024] [--rounds 10]

Exports the model version to ONNX (TorchScript exporter, eager attention, so that ORT's BERT optimizer can fuse
attention and the embedding layer norm), fuses it (`onnxruntime.transformers.optimizer`, model_type bert) and
quantises it dynamically to int8 (weights QInt8 per channel): once with every encoder layer in int8, once
with only the frozen lower layers. The files go to --workdir and are reused.

Paths: torch fp32 (length-sorted, the reference), torch int8 (smoothed, every layer) + fp32 re-scoring of
unsure posts (what Netra uses), ORT fp32, and the two ORT int8 models, each also with the same fp32
re-scoring cascade. The first round scores all posts (label agreement with torch fp32, posts re-scored); then --rounds rounds of 256
random posts, the paths interleaved so that they share the machine's load, reporting best and median
posts/s and the best posts per CPU-second (less sensitive to other processes than wall time).
Needs `pip install onnxruntime onnx` (not Netra dependencies).
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from model_posts import add_model_arguments, evaluation_posts, model_dir, share_equal

Probs = Callable[[list[str]], np.ndarray]  # texts -> probabilities (or logits)


def build(version_dir: Path, workdir: Path) -> dict[str, Path]:
    """fp32, fused, and the two int8 ONNX files of a version (reused when present)."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    from classifiers.forward import encode
    from classifiers.model import StanceConfig, load_version

    workdir.mkdir(parents=True, exist_ok=True)
    files = {k: workdir / f"{k}.onnx" for k in ("raw", "fp32", "int8-all", "int8-lower")}
    if all(f.exists() for f in files.values()):
        return files
    model, tokenizer, config = load_version(version_dir)
    model.encoder.set_attn_implementation("eager")  # sdpa exports a pattern the fusion does not recognise
    enc = encode(tokenizer, ["contoh", "contoh kalimat yang lebih panjang"], config.max_length)
    axes = {"input_ids": {0: "batch", 1: "seq"}, "attention_mask": {0: "batch", 1: "seq"}, "logits": {0: "batch"}}
    torch.onnx.export(model, (enc["input_ids"], enc["attention_mask"]), str(files["raw"]), dynamo=False,
                      input_names=["input_ids", "attention_mask"], output_names=["logits"], dynamic_axes=axes,
                      opset_version=17)  # fmt: skip
    bert = model.encoder.config
    fused = optimizer.optimize_model(str(files["raw"]), model_type="bert", num_heads=bert.num_attention_heads,
                                     hidden_size=bert.hidden_size, opt_level=0)  # fmt: skip
    print("fused:", {k: v for k, v in fused.get_fused_operator_statistics().items() if v})
    fused.save_model_to_file(str(files["fp32"]))
    n_layers = len(model.layers)
    lower = n_layers - (int(StanceConfig.load(version_dir).extra.get("train_layers", 0)) or n_layers)
    names = [n.name for n in onnx.load(str(files["fp32"]), load_external_data=False).graph.node]
    for key, upto in (("int8-all", n_layers), ("int8-lower", lower)):
        top = range(upto, n_layers)
        exclude = [n for n in names if any(n == f"Attention_{k}" or f"/layer.{k}/" in n for k in top)]
        quantize_dynamic(files["fp32"], files[key], weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul", "Attention"], nodes_to_exclude=exclude,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})  # fmt: skip
    return files


def ort_path(file: Path, tokenizer: object, max_length: int, batch: int, threads: int) -> Probs:
    import onnxruntime as ort

    from classifiers.forward import length_batches
    from classifiers.labels import LABELS
    from classifiers.model import PREFIX

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(file), options, providers=["CPUExecutionProvider"])

    def logits(texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(LABELS)), dtype=np.float32)
        for b in length_batches([len(t) for t in texts], batch):
            enc = tokenizer([PREFIX + texts[i] for i in b], padding=True, truncation=True,  # type: ignore[operator]
                            max_length=max_length, return_tensors="np")  # fmt: skip
            feed = {k: enc[k].astype(np.int64) for k in ("input_ids", "attention_mask")}
            out[b] = session.run(None, feed)[0]
        return out

    return logits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_model_arguments(parser, posts=1024)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument(
        "--only", help="Comma-separated path names to time (default: all; torch fp32 is always the reference)."
    )
    parser.add_argument("--workdir", default="/tmp/netra-onnx-probe", help="Where the ONNX files go (reused).")
    args = parser.parse_args()

    import torch

    from classifiers.inference import Classifier, load_classifier
    from classifiers.matcher import mark
    from classifiers.metrics import softmax

    version = model_dir(args.model)
    registry, rows = evaluation_posts(args.posts_from)
    texts = [mark(rows[i % len(rows)].text, registry).text for i in range(args.posts)]
    files = build(version, Path(args.workdir) / version.name)
    int8 = load_classifier(version, threads=1, batch_size=args.batch, explain=False)
    torch.set_num_threads(args.threads)  # one batch at a time on torch's threads, as ORT runs
    fp32 = Classifier(int8.reference, int8.tokenizer, int8.config, version.name, batch_size=args.batch)
    rescored: dict[str, int] = {}

    def cascade(name: str, first: Probs) -> Probs:
        def probs(batch: list[str]) -> np.ndarray:
            p = first(batch)
            unsure = np.flatnonzero(int8.unsure(p))
            rescored[name] = int(unsure.size)
            if unsure.size:
                p[unsure] = fp32.probabilities([batch[i] for i in unsure])
            return p

        return probs

    def ort(key: str) -> Probs:
        logits = ort_path(files[key], int8.tokenizer, int8.config.max_length, args.batch, args.threads)
        return lambda batch: softmax(logits(batch), int8.config.temperature)

    paths: dict[str, Probs] = {
        "torch fp32": fp32.probabilities,
        "torch int8": lambda batch: int8._probabilities(int8.model, batch),
        "torch int8+cascade": int8.probabilities,
        "ort fp32": ort("fp32"),
        "ort int8 all": ort("int8-all"),
        "ort int8 all+cascade": cascade("ort int8 all+cascade", ort("int8-all")),
        "ort int8 lower": ort("int8-lower"),
        "ort int8 lower+cascade": cascade("ort int8 lower+cascade", ort("int8-lower")),
    }
    if args.only:
        paths = {k: v for k, v in paths.items() if k in args.only.split(",")}
    reference = fp32.decide(fp32.probabilities(texts))
    print(f"model {version.name}; {len(texts)} posts, batch {args.batch}, {args.threads} threads, "
          f"{os.cpu_count()} CPUs, load average before {os.getloadavg()[0]:.1f}")  # fmt: skip
    agreement = {}
    for name, probs in paths.items():
        labels = fp32.decide(probs(texts))
        agreement[name] = share_equal(labels, reference)
    rescored["torch int8+cascade"] = int(int8.unsure(int8._probabilities(int8.model, texts)).sum())
    rescored_all = dict(rescored)
    wall: dict[str, list[float]] = {name: [] for name in paths}
    cpu: dict[str, list[float]] = {name: [] for name in paths}
    rng = np.random.default_rng(0)
    for _ in range(args.rounds):
        sample = [texts[i] for i in rng.permutation(len(texts))[:256]]
        for name, probs in paths.items():
            started, cpu_started = time.perf_counter(), time.process_time()
            probs(sample)
            wall[name].append(len(sample) / (time.perf_counter() - started))
            cpu[name].append(len(sample) / (time.process_time() - cpu_started))
    print(f"load average after {os.getloadavg()[0]:.1f}; posts/s over {args.rounds} rounds of 256 posts")
    print(f"{'path':<26} {'best/s':>8} {'median/s':>9} {'per CPU-s':>10} {'labels = fp32':>14} {'re-scored':>10}")
    for name in paths:
        again = str(rescored_all[name]) if name in rescored_all else ""
        print(f"{name:<26} {max(wall[name]):8.1f} {np.median(wall[name]):9.1f} {max(cpu[name]):10.1f} "
              f"{agreement[name]:14.2%} {again:>10}")  # fmt: skip
    print(f"(re-scored: of the {len(texts)} posts, those the int8 copy was unsure of, scored again in torch fp32)")


if __name__ == "__main__":
    main()
