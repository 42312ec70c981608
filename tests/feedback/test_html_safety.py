"""The feedback sheet's HTML (issue 18, item 1): injection payloads in every field of every
kind of block are shown as text; nothing in the page can run or fetch; the Word document
keeps the same text."""
from __future__ import annotations

import io

import docx
import lxml.html

from rmresearch.feedback.render import render_docx, render_html
from rmresearch.feedback.sections import Block
from tests.report.test_html_safety import ATTR, IMG, PAYLOADS, SCRIPT, assert_safe_page



def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _blocks() -> list[Block]:
    return [Block("title", text=f"Feedback for {SCRIPT}"),
            Block("h1", text=f"About {IMG}", section=ATTR),
            Block("h2", text=ATTR),
            Block("p", text=f"{SCRIPT} {IMG}"),
            Block("quote", text=IMG, where=f"doc {ATTR}"),
            Block("bullets", items=[(SCRIPT, IMG), ATTR]),
            Block("table", header=[SCRIPT, "n"], rows=[[IMG, "3"], [ATTR, f"a\n{SCRIPT}"]]),
            Block("image", data=_png(), text=ATTR)]


def test_every_field_of_the_sheet_is_escaped() -> None:
    page = render_html(_blocks())
    assert_safe_page(page, visible=PAYLOADS)
    root = lxml.html.document_fromstring(page)
    assert root.find(".//title").text_content() == f"Feedback for {SCRIPT}"
    assert root.find(".//h2").get("id") == ATTR  # an attribute value, quoted
    assert root.find(".//img").get("alt") == ATTR
    assert root.find(".//img").get("src").startswith("data:image/png;base64,")
    cells = [[c.text_content() for c in row] for row in root.iter("tr")]
    assert cells == [[SCRIPT, "n"], [IMG, "3"], [ATTR, f"a{SCRIPT}"]]
    assert [li.text_content() for li in root.iter("li")] == [f"{SCRIPT} {IMG}", ATTR]


def test_the_word_document_keeps_the_payloads_as_plain_text() -> None:
    document = docx.Document(io.BytesIO(render_docx(_blocks())))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{SCRIPT} {IMG}" in text and ATTR in text
    assert document.tables[0].rows[1].cells[0].text == IMG
