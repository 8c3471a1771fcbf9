"""CSV files for a spreadsheet, one way for every export (pages, API, command line).

UTF-8 with a byte order mark, so that Excel reads the accents right; one header line; a cell that
would start a formula is prefixed with an apostrophe, because text typed by the public or by staff
opens in a spreadsheet (CSV injection).
"""

import csv
from collections.abc import Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r")


def cell(value: Any) -> str:
    """Write one value as a safe cell: dates in ISO form, lists joined, no formula."""
    if type(value) is str:  # most cells, first
        return "'" + value if value[:1] in FORMULA_STARTS else value
    if value is None:
        return ""
    if type(value) is int:  # a count or an age: "-" the only formula start it can have
        return "'" + str(value) if value < 0 else str(value)
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


# Rows written between two pieces of a streamed file.
CHUNK_ROWS = 2000
LINE_END = "\r\n"


class _Appender:
    """A file for the csv module that appends what it writes to a list."""

    __slots__ = ("write",)

    def __init__(self, append) -> None:
        self.write = append


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Return a whole CSV file as text, byte order mark first."""
    return "".join(csv_chunks(header, rows))


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Yield a CSV file piece by piece as the rows come (byte order mark first), so that a long
    list never sits whole in memory.

    The csv module quotes a cell holding a comma, a double quote or a line break (its minimal
    quoting), and it reads every character of every cell to find them; most lines hold none, and
    are then the cells joined by commas, which a few scans of the joined line tell. Those lines
    are written joined; the module writes the others, and the header."""
    parts: list[str] = ["\ufeff"]
    add = parts.append
    writer = csv.writer(_Appender(add), lineterminator=LINE_END)
    writer.writerow(header)
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        for row in chunk:
            # The common cell, text that starts no formula, is checked here without a call.
            values = [
                value if type(value) is str and value[:1] not in FORMULA_STARTS else cell(value)
                for value in row
            ]
            line = ",".join(values)
            if (
                line  # a lone empty cell is written "" (a line of its own, not a blank one)
                and line.count(",") == len(values) - 1
                and '"' not in line
                and "\n" not in line
                and "\r" not in line
            ):
                add(line)
                add(LINE_END)
            else:
                writer.writerow(values)
        yield "".join(parts)
        parts.clear()
    if parts:  # the header of an empty list
        yield "".join(parts)
