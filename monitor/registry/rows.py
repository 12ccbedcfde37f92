"""Validation of one registry CSV row: pure, no database. Each problem names its column and reason."""

from __future__ import annotations

import re
from dataclasses import dataclass

from monitor.registry.nip import NipError, normalise_nip, parse_nip
from scrapers.platforms import PLATFORMS as HANDLE_PLATFORMS

REQUIRED_COLUMNS = ("agency_code", "nip", "name")
OPTIONAL_COLUMNS = (
    "agency_name",
    "agency_region",
    "ppk_name",
    "ppk_email",
    "unit",
    "position",
    "region",
    "province",
    "status",
    "platform",
    "handle",
)
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_AGENCY_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
PLATFORMS = tuple(sorted(HANDLE_PLATFORMS))
STATUSES = ("active", "inactive")
MAX_CELL = 2000  # characters: longer than any name, unit or feed URL; a bigger cell is a broken file


def _unstorable(raw: dict[str, str]) -> list[RowProblem]:
    """Cells no column should hold: a NUL character (PostgreSQL refuses it, which aborted the whole file
    there), or a huge cell. Checked first, and alone: such a value is not echoed into messages."""
    problems = []
    for col in ALL_COLUMNS:
        value = raw.get(col) or ""
        if "\x00" in value:
            problems.append(RowProblem(col, "", "contains a NUL character (\\x00)"))
        elif len(value) > MAX_CELL:
            problems.append(RowProblem(col, "", f"is longer than {MAX_CELL} characters ({len(value)})"))
    return problems


@dataclass(frozen=True)
class RowProblem:
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class RegistryRow:
    """A valid row, normalised. Empty optional strings mean "not given"."""

    line: int
    agency_code: str
    agency_name: str
    agency_region: str
    ppk_name: str
    ppk_email: str
    nip: str
    name: str
    unit: str
    position: str
    region: str
    province: str
    status: str
    platform: str
    handle: str


def normalise_handle(platform: str, handle: str) -> str:
    known = HANDLE_PLATFORMS.get(platform)
    return known.handle.normalise(handle) if known else handle.strip().removeprefix("@").lower()


def validate_row(line: int, raw: dict[str, str]) -> RegistryRow | list[RowProblem]:
    """Return the normalised row, or every problem found in it."""
    if unstorable := _unstorable(raw):
        return unstorable
    cell = {col: (raw.get(col) or "").strip() for col in ALL_COLUMNS}
    problems: list[RowProblem] = []
    for col in REQUIRED_COLUMNS:
        if not cell[col]:
            problems.append(RowProblem(col, "", "is required"))
    if cell["agency_code"] and not _AGENCY_CODE.match(cell["agency_code"]):
        problems.append(RowProblem("agency_code", cell["agency_code"], "use letters, digits, '.', '_' or '-' (max 64)"))
    if cell["nip"]:
        try:
            parse_nip(cell["nip"])
        except NipError as exc:
            problems.append(RowProblem("nip", cell["nip"], str(exc)))
    if cell["ppk_email"] and not _EMAIL.match(cell["ppk_email"]):
        problems.append(RowProblem("ppk_email", cell["ppk_email"], "is not an email address"))
    status = cell["status"].lower()
    if status and status not in STATUSES:
        problems.append(RowProblem("status", cell["status"], f"must be one of {', '.join(STATUSES)}"))
    platform = cell["platform"].lower()
    handle = normalise_handle(platform, cell["handle"]) if platform else cell["handle"]
    if platform or handle:
        if not platform:
            problems.append(RowProblem("platform", "", "is required when a handle is given"))
        elif platform not in HANDLE_PLATFORMS:
            problems.append(RowProblem("platform", cell["platform"], f"unknown; use one of {', '.join(PLATFORMS)}"))
        elif not handle:
            problems.append(RowProblem("handle", "", f"is required when platform is given ({platform})"))
        else:
            rule = HANDLE_PLATFORMS[platform].handle
            if not rule.accepts(handle):
                problems.append(
                    RowProblem("handle", cell["handle"], f"is not valid for {platform}: expected {rule.expected}")
                )
    if problems:
        return problems
    return RegistryRow(
        line=line,
        agency_code=cell["agency_code"],
        agency_name=cell["agency_name"],
        agency_region=cell["agency_region"],
        ppk_name=cell["ppk_name"],
        ppk_email=cell["ppk_email"].lower(),
        nip=normalise_nip(cell["nip"]),
        name=cell["name"],
        unit=cell["unit"],
        position=cell["position"],
        region=cell["region"],
        province=cell["province"],
        status=status,
        platform=platform,
        handle=handle,
    )
