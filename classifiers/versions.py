"""Model versions on disk: `models_dir/versions/<name>/`, and one active version named in `models_dir/ACTIVE`.

A new version becomes active only if it is no worse than the active one on the frozen test split. Versions
are compared on the same split: when the active version was measured on another one (versions before the
hand-written corpus were measured on template-held-out posts), it is measured again on the new one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

PROMOTION_METRIC = "macro_f1"
LEGACY_TEST_SPLIT = "v3-templates"  # what `test` meant in versions that do not name their test split


@dataclass(frozen=True)
class VersionInfo:
    name: str
    path: Path
    metrics: dict[str, object]
    active: bool

    @property
    def test_split(self) -> str:
        return str(self.metrics.get("test_split") or LEGACY_TEST_SPLIT)

    def test_score(self) -> float | None:
        test = self.metrics.get("test")
        value = test.get(PROMOTION_METRIC) if isinstance(test, dict) else None
        return float(value) if isinstance(value, int | float) else None


def versions_root(models_dir: Path) -> Path:
    return models_dir / "versions"


def new_version_dir(models_dir: Path, seed: int) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
    return versions_root(models_dir) / f"v{stamp}-s{seed}"


def active_name(models_dir: Path) -> str | None:
    pointer = models_dir / "ACTIVE"
    name = pointer.read_text().strip() if pointer.is_file() else ""
    return name if name and (versions_root(models_dir) / name / "stance.json").is_file() else None


def active_dir(models_dir: Path) -> Path | None:
    name = active_name(models_dir)
    return versions_root(models_dir) / name if name else None


def list_versions(models_dir: Path) -> list[VersionInfo]:
    root = versions_root(models_dir)
    active = active_name(models_dir)
    out = []
    for path in sorted(root.iterdir()) if root.is_dir() else []:
        if (path / "stance.json").is_file():
            metrics_file = path / "metrics.json"
            metrics = json.loads(metrics_file.read_text()) if metrics_file.is_file() else {}
            out.append(VersionInfo(path.name, path, metrics, path.name == active))
    return out


def activate(models_dir: Path, name: str) -> None:
    if not (versions_root(models_dir) / name / "stance.json").is_file():
        known = ", ".join(v.name for v in list_versions(models_dir)) or "none"
        raise ValueError(f"no model version {name!r} (known: {known})")
    tmp = models_dir / "ACTIVE.tmp"
    tmp.write_text(name + "\n")
    os.replace(tmp, models_dir / "ACTIVE")  # atomic: readers see the old or the new name


def promote_if_not_worse(models_dir: Path, candidate: VersionInfo,
                         rescore: Callable[[VersionInfo], float | None] | None = None) -> tuple[bool, str]:  # fmt: skip
    """Activate `candidate` unless the active version scores higher on the candidate's frozen test split.

    `rescore(version)` measures a version on the candidate's test split; it is called for an active version
    that was measured on another split. Without it, such a version cannot be compared and the candidate wins.
    """
    current = next((v for v in list_versions(models_dir) if v.active), None)
    new = candidate.test_score()
    if current is None:
        activate(models_dir, candidate.name)
        return True, "no active version before"
    if current.test_split == candidate.test_split:
        old = current.test_score()
        how = ""
    else:
        old = rescore(current) if rescore else None
        how = f" (measured now on {candidate.test_split}; it was measured on {current.test_split})"
    if new is None or (old is not None and new < old):
        return False, f"test {PROMOTION_METRIC} {new} is below the active {current.name}'s {old}{how}"
    activate(models_dir, candidate.name)
    return True, f"test {PROMOTION_METRIC} {new:.4f} >= active {current.name}'s {old}{how}"
