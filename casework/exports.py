"""CSV files for a spreadsheet, one way for every export (pages, API, command line).

UTF-8 with a byte order mark, so that Excel reads the accents right; one header line; a cell that
would start a formula is prefixed with an apostrophe, because text typed by the public or by staff
opens in a spreadsheet (CSV injection).
"""

import csv
import io
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
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


# Rows written between two pieces of a streamed file.
CHUNK_ROWS = 2000


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Return a whole CSV file as text, byte order mark first."""
    return "".join(csv_chunks(header, rows))


def csv_chunks(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """Yield a CSV file piece by piece as the rows come (byte order mark first), so that a long
    list never sits whole in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header)
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK_ROWS)):
        # The common cell, text that starts no formula, is checked here without a call.
        writer.writerows(
            [
                value if type(value) is str and value[:1] not in FORMULA_STARTS else cell(value)
                for value in row
            ]
            for row in chunk
        )
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():  # the header of an empty list
        yield buffer.getvalue()
