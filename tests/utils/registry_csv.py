"""Build registry CSVs for tests: many good rows and bad rows of varied kinds, with the expected errors."""

from __future__ import annotations

import csv
import io
import random

from monitor.registry.rows import ALL_COLUMNS

# (column to corrupt, bad value, fragment the error must contain)
BAD_KINDS: list[tuple[str, str, str]] = [
    ("nip", "19850312201001100", "18 digits"),
    ("nip", "19850230201001100X", "digits only"),
    ("nip", "198502302010011007", "birth date"),
    ("nip", "198503122010141007", "appointment month"),
    ("nip", "198503121980011007", "before the birth date"),
    ("nip", "198503122010013007", "gender"),
    ("nip", "", "is required"),
    ("name", "", "is required"),
    ("agency_code", "", "is required"),
    ("agency_code", "dinas kesehatan!", "letters, digits"),
    ("ppk_email", "ppk-at-example.go.id", "not an email"),
    ("status", "pensiun", "must be one of"),
    ("platform", "friendster", "unknown"),
    ("handle", "", "required when platform"),
    ("handle", "bukan handle!!", "not valid for"),
]


def good_nip(i: int) -> str:
    year = 1960 + i % 35
    month = 1 + i % 12
    day = 1 + i % 28
    appointed = year + 20 + i % 5
    return f"{year}{month:02d}{day:02d}{appointed}{1 + i % 12:02d}{1 + i % 2}{1 + i % 999:03d}"


def registry_rows(n: int, bad_share: float = 0.05, seed: int = 7) -> tuple[list[dict[str, str]], dict[int, str]]:
    """`n` data rows; returns the rows and {line number: expected error fragment} for the bad ones."""
    rng = random.Random(seed)
    rows: list[dict[str, str]] = []
    expected: dict[int, str] = {}
    bad_lines = set(rng.sample(range(n), int(n * bad_share)))
    for i in range(n):
        agency = i % 40
        nip = good_nip(i)
        # unique NIP per row: vary the sequence and appointment year by row index
        nip = nip[:8] + f"{int(nip[8:12]) + (i // 999) % 5}" + nip[12:15] + f"{1 + i % 999:03d}"
        row = {
            "agency_code": f"DINAS{agency:02d}",
            "agency_name": f"Dinas Contoh {agency}",
            "agency_region": "Kota Harapan Jaya",
            "ppk_name": f"PPK {agency}",
            "ppk_email": f"ppk{agency}@contoh.go.id",
            "nip": nip,
            "name": f"Pegawai {i}",
            "unit": f"Bidang {i % 7}",
            "position": "Analis",
            "region": "Kota Harapan Jaya",
            "province": "Jawa Barat",
            "status": "active",
            "platform": ("bluesky", "mastodon", "telegram", "x")[i % 4],
            "handle": "",
        }
        row["handle"] = {
            "bluesky": f"pegawai{i}.bsky.social",
            "mastodon": f"pegawai{i}@mastodon.social",
            "telegram": f"kanal_pegawai{i}",
            "x": f"pgw{i}",
        }[row["platform"]]
        if i in bad_lines:
            column, value, fragment = BAD_KINDS[len(expected) % len(BAD_KINDS)]
            row[column] = value
            expected[i + 2] = fragment  # header is line 1
        rows.append(row)
    return rows, expected


def to_csv(rows: list[dict[str, str]], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ALL_COLUMNS), delimiter=delimiter, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()
