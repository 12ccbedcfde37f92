"""JSON Lines input: one object a line, every bad line named at once (the CLI's `--input` files)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
SHOWN = 20  # bad lines listed in the error; the rest are counted


def read_jsonl(path: Path, parse: Callable[[dict[str, object]], T]) -> list[T]:
    """Each non-empty line of `path` as a JSON object turned into a T by `parse`, which raises ValueError for an
    object it cannot use. Raises one ValueError naming every bad line (`FILE:LINE: why`)."""
    items: list[T] = []
    errors: list[str] = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise ValueError("each line must be a JSON object")
                items.append(parse(data))
            except json.JSONDecodeError as exc:
                errors.append(f"{path}:{number}: not valid JSON ({exc.msg})")
            except ValueError as exc:
                errors.append(f"{path}:{number}: {exc}")
    if errors:
        more = f"\n... {len(errors) - SHOWN} more" if len(errors) > SHOWN else ""
        raise ValueError("\n".join(errors[:SHOWN]) + more)
    return items
