"""The feedback sheet rendered: one self-contained HTML page and one Word document.

Both take the same `rmresearch.feedback.sections.Block` list, so the page and the document say
the same thing; the Word document's dates are fixed (``when``), so the same sheet gives the
same bytes.
"""
from __future__ import annotations

import base64
import io
from datetime import date
from typing import Sequence

from ..report.html import CSP_META, check_page, escape, table_html
from .sections import Block

__all__ = ["render_html", "render_docx"]

_CSS = """
body{font-family:"Segoe UI",Arial,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;
color:#1d1d1d;line-height:1.5}
h1{font-size:1.7rem;margin-bottom:.3rem}h2{font-size:1.3rem;margin-top:2rem;
border-bottom:2px solid #005EB8;padding-bottom:.2rem}h3{font-size:1.05rem;margin-top:1.2rem}
blockquote{margin:.6rem 0 .6rem 1rem;padding:.3rem .8rem;border-left:4px solid #005EB8;
background:#F3F6FA}blockquote p{margin:0}blockquote footer{font-size:.85rem;color:#555}
table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}
th,td{border:1px solid #BBB;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#E8EDEE}img{max-width:100%}figure{margin:1rem 0}
figcaption{font-size:.85rem;color:#555}
"""


def _block_html(b: Block) -> str:
    """One block as HTML, every value escaped (tables by the one table renderer)."""
    esc = escape
    if b.kind == "title":
        return f"<h1>{esc(b.text)}</h1>"
    if b.kind == "h1":
        return f'<h2 id="{esc(b.section)}">{esc(b.text)}</h2>'
    if b.kind == "h2":
        return f"<h3>{esc(b.text)}</h3>"
    if b.kind == "p":
        return f"<p>{esc(b.text)}</p>"
    if b.kind == "quote":
        return (f"<blockquote><p>\u201c{esc(b.text)}\u201d</p>"
                f"<footer>{esc(b.where)}</footer></blockquote>")
    if b.kind == "bullets":
        items = [f"<li><strong>{esc(i[0])}</strong> {esc(i[1])}</li>"
                 if isinstance(i, tuple) else f"<li>{esc(i)}</li>" for i in b.items]
        return "<ul>" + "".join(items) + "</ul>"
    if b.kind == "table":
        return table_html(b.header, b.rows)
    if b.kind == "image":
        data = base64.b64encode(b.data).decode("ascii")
        return (f'<figure><img src="data:image/png;base64,{data}" alt="{esc(b.text)}">'
                f"<figcaption>{esc(b.text)}</figcaption></figure>")
    return ""


def render_html(blocks: Sequence[Block]) -> str:
    """The sheet as one self-contained HTML page (pictures embedded).

    Every value is escaped and the page carries the report pages' Content-Security-Policy
    (`rmresearch.report.html`): nothing in it runs or is fetched.

    Raises
    ------
    RmResearchError
        The page would hold a script or a remote address (`rmresearch.report.html.check_page`).
    """
    title = next((b.text for b in blocks if b.kind == "title"), "Feedback")
    out = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", CSP_META,
           '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(title)}</title>", f"<style>{_CSS.strip()}</style>", "</head>",
           "<body>"]
    out += [_block_html(b) for b in blocks]
    out += ["</body>", "</html>", ""]
    return check_page("\n".join(out), f"the feedback sheet '{title}'")


def render_docx(blocks: Sequence[Block], *, when: date | None = None, author: str = "") -> bytes:
    """The sheet as a Word document (python-docx); dates fixed to ``when`` for stable bytes."""
    import docx
    from docx.shared import Inches, Pt, RGBColor

    from ..archive import fixed_office_zip

    document = docx.Document()
    title = next((b.text for b in blocks if b.kind == "title"), "Feedback")
    props = document.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.comments, props.keywords, props.subject = "", "", "Reverse mentoring feedback"
    props.revision = 1
    for b in blocks:
        if b.kind == "title":
            document.add_heading(b.text, 0)
        elif b.kind in ("h1", "h2"):
            document.add_heading(b.text, 1 if b.kind == "h1" else 2)
        elif b.kind == "p":
            document.add_paragraph(b.text)
        elif b.kind == "quote":
            para = document.add_paragraph(style="Quote")
            para.add_run(f"\u201c{b.text}\u201d")
            where = para.add_run(f"  ({b.where})")
            where.font.size = Pt(9)
            where.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
        elif b.kind == "bullets":
            for item in b.items:
                para = document.add_paragraph(style="List Bullet")
                if isinstance(item, tuple):
                    para.add_run(item[0]).bold = True
                    para.add_run(" " + item[1])
                else:
                    para.add_run(item)
        elif b.kind == "table":
            table = document.add_table(rows=1, cols=len(b.header))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, b.header):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
            for row in b.rows:
                cells = table.add_row().cells
                for cell, text in zip(cells, row):
                    cell.text = text
            document.add_paragraph()
        elif b.kind == "image":
            document.add_picture(io.BytesIO(b.data), width=Inches(6))
            caption = document.add_paragraph(b.text)
            caption.runs[0].italic = True
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_office_zip(buffer.getvalue(), when or date(2000, 1, 1))
