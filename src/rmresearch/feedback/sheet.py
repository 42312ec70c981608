"""The feedback sheet a mentor hands to the senior leader: an HTML page and a Word document.

The sheet is built once as a list of `Block` (headings, paragraphs, quotes, bullet lists,
tables, pictures) from a `rmresearch.feedback.evidence.PairFeedback`, then rendered twice, so the
page and the document say the same thing. It is plain language, has no code, and is
pseudonymised for everyone; only the leader it is addressed to may be named, when the mentor
chooses (``reveal_leader``). Both files are written atomically, and the same input gives the
same bytes (the Word document's dates are fixed to the pair's latest document).

Also here: publishing a pair's tables through a report context (`publish_feedback`), the two
small figures, running the ``mentor_feedback`` notebook for one pair (`run_feedback`, used by
``rmresearch feedback``) and the report-batch hook (`feedback_jobs`).

Small-cell suppression: the sheet is a private document for one leader about their own
practice, and its counts are of passages in that pair's notes, not of people, so the feedback
notebook and ``rmresearch feedback`` default to ``min_cell=0`` (no suppression). The report
batch keeps its own ``min_cell`` for everything it publishes, feedback sheets included; when
counts are suppressed, the figures are left off the sheet (bar lengths would show them).
Staff are protected separately: they are quoted word for word only when at least
``staff_min`` staff notes came in, and their quotes carry no date.
"""
from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Sequence

import pandas as pd

from ..analysis.coded import LEVELS
from ..atomic import atomic_write_bytes, atomic_write_text
from ..errors import FeedbackRunError, RmResearchError
from .evidence import LEVEL_ABOUT, STATUS, PairFeedback, pair_documents

if TYPE_CHECKING:  # pragma: no cover
    from ..report.batch import Job
    from ..report.context import ReportContext

__all__ = ["SECTIONS", "Block", "SheetNames", "sheet_names", "sheet_blocks", "render_html",
           "render_docx", "write_sheet", "write_for", "publish_feedback", "show_figure",
           "profile_figure",
           "change_figure", "sheet_paths", "check_pair_exists", "run_feedback", "feedback_jobs",
           "FeedbackRun",
           "FeedbackRunError", "NOTEBOOK"]

NOTEBOOK = "mentor_feedback.ipynb"
SECTIONS = {
    "about": "About this sheet",
    "profile": "Your profile across the four levels",
    "good": "Good practice",
    "attention": "Areas requiring attention",
    "congruence": "Said in private, seen in public",
    "change": "What changed over the sessions",
    "gaps": "Gaps: prompts for the next session",
    "staff": "What staff say: the 360-degree view",
    "method": "How this sheet was made",
}
_GOOD, _ATT = "#2E7D32", "#C62828"


# --------------------------------------------------------------------------- names
@dataclass(frozen=True)
class SheetNames:
    """Who the sheet names: ``leader`` and ``mentor`` as printed; ``leader_pseudonym`` is the
    pseudonym the quotes use for the leader (None when nothing is pseudonymised);
    ``revealed`` says the leader's real name replaces it."""

    leader: str
    mentor: str
    leader_pseudonym: str | None = None
    revealed: bool = False
    pseudonymised: bool = True


def _first(values: pd.Series) -> str:
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def sheet_names(ctx: "ReportContext", pair: str, reveal_leader: bool = False) -> SheetNames:
    """The names a pair's sheet uses, from the report context's pseudonym key.

    The leader is "Leader X" and the mentor "Mentor X" (the pair's letter); with
    ``reveal_leader`` the leader's real name (``PseudonymKey.reverse``) replaces "Leader X" on
    the sheet, and nobody else's. Without pseudonymisation the names are the real ones.
    """
    docs = pair_documents(ctx.project.documents, pair)
    real_leader = _first(docs["mentee"]) if "mentee" in docs.columns else ""
    real_mentor = _first(docs["mentor"]) if "mentor" in docs.columns else ""
    ps = ctx.publisher.pseudonymiser
    if ps is None:
        return SheetNames(real_leader or "the leader", real_mentor or "your mentor", None,
                          revealed=False, pseudonymised=False)

    def pseudonym(role: str, real: str, fallback: str) -> str:
        found = [p.pseudonym for p in ps.key.people if p.role == role and pair in p.pairs]
        if found:
            return found[0]
        return ps.label(real) if real else fallback

    leader_p = pseudonym("leader", real_leader, "the leader")
    mentor_p = pseudonym("mentor", real_mentor, "your mentor")
    leader = leader_p
    if reveal_leader and ps.key.person(leader_p) is not None:
        leader = ps.key.reverse(leader_p)
    return SheetNames(leader, mentor_p, leader_p, revealed=leader != leader_p)


# --------------------------------------------------------------------------- blocks
@dataclass
class Block:
    """One piece of the sheet.

    ``kind``: ``title``, ``h1``, ``h2``, ``p``, ``quote`` (``text`` and ``where``),
    ``bullets`` (``items``: strings or (bold lead, rest) pairs), ``table`` (``header`` and
    ``rows`` of strings) or ``image`` (PNG ``data``, ``text`` as its description).
    """

    kind: str
    text: str = ""
    where: str = ""
    items: list[Any] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    data: bytes = b""
    section: str = ""


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _num(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _level(code: str) -> str:
    return f"{code.capitalize()} level"


def _nice(iso: str) -> str:
    try:
        day = date.fromisoformat(str(iso)[:10])
    except ValueError:
        return ""
    return f"{day.day} {day.strftime('%B %Y')}"


def _findings(fb: PairFeedback, valence: str, key: str) -> list[Block]:
    blocks = [Block("h1", SECTIONS[key], section=key)]
    intro = ("What is already working well, level by level, with the passages that show it."
             if valence == "positive" else
             "What would most help staff if it changed, level by level, with the passages "
             "that show it. These are for discussion, not judgement.")
    blocks.append(Block("p", intro, section=key))
    summary = fb.summary.set_index(["code", "valence"])
    for code in LEVELS:
        blocks.append(Block("h2", _level(code), section=key))
        quotes = fb.quotes[(fb.quotes["code"] == code) & (fb.quotes["valence"] == valence)]
        if quotes.empty:
            blocks.append(Block("p", "Nothing recorded at this level yet.", section=key))
            continue
        row = summary.loc[(code, valence)] if (code, valence) in summary.index else None
        if row is not None and row["sources"]:
            blocks.append(Block("p", f"Found in: {row['sources']}.", section=key))
        for q in quotes.sort_values("rank").itertuples():
            blocks.append(Block("quote", q.quote, where=q.where, section=key))
    return blocks


def sheet_blocks(fb: PairFeedback, names: SheetNames, *,
                 figures: dict[str, bytes] | None = None, min_cell: int = 0) -> list[Block]:
    """The sheet's content, in order (see `SECTIONS` for the headings).

    Parameters
    ----------
    fb : the pair's feedback, pseudonymised (and, when published with suppression, with
        suppressed counts).
    names : who is named (`sheet_names`).
    figures : PNG bytes by name (``profile``, ``change``) to include; leave out when counts
        are suppressed.
    min_cell : the suppression threshold the counts went through (0: none), for the note.
    """
    figures = figures or {}
    title = f"Reverse mentoring feedback for {names.leader}"
    blocks = [Block("title", title)]
    cohort = f", cohort {fb.cohort}" if fb.cohort else ""
    latest = _nice(fb.period.get("last", ""))
    span = fb.period.get("text", "")
    blocks.append(Block("p", f"From {names.mentor} (mentoring pair {fb.pair}{cohort})."
                        + (f" {_sentence(span)}." if span else "")
                        + (f" Based on the notes up to {latest}." if latest else "")))

    # about
    staff = ", and anonymous notes from staff who work with you" if fb.has_staff else ""
    blocks += [
        Block("h1", SECTIONS["about"], section="about"),
        Block("p", "This sheet brings together what came up during our reverse mentoring: "
                   "what you said in our one-to-one interviews, what was seen when you were "
                   "observed in meetings and when your department was visited, and what was "
                   f"written in the reflective journals{staff}.", section="about"),
        Block("p", "It follows the four levels at which a leader's practice affects equality, "
                   "diversity and inclusion:", section="about"),
        Block("bullets", items=[(code.capitalize() + ":", LEVEL_ABOUT[code] + ".")
                                for code in LEVELS], section="about"),
        Block("p", "At each level it shows areas of good practice as well as areas requiring "
                   "attention. The aim is shared learning, not catching anyone out.",
              section="about"),
    ]
    if names.pseudonymised:
        who = "Other people are not named: they appear" if names.revealed else \
            f"People are not named: you appear as {names.leader}, and other people"
        blocks.append(Block("p", "The sheet is confidential to you and your mentor. "
                                 f"{who} as Person 1, Person 2 and so on.", section="about"))
    for note in fb.notes:
        blocks.append(Block("p", note, section="about"))

    # profile
    blocks += [Block("h1", SECTIONS["profile"], section="profile"),
               Block("p", "How many passages in the mentoring notes fall at each level, and "
                          "whether they describe good practice or an area requiring "
                          "attention. A passage is a sentence or a short answer; one passage "
                          "can sit at more than one level.", section="profile")]
    header = ["Level", "Good practice", "Requiring attention", "All passages",
              "Said in interview", "Seen in public", "In journals"]
    rows = [[r.code.capitalize(), _cell(r.n_positive), _cell(r.n_attention), _cell(r.n),
             _cell(r.n_said), _cell(r.n_seen), _cell(r.n_journal)]
            for r in fb.profile.itertuples()]
    blocks.append(Block("table", header=header, rows=rows, section="profile"))
    totals = {r.code: _num(r.n) for r in fb.profile.itertuples()}
    if all(v is not None for v in totals.values()) and any(totals.values()):
        top = max(LEVELS, key=lambda c: (totals[c], -LEVELS.index(c)))
        empty = [c for c in LEVELS if totals[c] == 0]
        text = f"Most of the evidence so far is at the {top} level."
        if empty:
            text += " There is nothing yet at the " + " or ".join(empty) + " level" + \
                    ("s" if len(empty) > 1 else "") + " (see the gaps below)."
        blocks.append(Block("p", text, section="profile"))
    if "profile" in figures:
        blocks.append(Block("image", "Passages at each level: good practice and areas "
                                     "requiring attention.", data=figures["profile"],
                            section="profile"))

    blocks += _findings(fb, "positive", "good")
    blocks += _findings(fb, "attention", "attention")
    blocks += _congruence(fb)
    blocks += _change(fb, figures)
    blocks += _gaps(fb)
    if fb.has_staff:
        blocks += _staff(fb)

    method = ("Passages from the notes were sorted into the four levels, and into good "
              "practice or areas requiring attention, by the rmresearch coding tool; your "
              "mentor can show you the full notes behind any quote. Counts are of passages, "
              "not of people. Questions the mentor asked in interviews are not counted as "
              "evidence about you.")
    if min_cell > 0:
        method += f" Counts from 1 to {min_cell - 1} are shown as <{min_cell}."
    blocks += [Block("h1", SECTIONS["method"], section="method"),
               Block("p", method, section="method")]
    if names.revealed and names.leader_pseudonym:
        blocks = _reveal(blocks, names.leader_pseudonym, names.leader)
    return blocks


def _congruence(fb: PairFeedback) -> list[Block]:
    key = "congruence"
    blocks = [Block("h1", SECTIONS[key], section=key),
              Block("p", "Does what you said in private, in our one-to-one interviews, show in "
                         "how you act in public: in the meetings you were observed in and in "
                         "your department? Something said and also seen is stronger evidence "
                         "than something only said.", section=key)]
    rows = [[r.code.capitalize(), r.finding.capitalize(), _cell(r.n_said), _cell(r.n_seen),
             r.statement] for r in fb.congruence.itertuples()]
    blocks.append(Block("table", header=["Level", "Finding", "Said in interview",
                                         "Seen in public", "What this means"], rows=rows,
                        section=key))
    said_only = fb.congruence[fb.congruence["status"] == STATUS[1]]
    seen_only = fb.congruence[fb.congruence["status"] == STATUS[2]]
    blocks.append(Block("h2", "Said in private, not yet seen in public", section=key))
    if said_only.empty:
        blocks.append(Block("p", "Nothing: whatever came up in interview has also been seen "
                                 "in public, or nothing came up yet.", section=key))
    for r in said_only.itertuples():
        blocks.append(Block("p", f"{_level(r.code)}, {r.finding}:", section=key))
        blocks.append(Block("quote", r.said_quote, where=r.said_where, section=key))
    if len(seen_only):
        blocks.append(Block("h2", "Seen in public, not raised in interview", section=key))
        for r in seen_only.itertuples():
            blocks.append(Block("p", f"{_level(r.code)}, {r.finding}:", section=key))
            blocks.append(Block("quote", r.seen_quote, where=r.seen_where, section=key))
    return blocks


def _change(fb: PairFeedback, figures: dict[str, bytes]) -> list[Block]:
    key = "change"
    blocks = [Block("h1", SECTIONS[key], section=key)]
    text = fb.period.get("text", "")
    blocks.append(Block("p", f"How the findings moved across the sessions ({text}): good "
                             "practice and areas requiring attention recorded in each session, "
                             "level by level." if text else "How the findings moved across "
                             "the sessions.", section=key))
    if fb.change.empty:
        blocks.append(Block("p", "No session-by-session notes yet.", section=key))
        return blocks
    header = ["Session", "Dates"] + [c.capitalize() for c in LEVELS]
    rows = []
    for ses, cell in fb.change.groupby("session", sort=True):
        first = cell.iloc[0]
        dates = _nice(first["date_from"])
        if first["date_to"] and first["date_to"] != first["date_from"]:
            dates = f"{dates} to {_nice(first['date_to'])}"
        by_code = cell.set_index("code")
        rows.append([str(ses), dates] + [
            f"{_cell(by_code.loc[c, 'n_positive'])} good, "
            f"{_cell(by_code.loc[c, 'n_attention'])} attention" if c in by_code.index else ""
            for c in LEVELS])
    blocks.append(Block("table", header=header, rows=rows, section=key))
    blocks.append(Block("bullets", items=[(r.code.capitalize() + ":", r.statement)
                                          for r in fb.change_summary.itertuples()],
                        section=key))
    if "change" in figures:
        blocks.append(Block("image", "Good practice and areas requiring attention by session "
                                     "and level.", data=figures["change"], section=key))
    return blocks


def _gaps(fb: PairFeedback) -> list[Block]:
    key = "gaps"
    blocks = [Block("h1", SECTIONS[key], section=key),
              Block("p", "Where there is no evidence yet. These are not failings: they are "
                         "prompts for what to ask about or look at in the next session.",
                    section=key)]
    if fb.gaps.empty:
        blocks.append(Block("p", "No gaps: every level has evidence from interview and from "
                                 "observation or inspection, with both good practice and areas "
                                 "requiring attention.", section=key))
        return blocks
    blocks.append(Block("bullets", items=[(r.gap, r.prompt) for r in fb.gaps.itertuples()],
                        section=key))
    return blocks


def _staff(fb: PairFeedback) -> list[Block]:
    key = "staff"
    n = fb.n_staff_notes
    blocks = [Block("h1", SECTIONS[key], section=key),
              Block("p", f"{n} anonymous note{'s' if n != 1 else ''} from staff who work with "
                         "you, sorted into the same levels and shown beside what the mentoring "
                         "notes found.", section=key)]
    rows = [[r.code.capitalize(), _cell(r.n_staff_positive), _cell(r.n_staff_attention),
             _cell(r.n_mentor_positive), _cell(r.n_mentor_attention), r.comparison]
            for r in fb.staff.itertuples()]
    blocks.append(Block("table", header=["Level", "Staff: good practice",
                                         "Staff: requiring attention",
                                         "Mentoring notes: good practice",
                                         "Mentoring notes: requiring attention", "Comparison"],
                        rows=rows, section=key))
    if not fb.staff_quoted:
        blocks.append(Block("p", f"Staff are not quoted word for word: fewer than "
                                 f"{fb.staff_min} notes came in, and quoting them could show "
                                 "who wrote what.", section=key))
        return blocks
    for code in LEVELS:
        quotes = fb.staff_quotes[fb.staff_quotes["code"] == code]
        if quotes.empty:
            continue
        blocks.append(Block("h2", f"Staff on the {code} level", section=key))
        for q in quotes.sort_values(["valence", "rank"], ascending=[False, True]).itertuples():
            label = "good practice" if q.valence == "positive" else "requiring attention"
            blocks.append(Block("quote", q.quote, where=f"{q.where}, {label}", section=key))
    return blocks


def _reveal(blocks: list[Block], pseudonym: str, name: str) -> list[Block]:
    pattern = re.compile(re.escape(pseudonym) + r"(?![A-Za-z0-9])")

    def sub(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(name, value)
        if isinstance(value, tuple):
            return tuple(sub(v) for v in value)
        if isinstance(value, list):
            return [sub(v) for v in value]
        return value

    return [Block(b.kind, sub(b.text), sub(b.where), sub(b.items), sub(b.header), sub(b.rows),
                  b.data, b.section) for b in blocks]


# --------------------------------------------------------------------------- rendering
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


def render_html(blocks: Sequence[Block]) -> str:
    """The sheet as one self-contained HTML page (pictures embedded)."""
    esc = html.escape
    title = next((b.text for b in blocks if b.kind == "title"), "Feedback")
    out = ["<!DOCTYPE html>", '<html lang="en-GB">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{esc(title)}</title>", f"<style>{_CSS.strip()}</style>", "</head>",
           "<body>"]
    for b in blocks:
        if b.kind == "title":
            out.append(f"<h1>{esc(b.text)}</h1>")
        elif b.kind == "h1":
            out.append(f'<h2 id="{esc(b.section)}">{esc(b.text)}</h2>')
        elif b.kind == "h2":
            out.append(f"<h3>{esc(b.text)}</h3>")
        elif b.kind == "p":
            out.append(f"<p>{esc(b.text)}</p>")
        elif b.kind == "quote":
            out.append(f"<blockquote><p>\u201c{esc(b.text)}\u201d</p>"
                       f"<footer>{esc(b.where)}</footer></blockquote>")
        elif b.kind == "bullets":
            items = [f"<li><strong>{esc(i[0])}</strong> {esc(i[1])}</li>"
                     if isinstance(i, tuple) else f"<li>{esc(i)}</li>" for i in b.items]
            out.append("<ul>" + "".join(items) + "</ul>")
        elif b.kind == "table":
            head = "".join(f'<th scope="col">{esc(h)}</th>' for h in b.header)
            body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>"
                           for row in b.rows)
            out.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        elif b.kind == "image":
            data = base64.b64encode(b.data).decode("ascii")
            out.append(f'<figure><img src="data:image/png;base64,{data}" alt="{esc(b.text)}">'
                       f"<figcaption>{esc(b.text)}</figcaption></figure>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


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


# --------------------------------------------------------------------------- in a report
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


def show_figure(ctx: "ReportContext", fb: PairFeedback, name: str) -> Any:
    """Publish figure ``name`` (``profile`` or ``change``) of ``fb`` and return it for display;
    when the context suppresses small counts, publish nothing and return a note instead (bar
    lengths would show the hidden counts)."""
    if ctx.publisher.min_cell > 0:
        from IPython.display import Markdown

        return Markdown(f"*The {name} figure is left out: counts below "
                        f"{ctx.publisher.min_cell} are suppressed in this run.*")
    draw = {"profile": lambda: profile_figure(fb.profile),
            "change": lambda: change_figure(fb.change)}[name]
    return ctx.figure(draw(), name)


# --------------------------------------------------------------------------- figures
def _style() -> None:
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(style="whitegrid", context="notebook", font="DejaVu Sans")
    plt.rcParams["svg.hashsalt"] = "rmresearch"


def profile_figure(profile: pd.DataFrame) -> Any:
    """Horizontal bars per level: good practice (green) and areas requiring attention (red)."""
    import matplotlib.pyplot as plt
    import numpy as np

    _style()
    fig, ax = plt.subplots(figsize=(6.4, 2.8))
    labels = [c.capitalize() for c in profile["code"]][::-1]
    pos = np.arange(len(labels))
    good = profile["n_positive"].astype(float).to_numpy()[::-1]
    att = profile["n_attention"].astype(float).to_numpy()[::-1]
    ax.barh(pos + 0.2, good, height=0.4, color=_GOOD, label="good practice")
    ax.barh(pos - 0.2, att, height=0.4, color=_ATT, label="requiring attention")
    ax.set_yticks(pos, labels)
    ax.set_xlabel("passages")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=9,
              frameon=False)
    fig.tight_layout()
    return fig


def change_figure(change: pd.DataFrame) -> Any:
    """One small panel per level: good practice and attention in each session."""
    import matplotlib.pyplot as plt
    import numpy as np

    _style()
    fig, axes = plt.subplots(1, len(LEVELS), figsize=(8, 2.7), sharey=True)
    sessions = sorted(change["session"].unique()) if len(change) else []
    pos = np.arange(len(sessions))
    for ax, code in zip(axes, LEVELS):
        cell = change[change["code"] == code].set_index("session").reindex(sessions)
        ax.bar(pos - 0.2, cell["n_positive"].fillna(0).astype(float), width=0.4, color=_GOOD,
               label="good practice")
        ax.bar(pos + 0.2, cell["n_attention"].fillna(0).astype(float), width=0.4, color=_ATT,
               label="requiring attention")
        ax.set_xticks(pos, [str(s) for s in sessions])
        ax.set_title(code.capitalize(), fontsize=10)
        ax.set_xlabel("session", fontsize=9)
    axes[0].set_ylabel("passages")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=2, fontsize=9, frameon=False)
    fig.tight_layout(rect=(0, 0.1, 1, 1))
    return fig


# --------------------------------------------------------------------------- running
@dataclass
class FeedbackRun:
    """What `run_feedback` wrote: the sheet (``html``, ``docx``), the executed notebook and
    its rendering (code hidden), and the run time in seconds."""

    pair: str
    html: Path
    docx: Path
    executed: Path
    notebook_html: Path
    duration: float


def _known_pairs(data: Path | None, store: Path | None) -> tuple[list[str], Path]:
    from .evidence import known_pairs

    if data is not None:
        from ..ingest.manifest import find_manifest, read_manifest

        manifest = find_manifest(data)
        return known_pairs(read_manifest(manifest)), manifest
    from ..store import ProjectStore

    if not store.is_file():
        raise RmResearchError(f"{store} does not exist; give --data to build it, or the path "
                              "of an existing project store.")
    with ProjectStore.open(store) as st:
        return known_pairs(st.documents()), store


def check_pair_exists(pair: str, data: str | Path | None = None,
                      store: str | Path | None = None) -> None:
    """Raise `InputError` (naming the known pairs) if ``pair`` is not in the data or store.

    Cheap: reads the manifest (or the store's documents), never codes anything.
    """
    from ..errors import InputError, join_allowed
    from ..project import find_path

    if not data and not store:
        raise InputError("give a data folder (--data) or a project store (--store).")
    pairs, where = _known_pairs(find_path(data) if data else None,
                                find_path(store) if store else None)
    if pair not in pairs:
        raise InputError(f"There is no mentoring pair '{pair}' in the data.", path=where,
                         allowed=join_allowed(pairs) or "(none: the data holds no pair)")


def run_feedback(data: str | Path | None, pair: str, output: str | Path, *,
                 store: str | Path | None = None, reveal_leader: bool = False,
                 pseudonymise: bool = True, key: str | Path | None = None, min_cell: int = 0,
                 quotes: int = 3, staff_min: int = 3, seed: int = 42,
                 codebook: str | Path | None = None) -> FeedbackRun:
    """Run the ``mentor_feedback`` notebook for one pair with papermill.

    Writes into ``output``: the sheet (``feedback_<pair>.html`` and ``.docx``), the tables
    and figures it draws on (``tables/``, ``figures/``), and the executed notebook with its
    rendering for the mentor (``notebook/mentor_feedback.ipynb`` and ``.html``, code hidden).
    The pair is checked before anything runs.

    Raises
    ------
    InputError
        Unknown pair (the message lists the known ones), or bad data.
    FeedbackRunError
        The notebook stopped for another reason (exit code 1); the partly run notebook is
        kept.
    """
    import time

    import papermill as pm

    from ..project import find_path
    from ..report.batch import notebook_dir, render_html as render_notebook

    started = time.perf_counter()
    check_pair_exists(pair, data, store)
    out = find_path(output).resolve()
    template = notebook_dir() / NOTEBOOK
    executed = out / "notebook" / "mentor_feedback.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)

    def absolute(value: str | Path | None) -> str:
        return str(find_path(value).resolve()) if value else ""

    parameters = {"data": absolute(data), "store": absolute(store), "pair": pair,
                  "output": str(out), "reveal_leader": bool(reveal_leader),
                  "quotes": int(quotes), "staff_min": int(staff_min),
                  "pseudonymise": bool(pseudonymise), "key": absolute(key),
                  "min_cell": int(min_cell), "seed": int(seed), "codebook": absolute(codebook)}
    try:
        pm.execute_notebook(str(template), str(executed), parameters=parameters,
                            kernel_name="python3", progress_bar=False,
                            cwd=str(template.parent.parent))
    except pm.PapermillExecutionError as exc:
        if exc.ename in _INPUT_ERRORS:
            raise RmResearchError(f"{exc.evalue}") from None
        raise FeedbackRunError(f"the feedback notebook stopped ({exc.ename}: {exc.evalue}); "
                               f"the partly run notebook is {executed}.") from None
    notebook_html = render_notebook(executed, executed.with_suffix(".html"),
                                    f"Feedback workings, pair {pair}")
    paths = sheet_paths(out, pair)
    return FeedbackRun(pair, paths["html"], paths["docx"], executed, notebook_html,
                       round(time.perf_counter() - started, 1))


_INPUT_ERRORS = {"RmResearchError", "InputError", "ManifestError", "CodebookError",
                 "StoreError", "CodingError", "PseudonymKeyError"}


def feedback_jobs(project: Any, output: str | Path, common: dict[str, Any], *,
                  pairs: Sequence[str] | None = None,
                  cohorts: Sequence[str] | None = None) -> list["Job"]:
    """Report-batch jobs: one ``mentor_feedback`` notebook per pair.

    Parameters
    ----------
    project : the batch's `Project` (its documents give the pairs).
    output : the batch output folder; each pair writes into ``output/feedback/<pair>/``
        (sheet, tables, figures); the executed notebook goes to
        ``output/notebooks/feedback_<pair>.ipynb`` and its page to
        ``output/feedback_<pair>.html``, like the other appendices.
    common : the parameters every batch notebook gets (``data``, ``store``, ``pseudonymise``,
        ``key``, ``min_cell``, ``seed``, ``codebook``). The batch's ``min_cell`` is kept:
        whatever the batch publishes follows its suppression rule. The leader is never
        named in a batch (``reveal_leader`` False).
    pairs : only these pairs (unknown ones raise `InputError` naming the known pairs).
    cohorts : only pairs of these cohorts (default: every pair).
    """
    from .evidence import check_pair, known_pairs
    from ..report.batch import Job, notebook_dir

    docs = project.documents
    if cohorts:
        docs = docs[docs["cohort"].isin(list(cohorts))]
    chosen = list(pairs) if pairs else known_pairs(docs)
    for pair in chosen:
        check_pair(project.documents, pair)
    out = Path(output).resolve()
    template = str(notebook_dir() / NOTEBOOK)
    return [Job(name=f"feedback_{pair}", title=f"Feedback sheet workings, pair {pair}",
                template=template,
                parameters={**common, "output": str(out / "feedback" / pair), "pair": pair,
                            "reveal_leader": False},
                executed=str(out / "notebooks" / f"feedback_{pair}.ipynb"),
                html=str(out / f"feedback_{pair}.html"))
            for pair in chosen]
