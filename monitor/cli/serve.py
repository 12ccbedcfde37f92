"""`netra serve`: the review web page."""

from __future__ import annotations

import typer

from monitor.cli._common import ready_engine, settings


def serve(
    host: str = typer.Option(
        "127.0.0.1", "--host", help="Address to listen on (put a TLS proxy in front in production)."
    ),
    port: int = typer.Option(8000, "--port", help="Port to listen on."),
) -> None:
    """Start the review web page (FastAPI under uvicorn)."""
    import uvicorn

    from review_ui.app import create_app  # only `serve` reaches into the web layer

    app = create_app(settings(), ready_engine())
    uvicorn.run(app, host=host, port=port, proxy_headers=True, log_level="info")
