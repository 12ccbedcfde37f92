"""Scrapers: one module per platform behind one interface (`scrapers/base.py`); see `scrapers/registry.py`
for the platform map and docs/scrapers.md. Fetching knows httpx and bs4, never the database."""
