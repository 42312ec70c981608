"""Formulas with no saved result in a worksheet, found so they are reported, not read as blanks.

Excel, LibreOffice and Google Sheets save a formula's result beside it (``<v>`` in the cell's
XML), and rmresearch reads that result. A workbook written by a program that never calculated
it (a script, some survey exporters) stores the formula alone; openpyxl then reads the cell as
empty, so an answer computed by a formula would silently become no answer.
`uncached_formulas` lists those cells. It costs one quick pass over the worksheet's XML for
the text ``<f``; only a sheet that holds formulas is parsed (streamed, a row at a time).
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ..errors import InputError

__all__ = ["FormulaCell", "uncached_formulas", "worksheet_member", "formulas_error",
           "FORMULA_ADVICE"]

FORMULA_ADVICE = ("cells with values, or formulas saved with their results: open the workbook "
                  "in Excel or LibreOffice and save it again (that stores the results), or "
                  "export it as CSV.")
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s/>]")
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class FormulaCell:
    """A cell holding a formula with no saved result (``row`` and ``column`` from 1)."""

    row: int
    column: int
    formula: str

    @property
    def ref(self) -> str:
        """The cell's name, e.g. ``D5``."""
        from openpyxl.utils import get_column_letter

        return f"{get_column_letter(self.column)}{self.row}"


def worksheet_member(sheet: Any) -> str | None:
    """The archive member of a read-only openpyxl worksheet (``xl/worksheets/sheet1.xml``).

    openpyxl keeps it as ``_worksheet_path`` on the sheets of a ``read_only`` workbook; a
    test checks that formulas are still found, so a change there cannot go unnoticed.
    """
    member = getattr(sheet, "_worksheet_path", None)
    return member if isinstance(member, str) else None


def _mentions_formulas(stream: IO[bytes]) -> bool:
    tail = b""
    while chunk := stream.read(_CHUNK):
        if _FORMULA_TAG.search(tail + chunk):
            return True
        tail = chunk[-64:]
    return False


def _local(el: Any) -> str:
    return el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""


def _position(cell: Any, row: int, column: int) -> tuple[int, int]:
    """(row, column) of a ``<c>``: its ``r`` attribute, else the next column of ``row``."""
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.utils.exceptions import CellCoordinatesException

    ref = cell.get("r")
    if ref:
        try:
            return coordinate_to_tuple(ref)
        except (CellCoordinatesException, ValueError, TypeError):
            pass
    return row, column + 1


def _scan(stream: IO[bytes]) -> list[FormulaCell]:
    from lxml import etree

    found: list[FormulaCell] = []
    row = column = 0
    for event, el in etree.iterparse(stream, events=("start", "end"), resolve_entities=False,
                                     no_network=True, huge_tree=True):
        name = _local(el)
        if name == "row" and event == "start":
            r = el.get("r") or ""
            row, column = (int(r) if r.isdigit() else row + 1), 0
        elif name == "c" and event == "end":
            row, column = _position(el, row, column)
            kids = {_local(k): k for k in el}
            if "f" in kids and "v" not in kids:
                text = (kids["f"].text or "").strip()
                found.append(FormulaCell(row, column, f"={text}" if text else
                                         "(a formula shared with another cell)"))
        elif name == "row" and event == "end":
            el.clear()
            while el.getprevious() is not None:
                del el.getparent()[0]
    return found


def uncached_formulas(path: Path, member: str | None) -> list[FormulaCell]:
    """Cells of worksheet ``member`` of the workbook ``path`` whose formula has no saved
    result, in sheet order (none when ``member`` is None or not in the archive).

    The archive was checked against the zip limits (`rmresearch.archive.check_zip`) and read
    by openpyxl before this runs.
    """
    if member is None:
        return []
    with zipfile.ZipFile(path) as zf:
        if member not in zf.namelist():
            return []
        with zf.open(member) as stream:
            if not _mentions_formulas(stream):
                return []
        with zf.open(member) as stream:
            return _scan(stream)


def formulas_error(path: Path, cells: list[FormulaCell]) -> InputError:
    """The error refusing a sheet whose ``cells`` hold formulas with no saved result (all
    counted, the first ten named with their formulas)."""
    shown = ", ".join(f"{c.ref} ({c.formula})" for c in cells[:10])
    more = f" and {len(cells) - 10} more" if len(cells) > 10 else ""
    return InputError(f"{len(cells)} cell(s) hold a formula with no saved result, so they "
                      f"would be read as empty: {shown}{more}. The workbook was written by a "
                      "program that never calculated it.", path=path, allowed=FORMULA_ADVICE)
