"""An importable app for ASGI servers run by hand: `uvicorn review_ui.asgi:app --workers 4`.
Settings come from the environment (`NETRA_*`), as for `netra serve`."""

from __future__ import annotations

from review_ui.app import create_app

app = create_app()
