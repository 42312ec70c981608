"""No script runs in a published page (issue 18, item 1).

Injection payloads are planted in a transcript, an observation and a doc_id of a small
generated project; the cohort appendix and the feedback workings page are rendered from it by
the shipped notebooks, the index by its writer. Each page is parsed (lxml) and must hold no
script element, no ``on...`` attribute, no address outside the page, the package's
Content-Security-Policy, and the payloads as visible text. A headless Chromium, where installed,
shows the policy stops a script that got into a page.
"""
from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import lxml.html
import nbformat
import pandas as pd
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from rmresearch.errors import RmResearchError
from rmresearch.feedback.run import run_feedback
from rmresearch.report.html import (CSP, CSP_META, check_page, frame_html, page_problems,
                                    table_html)
from rmresearch.report.index import write_failed_front, write_index
from rmresearch.report.notebooks import NOTEBOOKS, execute_notebook, notebook_dir
from rmresearch.synthetic.generator import generate

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
ATTR = '"><svg onload=alert(1)>'
PAYLOADS = (SCRIPT, IMG, ATTR)
REMOTE = ("http:", "https:", "//")


def assert_safe_page(page: str, visible: tuple[str, ...] = ()) -> None:
    """The DOM check: nothing in ``page`` can run or fetch, and ``visible`` reads as text."""
    root = lxml.html.document_fromstring(page)
    elements = list(root.iter())
    tags = [e.tag for e in elements if isinstance(e.tag, str)]
    assert "script" not in tags and "iframe" not in tags and "object" not in tags
    handlers = [(e.tag, a) for e in elements for a in e.attrib if a.lower().startswith("on")]
    assert handlers == []
    addresses = [v for e in elements for a, v in e.attrib.items()
                 if a.lower() in ("src", "href", "srcset", "action", "data")]
    assert not [v for v in addresses if v.strip().lower().startswith(REMOTE)]
    assert not [v for v in addresses if v.strip().lower().startswith("javascript:")]
    head = root.find("head")
    policies = [m.get("content") for m in head.iter("meta")
                if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    assert policies == [CSP]
    assert "default-src 'none'" in CSP and "script-src 'none'" in CSP
    text = root.text_content()
    for payload in visible:
        assert payload in text, f"{payload!r} is not shown as text"
    assert page_problems(page) == []


# ------------------------------------------------------------------ the checker itself
def test_the_page_check_finds_scripts_handlers_remote_addresses_and_a_missing_policy() -> None:
    bad = ("<!DOCTYPE html><html><head><link rel='stylesheet' href='https://cdn.example/x.css'>"
           "<script src='https://cdnjs.cloudflare.com/require.js'></script></head><body>"
           "<img src=x onerror=alert(1)><a href='javascript:alert(1)'>x</a>"
           "<p style=\"background:url(http://x/y.png)\">p</p></body></html>")
    found = page_problems(bad)
    assert any("<script>" in p for p in found) and any("onerror" in p for p in found)
    assert any("cdn.example" in p for p in found) and any("javascript:" in p for p in found)
    assert any("style" in p for p in found) and any("Content-Security-Policy" in p for p in found)
    with pytest.raises(RmResearchError, match="not published"):
        check_page(bad, "bad.html")
    good = (f"<!DOCTYPE html><html><head>{CSP_META}<meta charset='utf-8'></head><body>"
            "<img src='data:image/png;base64,AA=='><a href='tables/x.csv'>x</a>"
            "<a href='#top'>top</a></body></html>")
    assert page_problems(good) == [] and check_page(good, "good.html") == good


def test_the_one_table_renderer_escapes_headers_cells_and_caption() -> None:
    df = pd.DataFrame({SCRIPT: [IMG, 0.25, None], ATTR: [["a", SCRIPT], 3, float("nan")]})
    page = (f"<!DOCTYPE html><html><head>{CSP_META}</head><body>"
            f"{frame_html(df, caption=ATTR, max_rows=2)}"
            f"{table_html([IMG], [[ATTR]], caption=SCRIPT)}</body></html>")
    assert_safe_page(page, visible=PAYLOADS)
    table = lxml.html.fragment_fromstring(frame_html(df, caption=IMG, max_rows=2),
                                          create_parent="div")
    cells = [[c.text_content() for c in row] for row in table.iter("tr")]
    assert cells == [[SCRIPT, ATTR], [IMG, f"a{SCRIPT}"], ["0.25", "3"]]
    assert table.find(".//caption").text_content() == IMG
    assert "1 more rows in the CSV" in table.text_content()


# ------------------------------------------------------------------ pages from the notebooks
@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> SimpleNamespace:
    """A generated cohort with payloads in notes, an interview and a doc_id, rendered once as
    the cohort appendix and as pair C1-P02's feedback (sheet and workings page)."""
    root = tmp_path_factory.mktemp("planted")
    data = root / "data"
    generate(data, seed=3, cohorts=1, pairs=2, sessions=1)
    shutil.rmtree(data / "codings")  # human codings name segments of the unplanted text
    with open(data / "manifest.csv", newline="", encoding="utf-8") as fh:
        files = {r["doc_id"]: r["file"] for r in csv.DictReader(fh)}
    notes = data / files["C1-P02-observation-s1"]  # .md or .txt: plain text either way
    notes.write_text(notes.read_text(encoding="utf-8")
                     + f"\n- The leader told the board {SCRIPT} that racism on the ward was not "
                     f"their problem.\n- The leader praised the BME staff network {IMG} in "
                     "front of the whole department.\n- She thanked the porters by name "
                     f"{IMG} at the huddle.\n- No BME staff are pictured {IMG} on the "
                     "noticeboard.\n", encoding="utf-8")
    talk = data / "C1/P02/staff_feedback_1.txt"  # always plain text (the pair's staff notes)
    talk.write_text(talk.read_text(encoding="utf-8")
                    + f"\nGraham: I challenged the executive team {SCRIPT} about the lack of "
                    "diversity on the board.\n", encoding="utf-8")
    with open(data / "manifest.csv", newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    for row in rows:
        if row[0] == "C1-P02-observation-s1":
            row[0] += ATTR
    with open(data / "manifest.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    store = root / "p.rmproj"
    cohort = execute_notebook(notebook_dir() / NOTEBOOKS["cohort"], root / "out/cohort.ipynb",
                              {"data": str(data), "store": str(store), "cohort": "C1",
                               "output": str(root / "out/C1")},
                              html=root / "out/cohort_C1.html", title=f"Cohort C1 {SCRIPT}")
    feedback = run_feedback(data, "C1-P02", root / "fb", store=store)
    return SimpleNamespace(root=root, cohort=cohort, feedback=feedback)


def test_the_cohort_appendix_shows_planted_scripts_as_text(planted) -> None:
    assert planted.cohort.ok, planted.cohort.error
    page = planted.cohort.html.read_text(encoding="utf-8")
    assert_safe_page(page, visible=(SCRIPT, IMG))
    title = lxml.html.document_fromstring(page).find(".//title").text_content()
    assert title == f"Cohort C1 {SCRIPT}"
    assert "<img" in page, "figures are still shown (data: images)"
    for cdn in ("cdnjs", "require.js", "mathjax", "unpkg"):
        assert cdn not in page.lower()


def test_the_feedback_workings_page_and_sheet_show_planted_scripts_as_text(planted) -> None:
    workings = planted.feedback.notebook_html.read_text(encoding="utf-8")
    assert_safe_page(workings, visible=PAYLOADS)  # the doc_id is shown in the quotes table
    sheet = planted.feedback.html.read_text(encoding="utf-8")
    assert_safe_page(sheet, visible=(SCRIPT, IMG))


def test_a_page_that_would_run_a_script_is_not_written(tmp_path: Path) -> None:
    """A notebook that displays raw HTML (not through the table renderer) is refused."""
    template = tmp_path / "raw.ipynb"
    nb = new_notebook(cells=[new_code_cell("from IPython.display import HTML\n"
                                           f"HTML({IMG!r})")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, template)
    run = execute_notebook(template, tmp_path / "run.ipynb", {}, html=tmp_path / "raw.html")
    assert run.failed_at == "html" and "onerror" in run.error and "not published" in run.error
    assert not (tmp_path / "raw.html").exists() and run.html is None


# ------------------------------------------------------------------ the index
def _job(root: Path, name: str, **fields) -> SimpleNamespace:
    out = root / "cohorts" / name
    (out / "tables").mkdir(parents=True)
    (out / "tables" / f"{ATTR}.csv").write_text("n\n5\n", encoding="utf-8")
    (root / f"{name}.html").write_text("page", encoding="utf-8")
    return SimpleNamespace(name=name, html=str(root / f"{name}.html"),
                           executed=str(root / "notebooks" / f"{name}.ipynb"),
                           parameters={"output": str(out)}, duration=1.0, **fields)


def test_the_index_shows_planted_scripts_as_text(tmp_path: Path) -> None:
    jobs = [_job(tmp_path, "cohort_C1", title=f"Cohort {SCRIPT}", status="ok", error=""),
            _job(tmp_path, "cohort_C2", title="Cohort C2", status="failed",
                 error=f"InputError: {IMG}")]
    manifest = {"parameters": {"pseudonymised": True, "min_cell": 5}, "codebook":
                {"name": ATTR, "hash": SCRIPT}, "coder": IMG, "version": "0", "seed": 42,
                "inputs": [], "leaks": [], "withheld": []}
    page = write_index(tmp_path, jobs, manifest).read_text(encoding="utf-8")
    assert_safe_page(page, visible=PAYLOADS)
    hrefs = [a.get("href") for a in lxml.html.document_fromstring(page).iter("a")]
    assert "cohort_C1.html" in hrefs and "manifest.json" in hrefs
    assert "cohorts/cohort_C1/tables/%22%3E%3Csvg%20onload%3Dalert%281%29%3E.csv" in hrefs
    write_failed_front(tmp_path, [f"a.csv: {SCRIPT}"], [IMG])
    assert_safe_page((tmp_path / "index.html").read_text(encoding="utf-8"), visible=(SCRIPT,))


# ------------------------------------------------------------------ a real browser
def _browser() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") \
        or shutil.which("google-chrome")
    if not found:
        pytest.skip("no headless Chromium installed: the DOM checks above stand in for it")
    return found


def _ran(browser: str, page: Path) -> str | None:
    """What the planted code wrote on ``<body>`` once Chromium loaded ``page`` (None: no run)."""
    done = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                           "--virtual-time-budget=2000", "--dump-dom", page.as_uri()],
                          capture_output=True, text=True, timeout=120, check=True)
    return lxml.html.document_fromstring(done.stdout).find("body").get("data-ran")


def test_the_policy_stops_a_script_that_got_into_a_page(planted, tmp_path: Path) -> None:
    """A script and a handler forced into the rendered sheet (as an escaping bug would) do
    not run in Chromium; without the policy the same page runs them (the check can fail)."""
    browser = _browser()
    sheet = planted.feedback.html.read_text(encoding="utf-8")
    evil = ("<script>document.body.setAttribute('data-ran', 'script')</script>"
            "<img src=x onerror=\"document.body.setAttribute('data-ran', 'handler')\">")
    guarded, bare = tmp_path / "guarded.html", tmp_path / "bare.html"
    guarded.write_text(sheet.replace("</body>", evil + "</body>"), encoding="utf-8")
    bare.write_text(sheet.replace(CSP_META, "").replace("</body>", evil + "</body>"),
                    encoding="utf-8")
    assert _ran(browser, guarded) is None
    assert _ran(browser, bare) in ("script", "handler")
