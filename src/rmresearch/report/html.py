"""Safe HTML for every published page: the one escaping table renderer and the page policy.

Every value that reaches a published page (appendices, the index, the feedback sheet and its
workings) is text from hostile or careless input files: transcript lines, doc_ids, cohort and
pair names. Two rules hold for all of them:

- **Escape.** Values are inserted with `escape`; tables go through `table_html` (rows of
  values) or `frame_html` (a DataFrame, for notebooks), the one table renderer, which escapes
  every header, cell and caption.
- **No script, no network.** Every page carries `CSP_META` (scripts, frames, plugins,
  forms and remote loads forbidden; inline styles and ``data:`` images allowed, which is all
  the pages use) and is checked by `check_page` before it is written: no ``<script>``, no
  ``on...`` attribute, no remote or ``javascript:`` address.

Notebook pages are rendered by nbconvert's ``lab`` template through `NOTEBOOK_TEMPLATE`, which
drops the require.js, MathJax, Mermaid and widget scripts that template loads from a CDN.
"""
from __future__ import annotations

import html
import math
import re
from typing import Any, Iterable, Sequence

import pandas as pd

from ..errors import RmResearchError

__all__ = ["CSP", "CSP_META", "NOTEBOOK_TEMPLATE", "escape", "cell_text", "table_html",
           "frame_html", "people_frame", "sentences_html", "page_problems", "check_page"]

#: The Content-Security-Policy of every published page: nothing runs, nothing is fetched.
CSP = ("default-src 'none'; script-src 'none'; object-src 'none'; frame-src 'none'; "
       "base-uri 'none'; form-action 'none'; img-src data:; font-src data:; "
       "style-src 'unsafe-inline'")
#: The ``<meta>`` element that carries `CSP`; the first element of every page's ``<head>``.
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'

#: nbconvert template (``lab`` look) for report pages: no script blocks, the CSP first.
NOTEBOOK_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head -%}
""" + CSP_META + """
{{ super() }}
{%- endblock html_head -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block data_javascript -%}{%- endblock data_javascript -%}
{%- block data_widget_view -%}{%- endblock data_widget_view -%}
{%- block footer_js -%}{%- endblock footer_js -%}
"""

_FORBIDDEN_TAGS = ("script", "iframe", "frame", "object", "embed", "applet", "base", "form")
_ADDRESS_ATTRIBUTES = ("src", "href", "action", "formaction", "poster", "data", "srcset",
                       "xlink:href", "background", "ping")
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//|\\\\)", re.IGNORECASE)
_LOCAL_SCHEMES = re.compile(r"^\s*(?:data:image/(?:png|jpeg|gif|svg\+xml)[;,]|#)",
                            re.IGNORECASE)
_CSS_REMOTE = re.compile(r"@import|url\(\s*['\"]?\s*(?!data:|#)[a-z/\\]", re.IGNORECASE)


def escape(value: Any) -> str:
    """``value`` as text safe anywhere in HTML (element content or a quoted attribute)."""
    return html.escape("" if value is None else str(value), quote=True)


def cell_text(value: Any) -> str:
    """How a table cell reads: numbers as pandas' table display shows them (floats to six
    decimals), lists one item a line, missing values empty; not yet escaped."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(cell_text(v) for v in value)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) or (hasattr(value, "dtype") and value.dtype.kind == "f"):
        return "" if math.isnan(float(value)) else f"{float(value):.6f}"
    if value is pd.NA or value is pd.NaT:
        return ""
    return str(value)


def _cell(value: Any) -> str:
    return escape(cell_text(value)).replace("\n", "<br>")


def table_html(header: Sequence[Any], rows: Iterable[Sequence[Any]], *,
               caption: str | None = None) -> str:
    """The one table renderer: every header, cell and caption escaped.

    Parameters
    ----------
    header : sequence
        Column headings.
    rows : iterable of sequences
        Cell values (any type: see `cell_text`); line breaks in a cell are kept.
    caption : str, optional
        The table's caption.

    Returns
    -------
    str
        A ``<table>`` element.
    """
    head = "".join(f'<th scope="col">{_cell(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f"<td>{_cell(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    cap = f"<caption>{_cell(caption)}</caption>" if caption else ""
    return f"<table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


#: columns holding p-values (shown with three decimals, "< 0.001" below that)
P_COLUMNS = re.compile(r"^(?:p|q|p_?value|p_adj(?:usted)?|p_bh|p_holm|p_.*|(?:adjusted )?p)$",
                       re.IGNORECASE)
#: columns whose long values (survey questions) are shortened to Q1, Q2 ... with a legend
QUESTION_COLUMNS = ("question", "question_id", "item")
LONG = 32
CANNOT = "-"


def _number(value: Any, p_value: bool) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return CANNOT
    if p_value:
        return "< 0.001" if float(value) < 0.001 else f"{float(value):.3f}"
    return f"{float(value):.2f}"


#: why a statistic cannot be computed, for the columns where the reason is always the same
WHY_NOT: dict[str, str] = {
    "kappa": "Cohen's kappa compares exactly two coders; with more, read alpha and AC1",
    "dof": "Fisher's exact test has no degrees of freedom",
    "sd": "a standard deviation needs at least two answers",
}


def _why(col: Any, all_missing: bool, has_note: bool) -> str:
    name = str(col)
    for key, reason in WHY_NOT.items():
        if name == key or name.startswith(f"{key}_"):
            return f"{CANNOT} in {name}: {reason}."
    where = "any row" if all_missing else "that row"
    tail = "; the note column says why" if has_note else ""
    return f"{CANNOT} in {name}: could not be computed for {where} (too few cases, or no " \
           f"variation){tail}."


def _shown(values: pd.Series, p_value: bool) -> list[str]:
    numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)
               and not pd.isna(v)]
    whole = all(float(v).is_integer() for v in numbers) and not p_value
    out = []
    for v in values:
        if isinstance(v, str):
            out.append(v)  # a suppression marker or text already meant for people
        elif v is None or (not isinstance(v, bool) and pd.isna(v)):
            out.append(CANNOT)
        else:
            out.append(str(int(v)) if whole else _number(v, p_value))
    return out


def people_frame(df: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``df`` as people read it, and the notes it needs: floats to two decimals (whole numbers
    as whole numbers), p-values to three ("< 0.001"), a statistic that could not be computed
    as "-" with a note saying why (`WHY_NOT`), long survey questions as Q1, Q2 ... (the
    notes give the legend). Numbers among suppression markers ("<5") are formatted too."""
    out, notes, legend = df.copy(), [], {}
    has_note = "note" in df.columns
    for col in df.columns:
        values = df[col]
        floats = values.dtype.kind == "f" or (values.dtype == object and any(
            isinstance(v, float) for v in values))
        if floats:
            out[col] = _shown(values, bool(P_COLUMNS.match(str(col))))
            missing = values.map(lambda v: not isinstance(v, str) and pd.isna(v))
            if missing.any():
                notes.append(_why(col, bool(missing.all()), has_note))
        elif str(col).lower() in QUESTION_COLUMNS and (values.dtype == object or
                                                       pd.api.types.is_string_dtype(values)):
            for v in values:
                if isinstance(v, str) and len(v) > LONG and v not in legend:
                    legend[v] = f"Q{len(legend) + 1}"
            out[col] = [legend.get(v, v) if isinstance(v, str) else v for v in values]
    notes += [f"{short}: {text}" for text, short in legend.items()]
    return out, _merged(notes)


def _merged(notes: list[str]) -> list[str]:
    """Notes giving the same reason for several columns said once ("- in kappa, kappa_low:")."""
    columns: dict[str, list[str]] = {}
    for note in notes:
        head, sep, reason = note.partition(": ")
        key = reason if head.startswith(f"{CANNOT} in ") and sep else note
        columns.setdefault(key, []).append(head[len(CANNOT) + 4:] if key == reason else "")
    return [f"{CANNOT} in {', '.join(cols)}: {key}" if cols[0] else key
            for key, cols in columns.items()]


def frame_html(df: pd.DataFrame, caption: str | None = None, max_rows: int = 60) -> str:
    """A DataFrame as a table for people (`people_frame`): no index (a named index becomes
    columns), at most ``max_rows`` rows with a note of how many more the CSV holds, notes on
    what could not be computed and a legend of shortened questions; rendered by `table_html`."""
    if not isinstance(df.index, pd.RangeIndex):
        df = df.reset_index()
    shown, notes = people_frame(df.head(max_rows))
    rows = shown.itertuples(index=False, name=None)
    more = f"<p><em>{len(df) - max_rows} more rows in the CSV.</em></p>" \
        if len(df) > max_rows else ""
    legend = "".join(f"<li>{escape(n)}</li>" for n in notes)
    return (table_html([str(c) for c in df.columns], rows, caption=caption) + more
            + (f"<ul class='notes'>{legend}</ul>" if legend else ""))


def sentences_html(sentences: Sequence[str]) -> str:
    """Sentences as HTML, every one escaped: the first a paragraph, the rest a list."""
    if not sentences:
        return ""
    rest = "".join(f"<li>{escape(s)}</li>" for s in sentences[1:])
    return f"<p>{escape(sentences[0])}</p>" + (f"<ul>{rest}</ul>" if rest else "")


def _css_problems(text: str, where: str) -> list[str]:
    return [f"{where} loads a style or image from elsewhere"] if _CSS_REMOTE.search(text) else []


def _element_problems(element: Any) -> list[str]:
    tag = element.tag if isinstance(element.tag, str) else ""
    found = [f"<{tag}> element"] if tag.lower() in _FORBIDDEN_TAGS else []
    for name, value in element.attrib.items():
        lower = name.lower()
        if lower.startswith("on"):
            found.append(f"<{tag} {name}=...> event handler")
        elif lower in _ADDRESS_ATTRIBUTES and _REMOTE.match(value) \
                and not _LOCAL_SCHEMES.match(value):
            found.append(f"<{tag} {name}={value[:60]!r}> address outside the page")
        elif lower == "style":
            found += _css_problems(value, f"<{tag} style=...>")
        elif lower == "http-equiv" and value.lower() == "refresh":
            found.append("<meta http-equiv=refresh>")
    if tag.lower() == "style":
        found += _css_problems(element.text or "", "<style>")
    return found


def page_problems(page: str) -> list[str]:
    """What in ``page`` could run a script or reach the network (empty: none).

    Checked on the parsed page (lxml): script, frame, plugin, form and base elements; event
    handler attributes (``on...``); addresses other than the page's own files, ``#`` anchors
    and ``data:`` images; CSS ``@import`` or ``url()`` of anything but ``data:``; a refresh;
    and the `CSP_META` policy missing from ``<head>``.
    """
    import lxml.html

    root = lxml.html.document_fromstring(page)
    found = [p for element in root.iter() for p in _element_problems(element)]
    head = root.find("head")
    policies = [m.get("content") for m in ([] if head is None else head.iter("meta"))
                if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    if policies != [CSP]:
        found.append("the Content-Security-Policy <meta> is missing or not the package's")
    return found


def check_page(page: str, where: str) -> str:
    """Return ``page`` if `page_problems` finds nothing; else refuse to publish it.

    Raises
    ------
    RmResearchError
        The page holds a script, an event handler or a remote address (listed), which the
        escaping should have made impossible: a bug to report, not an input to fix.
    """
    problems = page_problems(page)
    if problems:
        listed = "\n".join(f"  - {p}" for p in problems[:20])
        raise RmResearchError(
            f"{where}: not published, the page would hold {len(problems)} thing(s) that can run "
            f"a script or reach the network:\n{listed}\nPublished pages may hold none; this is "
            "a bug in rmresearch, please report it with the input that caused it.")
    return page
