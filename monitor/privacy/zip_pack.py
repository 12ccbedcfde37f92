"""A ZIP of named files under one folder, with a SHA-256 manifest any `sha256sum -c` can check."""

from __future__ import annotations

import hashlib
import io
import zipfile

__all__ = ["zip_with_manifest"]

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # entries get a fixed timestamp: the same files give the same bytes


def zip_with_manifest(folder: str, files: dict[str, bytes]) -> bytes:
    """`files` (name -> bytes) under `folder/`, plus `manifest.sha256` listing each file's SHA-256."""
    manifest = "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in sorted(files.items()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*files.items(), ("manifest.sha256", manifest.encode())]:
            archive.writestr(zipfile.ZipInfo(f"{folder}/{name}", _FIXED_TIME), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
