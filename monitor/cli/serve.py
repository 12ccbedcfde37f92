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
    # X-Forwarded-For is read by the app itself, from NETRA_TRUSTED_PROXIES only (review_ui.client_address):
    # uvicorn would believe it from 127.0.0.1 whatever the setting.
    uvicorn.run(app, host=host, port=port, proxy_headers=False, log_level="info")
