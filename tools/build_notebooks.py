"""Write the parameterised notebooks shipped in src/rmresearch/notebooks/ (package data) from
the cell lists below (no outputs).

Run: .venv/bin/python tools/build_notebooks.py, and commit the notebooks with this file
(tests/test_report.py fails when a committed notebook differs from what this writes). The
notebooks only call the package; every cell here is either narration (markdown) or a few
calls. The parameters cells come from `rmresearch.report.parameters`: a parameter's name,
type, default and comment are written there once.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from rmresearch.report.parameters import parameter, parameters_cell

OUT = Path(__file__).resolve().parents[1] / "src" / "rmresearch" / "notebooks"

COMMON = parameters_cell("pseudonymise", "key", "min_cell", "seed", "codebook")
SOURCE = parameters_cell("data", "store")


def output(default: str, help: str | None = None) -> str:
    """The ``output`` line of one notebook: its own default folder (and words)."""
    return parameter("output").cell_line(default, help)


def line(name: str, default: object = None, help: str | None = None) -> str:
    """A notebook-only parameter's line, optionally with this notebook's default or words."""
    found = parameter(name)
    return found.cell_line(help=help) if default is None else found.cell_line(default, help)

OPEN = '''from rmresearch import analysis
from rmresearch.report import plots
from rmresearch.report.context import open_report

ctx = open_report(data=data, store=store, output=output, pseudonymise=pseudonymise, key=key,
                  min_cell=min_cell, seed=seed, codebook=codebook)'''


def params(*lines: str) -> nbformat.NotebookNode:
    cell = new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["parameters"]
    return cell


def md(text: str) -> nbformat.NotebookNode:
    return new_markdown_cell(text.strip())


def code(text: str) -> nbformat.NotebookNode:
    return new_code_cell(text.strip())


def section(title: str, text: str) -> list:
    """A cohort appendix's section: its heading names the cohort (a markdown cell cannot
    hold a parameter, so the heading is shown by `ReportContext.heading`), then its text."""
    return [code(f'ctx.heading(f"{title}, cohort {{cohort}}", 2)'), md(text)]


def cohort_findings() -> list:
    return [
        params(SOURCE, line("cohort"),
               output("outputs/cohorts/C1", "folder for this appendix's tables and figures"),
               COMMON),
        code(OPEN + "\ncoded = ctx.coded(cohort)\nsegments = ctx.segments(cohort)\n"
             "ctx.heading(f\"Cohort {cohort} findings\")"),
        md("""
This appendix reports what mentors found about their senior leaders' practice in one cohort,
coded into the four **levels of operation** (individual, departmental, organisational,
symbolic) with a **valence**: *good practice* or *area requiring attention*. Names are
pseudonymised and small counts are suppressed unless the run says otherwise.
"""),
        *section("Findings at a glance", """
Per level, the good practice and the areas requiring attention that most pairs show, each with
one pseudonymised quote. "3 of 8 pairs" counts pairs, not sentences: a theme one pair mentions
many times is one pair. Themes are the codebook's second tier (`edi_themes.yaml`).
"""),
        code('glance = ctx.publish(ctx.glance(cohort), "findings_at_a_glance", texts=["quote"])\n'
             'ctx.publish(analysis.strongest_table(glance), "strongest_findings", '
             'texts=["finding"])\n'
             'ctx.show(analysis.glance_view(glance), f"Cohort {cohort}: findings at a glance")'),
        code("ctx.show(ctx.overview(cohort), f'What cohort {cohort} holds')"),
        *section("Findings by level, valence and source", """
How many coded passages fall at each level, whether they describe good practice or an area
requiring attention, and where they came from (interview, observation, inspection, journal,
evaluation form).
"""),
        code('counts = ctx.publish(analysis.level_counts(coded), "level_valence_source", '
             'counts=["n"])\nctx.show(analysis.counts_wide(counts, ["code", "valence"], '
             '"source"), f"Cohort {cohort}: findings by level, valence and source")'),
        code('ctx.figure(plots.level_valence_bar(analysis.level_counts(coded, by=("code", '
             '"valence")), title=f"Cohort {cohort}: findings by level and valence"), '
             '"level_valence")'),
        *section("Framework matrix", """
Pairs by level: how many passages, how many show good practice and how many an area requiring
attention, with up to three pseudonymised quotes per cell.
"""),
        code('matrix = analysis.framework_matrix(coded, quotes=3)\n'
             'published = ctx.publish(matrix, "framework_matrix", '
             'counts=["n", "n_positive", "n_attention", "n_neutral"], texts=["quotes"])\n'
             'ctx.show(analysis.framework_wide(published), f"Cohort {cohort}: framework '
             'matrix")'),
        code('ctx.figure(plots.framework_heatmap(matrix, title=f"Cohort {cohort}: findings per '
             'pair and level"), "framework_matrix")'),
        *section("Congruence (said and done)", """
Does what a leader says in private interviews (in their words, or as the mentor reports them)
agree with what is seen in public (observations, inspections)? For each pair and level, by
valence: congruent, said good practice but seen attention, said attention but seen good
practice, mixed, said only, seen only, or no evidence.
"""),
        code('cong = analysis.congruence(coded, segments)\n'
             'print(analysis.incongruence_statement(cong))\n'
             'published = ctx.publish(cong, "congruence", counts=["n_said", "n_said_positive", '
             '"n_said_attention", "n_done", "n_done_positive", "n_done_attention"])\n'
             'ctx.show(analysis.congruence_wide(published), f"Cohort {cohort}: said and seen, '
             'per pair and level")'),
        code('ctx.figure(plots.congruence_chart(cong, title=f"Cohort {cohort}: said and seen, '
             'pairs per level"), "congruence")'),
        *section("Cohort-wide learning", """
The common areas of good practice and the common areas requiring attention across pairs, with
how many pairs show each.
"""),
        code('learning = analysis.cohort_learning(coded)\n'
             'published = ctx.publish(learning, "cohort_learning", texts=["area", "example"])\n'
             'ctx.show(analysis.learning_view(published), f"Cohort {cohort}: cohort-wide '
             'learning")'),
        *section("Evaluation forms", """
Participants' 1-10 ratings by role and stage, the change between the first and last stage,
and what their free-text answers said, coded into the levels.
"""),
        code('responses = ctx.responses(cohort)\nitems = analysis.survey_items(responses)\n'
             'ctx.show(ctx.publish(items, "survey_items", counts=["n"], linked=["mean", '
             '"median", "sd"]), f"Cohort {cohort}: ratings by role and stage")'),
        code('ctx.show(ctx.publish(ctx.survey_change(responses), "survey_change", '
             'counts=["n_respondents"]), f"Cohort {cohort}: change in ratings")'),
        code('ctx.figure(plots.survey_plot(items, title=f"Cohort {cohort}: evaluation scores '
             '(1-10) by stage"), "survey_items")'),
        code('form_coded = coded[coded["source"] == "feedback_form"]\n'
             'free = ctx.publish(analysis.level_counts(form_coded, by=("code", "valence")), '
             '"free_text_levels", counts=["n"])\n'
             'ctx.show(analysis.counts_wide(free, ["code"], "valence"), f"Cohort {cohort}: '
             'levels of the free-text answers")'),
    ]


def cohort_comparison() -> list:
    return [
        md("""
# Cohort comparison

How the cohorts differ in the levels and valence of their findings and in their 1-10 ratings.
Every family of tests is corrected for multiple comparisons (Benjamini-Hochberg); only the
differences that survive the correction are named below, in words. The tables after them
give every test, significant or not.
"""),
        params(SOURCE, line("cohorts", help="comma-separated cohorts to compare (empty: all)"),
               output("outputs/comparison"), COMMON),
        code(OPEN + "\ncoded = ctx.coded(cohorts)\nsegments = ctx.segments(cohorts)\n"
             "responses = ctx.responses(cohorts)\n"
             'compared = "Cohorts " + ", ".join(analysis.category_order("cohort", '
             'segments["cohort"]))'),
        md("""
## What differs between the cohorts
Differences whose adjusted p-value is below 0.05. Pairs are counted once however often they
mention a finding, so one talkative pair cannot make a difference on its own.
"""),
        code('pair_tests = ctx.publish(analysis.compare_pairs(coded, segments), "pair_tests")\n'
             'dist = ctx.publish(analysis.level_distribution(coded, segments, by="cohort"), '
             '"level_distribution", counts=["n"], linked=["prop"])\n'
             'valences = ctx.publish(analysis.valence_distribution(coded), '
             '"valence_distribution", counts=["n"], linked=["prop"])\n'
             'cohort_tests = ctx.publish(analysis.compare_cohorts(coded, segments), '
             '"cohort_tests")\n'
             'stage_tests = ctx.publish(analysis.compare_stages(responses), "stage_tests", '
             'counts=["n_a", "n_b"], linked=["mean_a", "mean_b"])\n'
             'ctx.say(analysis.differences_in_words(pair_tests, cohort_tests, stage_tests, '
             'distribution=dist, valences=valences))'),
        md("""
## Pairs with each kind of finding
How many of each cohort's mentoring pairs recorded good practice, and an area requiring
attention, at each level; the adjusted p-value tests whether the cohorts differ.
"""),
        code('ctx.show(analysis.pairs_wide(pair_tests), f"{compared}: pairs with each kind of '
             'finding")'),
        md("""
## Level of the findings by cohort
Segments (sentences and answers) coded at each level, and their share of the cohort's
segments. A segment coded at two levels counts under both.
"""),
        code('ctx.show(analysis.distribution_wide(dist), f"{compared}: segments coded at each '
             'level")'),
        code('ctx.figure(plots.cohort_comparison_plot(dist, title=f"{compared}: share of '
             'segments coded at each level"), "level_distribution")'),
        md("""
## Tests of the level and valence mix
Each row tests whether the share of segments at a level (or the valence mix of the findings)
differs between cohorts: chi-square, or Fisher's exact test for a small 2x2 table, with
Cramér's V as the effect size. `p_adj` is the Benjamini-Hochberg adjusted p-value.
"""),
        code('ctx.show(cohort_tests, f"{compared}: tests of the level and valence mix")'),
        md("""
## Change between stages within each cohort
The same respondents' 1-10 ratings at the first and the last stage of the evaluation forms
(Wilcoxon signed-rank test; effect r from -1, everyone lower, to +1, everyone higher). The
CSV `stage_tests` also holds every step between consecutive stages.
"""),
        code('ctx.say(analysis.change_in_words(stage_tests))'),
        code('ctx.show(analysis.stage_change_view(stage_tests), f"{compared}: change in ratings '
             'from the first to the last stage", max_rows=200)'),
        md("""
## Ratings compared between cohorts
Each cohort's mean rating at each stage, and the pair of cohorts that differ most
(Mann-Whitney U test, adjusted across all the pairs, stages and questions).
"""),
        code('ctx.show(analysis.between_view(stage_tests), f"{compared}: mean ratings by '
             'cohort", max_rows=200)'),
    ]


def emergent_themes() -> list:
    return [
        md("""
# Emergent themes

Topics found bottom-up, without the codebook: BERTopic over the findings in interviews,
journals and free-text answers that the level coder coded with confidence (questions,
headings, thanks, logistics and talk about the mentoring itself are left out), seeded so that
every run gives the same topics. Each topic is named by the phrase most central to its
findings and shown with up to three pseudonymised quotes that are not near-copies of each
other, beside the codebook theme its findings were given most often.
"""),
        params(SOURCE, line("cohorts"), output("outputs/themes"), line("min_topic_size"),
               COMMON),
        code(OPEN + "\nfrom rmresearch.analysis import topic_frame, topics\n\n"
             "texts = topic_frame.coded_findings(ctx.theme_segments(cohorts), "
             "ctx.coded(cohorts))\n"
             "result = ctx.emergent_topics(texts, min_topic_size=min_topic_size)"),
        md("""
## Topics beside the codebook themes

Topics that overlap no codebook theme come first: what the frame misses (their `theme` is
only the nearest, with its small `share`). A topic overlaps the theme that at least 30% of its
findings were given (`share`); these follow by level and theme.
"""),
        code('by_theme = topic_frame.topics_by_theme(result.assignments, '
             'texts["segment_id"].tolist(),\n'
             '                                      ctx.themed(cohorts))\n'
             'beside = topic_frame.topics_beside_themes(result.topics, by_theme)\n'
             'ctx.show(ctx.publish(beside.drop(columns="overlap"), "topics_beside_themes", '
             'counts=["size"],\n'
             '                     texts=["label", "representative"]), max_rows=200)'),
        md("## Topics and their keywords"),
        code('ctx.show(ctx.publish(result.topics, "topics", counts=["size"], '
             'texts=["label", "keywords", "representative"]), max_rows=200)'),
        md("## Topics by level"),
        code('cross = topics.topics_by_level(result.assignments, texts["segment_id"].tolist(), '
             'ctx.coded(cohorts))\nctx.show(ctx.publish(cross, "topics_by_level", wide=True), '
             'max_rows=200)'),
    ]


def agreement() -> list:
    return [
        md("""
# Inter-coder agreement

How far coders agree, per code and overall, with the machine coder counted as one more coder:
percent agreement, Cohen's kappa (two coders), Krippendorff's alpha (any number of coders,
missing judgements allowed) and Gwet's AC1, each with a bootstrap 95% confidence interval.
Codes whose machine-vs-human alpha clears the threshold are marked **auto** (trusted);
the others are marked **review**.
"""),
        params(SOURCE, line("cohorts", help="not used: agreement covers every coded segment"),
               output("outputs/agreement"), line("coders"), line("threshold"), COMMON),
        code(OPEN + "\nchosen, table, gates = ctx.agreement(coders, threshold=threshold)\n"
             "print('Coders compared:', ', '.join(chosen))"),
        md("## Agreement per code"),
        code('ctx.show(ctx.publish(table, "agreement", counts=["n_units"]))'),
        code('ctx.figure(plots.agreement_heatmap(table), "agreement")'),
        md("## Which codes the machine can be trusted on"),
        code('ctx.show(ctx.publish(gates, "gating", counts=["n"]))'),
    ]


def mentor_feedback() -> list:
    return [
        md("""
# Mentor's feedback for one leader

The workings behind the feedback sheet a mentor hands to the senior leader they mentor: the
leader's profile across the four **levels of operation** (individual, departmental,
organisational, symbolic); good practice and areas requiring attention at each level, with
the passages that support them and where they came from (interview, observation, inspection,
journal); **congruence** (what was said in private interviews and whether it was seen in
public); what changed across the sessions; the gaps to explore next; and, when staff who
work under the leader sent feedback, their view beside the mentor's (the **360-degree
view**).

The sheet itself is written at the end as a web page and a Word document, in plain language.
Everyone is pseudonymised; only the leader it is addressed to may be named, if the mentor
chooses. Counts here are of passages in one pair's notes, not of people, and the sheet is a
private document for one leader, so small counts are not suppressed by default (`min_cell`
0); the report batch keeps its own setting. Staff are quoted word for word only when enough
of them wrote (`staff_min`).
"""),
        params(SOURCE, line("pair"),
               output("outputs/feedback/C1-P02", "folder for the sheet, its tables and figures"),
               line("reveal_leader"), line("quotes"), line("staff_min"),
               parameters_cell("pseudonymise", "key"),
               # a private sheet for one leader: nothing suppressed unless asked
               parameter("min_cell").cell_line(0, "counts below this are suppressed (0 turns "
                                               "it off; a private sheet for one leader)"),
               parameters_cell("seed", "codebook"), line("review_file")),
        code(OPEN + "\nfrom rmresearch import feedback\n\n"
             "choices = feedback.stored_choices(ctx.project.store_path, pair)  # the mentor's, "
             "if any\n"
             "fb = feedback.pair_feedback(ctx.coded(), ctx.project.segments, "
             "ctx.project.documents, pair,\n"
             "                            quotes=quotes, staff_min=staff_min, choices=choices\n"
             "                            ).map_text(ctx.text)\n"
             "published = feedback.publish_feedback(ctx, fb)\n"
             "ctx.show(fb.overview, f\"What pair {pair}'s folder holds ({fb.period['text']})\")"),
        md("""
## Profile across the four levels
Passages from the mentoring notes (interviews, observations, inspections, journals) at each
level, by valence and by the kind of evidence: said in interview, seen in public, written in a
journal. Questions the mentor asked in interviews are not counted.
"""),
        code('ctx.show(published.profile)'),
        code('feedback.show_figure(ctx, fb, "profile")'),
        md("""
## Good practice and areas requiring attention
For each level, how much evidence there is of each and where it came from, then the quotes
that support each finding: strong passages first, taking turns between what was seen, what was
said and what was written in journals.
"""),
        code('ctx.show(published.summary)'),
        code('ctx.show(published.quotes[["code", "valence", "rank", "quote", "where"]])'),
        md("""
## Congruence: said in private, seen in public
For each level and valence: was it said in interview, seen in an observation or inspection,
or both? Something only said is weaker evidence; something only seen is worth raising.
"""),
        code('ctx.show(published.congruence)'),
        md("""
## Change across the sessions
Good practice and areas requiring attention in each session, and what changed at each level
between the first and the last session with evidence.
"""),
        code('ctx.show(published.change_summary)'),
        code('feedback.show_figure(ctx, fb, "change")'),
        md("""
## Gaps: prompts for the next session
Levels with no evidence yet, levels not seen in public or not discussed in interview, and
sources not used yet, each with a prompt for what to ask or look at next.
"""),
        code('ctx.show(published.gaps)'),
        md("""
## The 360-degree view
Feedback from staff who work under the leader (documents with source `staff_feedback` in the
pair's folder), coded into the same levels and set beside the mentoring notes. Empty when the
pair's folder holds none.
"""),
        code('print(f"Staff notes received: {fb.n_staff_notes}; quoted word for word: "\n'
             '      f"{\'yes\' if fb.staff_quoted else \'no\'}")\n'
             'ctx.show(published.staff)'),
        code('ctx.show(published.staff_quotes[["code", "valence", "quote"]])'),
        md("""
## The feedback sheet
The sheet for the leader, as a web page and a Word document. Read it through before handing
it over: the passages were sorted into levels by the coding tool, and every quote should be
one the mentor is content to share.
"""),
        code('sheet = feedback.write_for(ctx, published, reveal_leader=reveal_leader)\n'
             'for kind, path in sheet.items():\n'
             '    print(f"{kind}: {path}")\n'
             'if review_file:  # every quote the sheet could show, with keep/drop for the mentor\n'
             '    print(f"review workbook: {feedback.write_review(fb, '
             'feedback.review_path(output, pair)).name}")'),
    ]


#: notebook file stem -> its cells
NOTEBOOK_CELLS = {"cohort_findings": cohort_findings, "cohort_comparison": cohort_comparison,
                  "emergent_themes": emergent_themes, "agreement": agreement,
                  "mentor_feedback": mentor_feedback}


def build(name: str) -> nbformat.NotebookNode:
    """The notebook ``name`` (a key of `NOTEBOOK_CELLS`), as it is written."""
    nb = new_notebook(cells=NOTEBOOK_CELLS[name]())
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:12]}-{i:02d}"
    return nb


def main(out: Path = OUT) -> None:
    """Write every notebook into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    for name in NOTEBOOK_CELLS:
        nbformat.write(build(name), out / f"{name}.ipynb")


if __name__ == "__main__":
    main()
