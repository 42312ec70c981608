"""Writing a pair's sheet: the HTML page and the Word document, alone or through a report.

Both files are written atomically, and the same input gives the same bytes (the Word
document's dates are fixed to the pair's latest document). In a report context
(`rmresearch.report.context.ReportContext`) the pair's tables are published first
(`publish_feedback`, counts suppressed as the context says) and the sheet is written into
its output folder (`write_for`).
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from ..atomic import atomic_write_bytes, atomic_write_text
from .pair import PairFeedback
from .render import render_docx, render_html
from .sheet import SheetNames, sheet_blocks, sheet_names

if TYPE_CHECKING:  # pragma: no cover
    from ..report.context import ReportContext

__all__ = ["sheet_paths", "write_sheet", "publish_feedback", "write_for"]


def sheet_paths(folder: str | Path, pair: str) -> dict[str, Path]:
    """Where a pair's sheet is written: ``folder/feedback_<pair>.html`` and ``.docx``."""
    folder = Path(folder)
    return {"html": folder / f"feedback_{pair}.html", "docx": folder / f"feedback_{pair}.docx"}


def write_sheet(fb: PairFeedback, folder: str | Path, names: SheetNames, *,
                figures: dict[str, Path] | None = None, min_cell: int = 0) -> dict[str, Path]:
    """Write the sheet as HTML and .docx into ``folder`` (atomically); return both paths.

    ``figures``: PNG files by name (``profile``, ``change``) to include; missing files are
    skipped.
    """
    images = {k: Path(p).read_bytes() for k, p in (figures or {}).items() if Path(p).is_file()}
    blocks = sheet_blocks(fb, names, figures=images, min_cell=min_cell)
    paths = sheet_paths(folder, fb.pair)
    try:
        when = date.fromisoformat(fb.period.get("last", ""))
    except ValueError:
        when = None
    atomic_write_text(paths["html"], render_html(blocks))
    atomic_write_bytes(paths["docx"], render_docx(blocks, when=when, author=names.mentor))
    return paths


def publish_feedback(ctx: "ReportContext", fb: PairFeedback) -> PairFeedback:
    """Publish every table of ``fb`` under the context's ``tables/`` (counts are the columns
    ``n`` and ``n_...``) and return a copy holding the published versions."""
    published = {}
    for name, df in fb.tables().items():
        counts = [c for c in df.columns if c == "n" or str(c).startswith("n_")]
        published[name] = ctx.publish(df, name, counts=counts)
    return fb.with_tables(published)


def write_for(ctx: "ReportContext", fb: PairFeedback, reveal_leader: bool = False
              ) -> dict[str, Path]:
    """Write the sheet of ``fb`` (already published) into the context's output folder, with
    the figures published as ``profile`` and ``change`` unless counts are suppressed."""
    output = ctx.publisher.output
    min_cell = ctx.publisher.min_cell
    figures = {} if min_cell > 0 else {name: output / "figures" / f"{name}.png"
                                       for name in ("profile", "change")}
    return write_sheet(fb, output, sheet_names(ctx, fb.pair, reveal_leader), figures=figures,
                       min_cell=min_cell)
