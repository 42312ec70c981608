"""Pictures of published pages for the docs (docs/index.png, docs/appendix.png).

Not part of the package and not a dependency of it: the project installs no browser, so the
pages are laid out by WeasyPrint (HTML and CSS to PDF) and the first page of each PDF is
drawn by pdfium. Run it in an environment of its own, on the output of a report batch::

    python3 -m venv ../shots && ../shots/bin/pip install weasyprint pypdfium2
    ./run.sh report
    ../shots/bin/python tools/screenshots.py outputs docs

WeasyPrint needs the Pango library of the system (present on most Linux desktops). The
pictures show what a reader sees on paper; a browser lays some tables out wider.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: page of the batch output -> picture in the docs folder
PAGES = {"index.html": "index.png", "cohort_C1.html": "appendix.png"}


#: one very tall sheet, so that a long table is not pushed to a second page; the picture is
#: the top ``HEIGHT`` pixels of it
SHEET = "@page { size: 230mm 1400mm; margin: 8mm }"
HEIGHT = 1700


def draw(page: Path, picture: Path, scale: float = 1.2) -> tuple[int, int]:
    """Lay out ``page`` and save the top of its first sheet as the PNG ``picture``; its
    size."""
    import pypdfium2 as pdfium
    from weasyprint import CSS, HTML

    pdf = pdfium.PdfDocument(HTML(filename=str(page)).write_pdf(stylesheets=[CSS(string=SHEET)]))
    from PIL import ImageOps

    image = pdf[0].render(scale=scale).to_pil()
    inked = ImageOps.invert(image.convert("L")).getbbox()  # where the page is not white
    bottom = min(HEIGHT, image.size[1], (inked[3] + 40) if inked else HEIGHT)
    image = image.crop((0, 0, image.size[0], bottom))
    image.save(picture, optimize=True)
    return image.size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="folder a report batch wrote")
    parser.add_argument("docs", type=Path, help="folder for the pictures")
    args = parser.parse_args(argv)
    for name, picture in PAGES.items():
        page = args.output / name
        if not page.is_file():
            print(f"{page} does not exist: run the report batch first", file=sys.stderr)
            return 2
        width, height = draw(page, args.docs / picture)
        print(f"{args.docs / picture}: {width} x {height}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
