"""The CSV files every export writes: what a spreadsheet reads back is what casework listed, with
the minimal quoting of the csv module and no cell that starts a formula."""

import csv
import io
import random
from datetime import date

from casework.exports import CHUNK_ROWS, cell, csv_chunks, csv_text

# Pieces of cells as staff and the public type them: commas, quotes and line breaks that need
# quoting, formula starts, accents and typographic spaces that need nothing.
PIECES = [
    "Remboursement",
    "refusé",
    "Attente téléphonique",
    ",",
    '"',
    "« trop long »",
    "\n",
    "\r\n",
    "=SOMME(A1)",
    "+1 418",
    "-",
    "@",
    "\t",
    " ",
    "",
    "9\u00a0h\u00a045",
]


def _rows(count: int, seed: int) -> list[list]:
    chance = random.Random(seed)
    rows = []
    for _ in range(count):
        width = chance.randint(1, 6)
        row = []
        for _ in range(width):
            roll = chance.random()
            if roll < 0.1:
                row.append(chance.choice([None, 0, 12, -3, date(2027, 2, 1), ["a", "b"]]))
            else:
                row.append("".join(chance.choices(PIECES, k=chance.randint(0, 3))))
        rows.append(row)
    return rows


def _as_the_csv_module_writes(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[cell(value) for value in row] for row in rows])
    return "\ufeff" + buffer.getvalue()


def test_every_line_is_what_the_csv_module_writes_for_its_safe_cells():
    header = ["Référence", "Objet, en bref", "Reçu le"]
    rows = _rows(3 * CHUNK_ROWS + 17, seed=20270201)
    assert csv_text(header, rows) == _as_the_csv_module_writes(header, rows)


def test_a_spreadsheet_reads_back_each_cell_as_listed_without_formulas():
    rows = [
        ["PL-2027-00001", "Frais refusés, sans explication", 12, date(2027, 2, 1), None],
        ["PL-2027-00002", 'Le « dossier » dit "urgent"', -3, "=SOMME(A1:A9)", "@moi"],
        ["PL-2027-00003", "Première ligne\nseconde ligne", 0, "+1 418 555-0100", ""],
        [""],
        ["", ""],
    ]
    text = csv_text(["a", "b", "c", "d", "e"], rows)
    read = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
    assert read[1:] == [
        ["PL-2027-00001", "Frais refusés, sans explication", "12", "2027-02-01", ""],
        ["PL-2027-00002", 'Le « dossier » dit "urgent"', "'-3", "'=SOMME(A1:A9)", "'@moi"],
        ["PL-2027-00003", "Première ligne\nseconde ligne", "0", "'+1 418 555-0100", ""],
        [""],
        ["", ""],
    ]


def test_a_long_list_comes_in_pieces_of_whole_lines():
    rows = [[f"PL-2027-{n:05d}", "Objet"] for n in range(2 * CHUNK_ROWS + 1)]
    pieces = list(csv_chunks(["Référence", "Objet"], rows))
    assert len(pieces) == 3
    assert all(piece.endswith("\r\n") for piece in pieces)
    assert pieces[0].startswith("\ufeffRéférence,Objet\r\nPL-2027-00000,Objet\r\n")


def test_an_empty_list_is_its_header_alone():
    assert list(csv_chunks(["Référence", "Objet"], [])) == ["\ufeffRéférence,Objet\r\n"]
