"""CSV files for a spreadsheet, one way for every export (pages, API, command line).

UTF-8 with a byte order mark, so that Excel reads the accents right; one header line; a cell that
would start a formula is prefixed with an apostrophe, because text typed by the public or by staff
opens in a spreadsheet (CSV injection).
"""

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> str:
    """Write one value as a safe cell: dates in ISO form, lists joined, no formula."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value)
    text = value.isoformat() if isinstance(value, date) else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """Return a whole CSV file as text, byte order mark first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return "\ufeff" + buffer.getvalue()
