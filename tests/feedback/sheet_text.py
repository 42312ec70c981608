"""Reading a written feedback sheet back: its headings and its quotes, from the HTML page
(lxml) and from the Word document (python-docx), in the order they appear."""
from __future__ import annotations

from pathlib import Path

import docx
import lxml.html

__all__ = ["html_outline", "docx_outline", "findings_on_sheet"]


def html_outline(path: Path) -> list[tuple[str, str, str]]:
    """(kind, text, where) for every heading (``h1``, ``h2``, ``h3``) and quote of the page."""
    body = lxml.html.fromstring(Path(path).read_text(encoding="utf-8")).body
    out = []
    for el in body:
        if el.tag in ("h1", "h2", "h3"):
            out.append((el.tag, el.text_content().strip(), ""))
        elif el.tag == "blockquote":
            text = el.find("p").text_content().strip().strip("\u201c\u201d")
            out.append(("quote", text, el.find("footer").text_content().strip()))
    return out


def docx_outline(path: Path) -> list[tuple[str, str, str]]:
    """The same outline from the Word document: headings (Title, Heading 1, Heading 2 as
    ``h1``, ``h2``, ``h3``) and paragraphs in the Quote style."""
    levels = {"Title": "h1", "Heading 1": "h2", "Heading 2": "h3"}
    out = []
    for para in docx.Document(str(path)).paragraphs:
        style = para.style.name
        if style in levels:
            out.append((levels[style], para.text.strip(), ""))
        elif style == "Quote":
            runs = para.runs
            text = runs[0].text.strip().strip("\u201c\u201d")
            where = "".join(r.text for r in runs[1:]).strip()
            out.append(("quote", text, where[1:-1] if where.startswith("(") else where))
    return out


def findings_on_sheet(outline: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """(level, valence, quote) of every quote in the good practice and attention sections."""
    sections = {"Good practice": "positive", "Areas requiring attention": "attention"}
    valence = level = None
    out = []
    for kind, text, _ in outline:
        if kind == "h2":
            valence = sections.get(text)
        elif kind == "h3":
            level = text.split()[0].lower()
        elif kind == "quote" and valence and level:
            out.append((level, valence, text))
    return out
