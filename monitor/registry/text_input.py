"""Files people hand Netra (the registry CSV, the election YAML), decoded the same way wherever they come in:
the command line and the review page call this one function, so a file one takes the other takes too."""

from __future__ import annotations

import codecs

LEGACY = "cp1252"  # what old Excel versions save as "CSV" on Indonesian Windows
# UTF-32 first: its little-endian mark begins with UTF-16's.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


class TextDecodeError(ValueError):
    """The file is not text in an encoding we read; the message says where and what to do."""


def _where(data: bytes, exc: UnicodeDecodeError, skipped: int = 0) -> str:
    """Where the first undecodable byte is, as an editor would show it (for 8-bit text)."""
    at = exc.start + skipped
    line, column = data.count(b"\n", 0, at) + 1, at - data.rfind(b"\n", 0, at)
    return f"line {line}, column {column}: byte 0x{data[at]:02x}"


def _utf16_without_mark(data: bytes) -> str | None:
    """UTF-16 saved without a byte-order mark: text in Latin script has a zero in every other byte.
    (One NUL in a UTF-8 file is that row's problem, not a sign of UTF-16.)"""
    sample = data[:4096]
    half = len(sample) // 2
    if half < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_text(data: bytes, *, legacy: bool = False) -> str:
    """The text of a file: by its byte-order mark (UTF-8, UTF-16 or UTF-32) if it has one, else UTF-16
    recognised by its zero bytes, else UTF-8, else (with `legacy`) Windows-1252. Never guesses further:
    any other file is refused with the place of its first undecodable byte."""
    for mark, encoding, name in _BOMS:
        if data.startswith(mark):
            try:
                return data[len(mark) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise TextDecodeError(
                    f"the file starts with a {name} byte-order mark but is not {name} text "
                    f"({_where(data, exc, len(mark))}); save it again as UTF-8"
                ) from exc
    guessed = _utf16_without_mark(data)
    if guessed is not None:
        try:
            return data.decode(guessed)
        except UnicodeDecodeError:
            pass  # not UTF-16 after all: try the rest
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if legacy:
            try:
                return data.decode(LEGACY)
            except UnicodeDecodeError:
                pass
        kinds = "UTF-8, UTF-16 or Windows-1252" if legacy else "UTF-8 or UTF-16"
        raise TextDecodeError(f"the file is not {kinds} text ({_where(data, exc)}); save it as UTF-8") from exc
