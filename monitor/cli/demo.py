"""`netra demo`: the Quick start's main command."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from classifiers.versions import active_dir
from monitor.cli._common import console, err_console, ready_engine, settings
from monitor.cli.collect import account_labels, print_collect_summary
from monitor.collection.service import collect_pass
from monitor.flagging.open_cases import open_new_cases
from monitor.model.scoring import ensure_default_model, score_pending
from monitor.work.demo import DEMO_PASSWORD, demo_scraper_settings, demo_world, ensure_demo_users, load_demo_data
from scrapers.loopback import LoopbackServer


def _bar() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                    TimeElapsedColumn(), console=console)  # fmt: skip


def demo(
    host: str = typer.Option("127.0.0.1", "--host", help="Address for the review page."),
    port: int = typer.Option(8000, "--port", help="Port for the review page."),
    source_port: int = typer.Option(
        8765, "--source-port", help="Port of the loopback demo source (fixed, so post ids stay the same on re-runs)."
    ),
    no_serve: bool = typer.Option(False, "--no-serve", help="Stop after collecting and scoring (for scripts)."),
) -> None:
    """Run Netra end to end on the bundled demo data, then serve the review page (Ctrl-C stops)."""
    config = settings()
    engine = ready_engine()
    console.print(f"[bold]Netra demo[/bold] — data in {config.data_dir.resolve()}")
    load_demo_data(engine)
    logins = ensure_demo_users(engine)

    model_dir = active_dir(config.models_dir)
    if model_dir is None:
        console.print("No model yet: building the default one (a few minutes, once).")
        with _bar() as bar:
            stages = {"base": bar.add_task("Model: convert the e5-small base", total=1),
                      "train": bar.add_task("Model: fine-tune the default classifier", total=None)}  # fmt: skip

            def model_progress(stage: str, done: int, total: int) -> None:
                bar.update(stages[stage], completed=done, total=total)

            model_dir = ensure_default_model(config, model_progress)
    console.print(f"Model ready: {model_dir.name}")

    try:
        source = LoopbackServer(demo_world(engine), port=source_port)
    except OSError as exc:
        err_console.print(f"[red]Cannot start the demo source on port {source_port}:[/red] {exc.strerror}; "
                          "free it or pass --source-port")  # fmt: skip
        raise typer.Exit(2) from exc
    with source:
        console.print(f"Demo source (loopback, every platform's own response shape): {source.url}")
        demo_config = demo_scraper_settings(config, source)
        with _bar() as bar:
            task = bar.add_task("Collecting the demo accounts", total=None)
            collected = collect_pass(engine, demo_config, progress=lambda _outcome: bar.advance(task))
            bar.update(task, total=bar.tasks[0].completed)
    print_collect_summary(collected, account_labels(engine, [e[0] for e in collected.errors]))
    scored = score_pending(engine, config)
    cases = open_new_cases(engine, config)
    console.print(f"Scored {scored} posts; opened {cases.opened} cases ({cases.joined} reposts joined a case).")

    table = Table("email", "role", "scope", title=f"Demo logins (password: {DEMO_PASSWORD})")
    for login in logins:
        table.add_row(login.email, login.role, login.scope)
    console.print(table)
    if no_serve:
        return

    import uvicorn

    from review_ui.app import create_app  # only the serving commands reach into the web layer

    console.print(f"[bold green]Review page: http://{host}:{port}/[/bold green]  (Ctrl-C stops)")
    # proxy_headers off: the app reads X-Forwarded-For itself, from NETRA_TRUSTED_PROXIES only
    uvicorn.run(create_app(config, engine), host=host, port=port, proxy_headers=False, log_level="warning")
    console.print("Stopped. Run `netra demo` again to continue where you left off.")
