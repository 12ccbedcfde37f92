"""CSV records by RFC 4180, each with the line it starts on. A record whose quoting is broken is an error
of its own, and reading goes on with the next line, so one bad row never takes the rest of the file.

Python's csv module was not enough: csv.Sniffer guessed the whole dialect from the header (which holds no
quotes) and then read `""` inside a quoted field as two quotes; its field size limit (131,072 characters,
one global setting) raised in the middle of a file; and after a quoting error it cannot resume at a
place of our choosing.

RFC 4180 plus what spreadsheets write and read: the delimiter may be `,`, `;` or a tab; lines may end in
CRLF, LF or CR; a quote inside an unquoted field is taken literally (Excel reads `Budi "Ucok"` so).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

DELIMITERS = (",", ";", "\t")
_LINE_END = re.compile(r"\r\n|\r|\n")
# A quoted field: quotes inside are doubled. Written unrolled, so it runs in linear time.
_QUOTED = re.compile(r'"([^"]*(?:""[^"]*)*)"')
NEVER_CLOSED = "opens a quote that is never closed"


@dataclass(frozen=True)
class Record:
    line: int  # the physical line the record starts on; the first line is 1
    fields: list[str]
    error: str | None = None  # what is wrong with its quoting; fields then holds what was read before
    bad_field: int = 0  # with an error: which field (1 is the first)


def delimiter_of(header: str) -> str:
    """The delimiter the header line uses most (outside quotes); a comma when it uses none."""
    bare = _QUOTED.sub("", header)
    counts = {d: bare.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties go to the earlier: the comma first
    return best if counts[best] else ","


def _lines(text: str) -> int:
    return len(_LINE_END.findall(text))


def records(text: str, delimiter: str) -> Iterator[Record]:
    """Every record of `text`, a last line without a line end included."""
    unquoted = re.compile(f"[^{re.escape(delimiter)}\r\n]*")
    pos, line, size = 0, 1, len(text)
    while pos < size:
        end = _LINE_END.search(text, pos)
        stop = end.start() if end else size
        if '"' not in text[pos:stop]:  # the usual row: no quoting to undo
            yield Record(line, text[pos:stop].split(delimiter))
            pos, line = (end.end() if end else size), line + 1
            continue
        record, after = _record(text, pos, line, delimiter, unquoted)
        yield record
        pos, line = after, line + _lines(text[pos:after])


def _record(text: str, pos: int, line: int, delimiter: str, unquoted: re.Pattern[str]) -> tuple[Record, int]:
    """The record starting at `pos`, and where the next one starts."""
    fields: list[str] = []
    while True:
        number, start = len(fields) + 1, pos
        if text.startswith('"', pos):
            quoted = _QUOTED.match(text, pos)
            if quoted is None:
                return _broken(text, start, line, fields, number, NEVER_CLOSED)
            fields.append(quoted.group(1).replace('""', '"'))
            pos = quoted.end()
        else:
            bare = unquoted.match(text, pos)
            assert bare is not None  # it matches the empty string
            fields.append(bare.group())
            pos = bare.end()
        if pos >= len(text):
            return Record(line, fields), pos
        if text[pos] == delimiter:
            pos += 1
            continue
        end = _LINE_END.match(text, pos)
        if end is not None:
            return Record(line, fields), end.end()
        if _LINE_END.search(text, start, pos):  # the "closing" quote was a later row's opening one
            return _broken(text, start, line, fields[:-1], number, NEVER_CLOSED)
        return _broken(text, start, line, fields, number, "text after its closing quote")


def _broken(text: str, start: int, line: int, fields: list[str], number: int, why: str) -> tuple[Record, int]:
    """A record whose quoting is broken: reading resumes with the line after the one its bad field starts
    on. A stray quote must not swallow the good rows below it up to the next quote in the file."""
    end = _LINE_END.search(text, start)
    return Record(line, fields, why, number), (end.end() if end else len(text))
