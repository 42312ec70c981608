"""Write the parameterised notebooks in notebooks/ from the cell lists below (no outputs).

Run: .venv/bin/python tools/build_notebooks.py. The notebooks only call the package; every
cell here is either narration (markdown) or a few calls.
"""
from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

OUT = Path(__file__).resolve().parents[1] / "notebooks"

COMMON = '''pseudonymise: bool = True  # replace names with pseudonyms in everything published
key: str = ""  # pseudonym key file (empty: beside the project store; never inside outputs)
min_cell: int = 5  # counts below this are suppressed in published tables (0 turns it off)
seed: int = 42  # random seed
codebook: str = ""  # codebook YAML (empty: the shipped four-level frame)'''

SOURCE = '''data: str = "data/synthetic"  # data folder with manifest.csv (empty: use the store as it is)
store: str = ""  # project store file (empty: .rmresearch/<data folder>.rmproj)'''

OPEN = '''from rmresearch import analysis, plots
from rmresearch.report_context import open_report

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


def cohort_findings() -> list:
    return [
        md("""
# Cohort findings

This appendix reports what mentors found about their senior leaders' practice in one cohort,
coded into the four **levels of operation** (individual, departmental, organisational,
symbolic) with a **valence**: *good practice* or *area requiring attention*. Names are
pseudonymised and small counts are suppressed unless the run says otherwise.
"""),
        params(SOURCE, 'cohort: str = "C1"  # the cohort this appendix reports on',
               'output: str = "outputs/cohorts/C1"  # folder for this appendix\'s tables and figures',
               COMMON),
        code(OPEN + "\ncoded = ctx.coded(cohort)\nsegments = ctx.segments(cohort)\n"
             "ctx.show(ctx.overview(cohort), 'What this cohort holds')"),
        md("""
## Findings by level, valence and source
How many coded passages fall at each level, whether they describe good practice or an area
requiring attention, and where they came from (interview, observation, inspection, journal,
evaluation form).
"""),
        code('counts = ctx.publish(analysis.level_counts(coded), "level_valence_source", '
             'counts=["n", "n_segments"])\nctx.show(counts)'),
        code('ctx.figure(plots.level_valence_bar(analysis.level_counts(coded, by=("code", '
             '"valence"))), "level_valence")'),
        md("""
## Framework matrix
Pairs by level: how many passages, how many show good practice and how many an area requiring
attention, with up to three pseudonymised quotes per cell.
"""),
        code('matrix = analysis.framework_matrix(coded, quotes=3)\n'
             'published = ctx.publish(matrix, "framework_matrix", '
             'counts=["n", "n_positive", "n_attention", "n_neutral"], texts=["quotes"])\n'
             'ctx.show(analysis.framework_wide(published))'),
        code('ctx.figure(plots.framework_heatmap(matrix), "framework_matrix")'),
        md("""
## Congruence: said and done
Does what a leader says in private interviews show in how they act in public? For each pair
and level: evidence in interview only, in observation or inspection only, or both.
"""),
        code('cong = analysis.congruence(coded, segments)\n'
             'ctx.show(ctx.publish(cong, "congruence", counts=["n_said", "n_said_positive", "n_said_attention", '
             '"n_done", "n_done_positive", "n_done_attention"]))'),
        code('ctx.figure(plots.congruence_chart(cong), "congruence")'),
        md("""
## Cohort-wide learning
The common areas of good practice and the common areas requiring attention across pairs, with
how many pairs show each.
"""),
        code('learning = analysis.cohort_learning(coded)\n'
             'ctx.show(ctx.publish(learning, "cohort_learning", counts=["n_pairs", "n_segments"],'
             ' texts=["area", "example"]))'),
        md("""
## Evaluation forms
Participants' 1-10 ratings by role and stage, the change between the first and last stage,
and what their free-text answers said, coded into the levels.
"""),
        code('responses = ctx.responses(cohort)\nitems = analysis.survey_items(responses)\n'
             'ctx.show(ctx.publish(items, "survey_items", counts=["n"]))'),
        code('ctx.show(ctx.publish(ctx.survey_change(responses), "survey_change", '
             'counts=["n_pairs"]))'),
        code('ctx.figure(plots.survey_plot(items), "survey_items")'),
        code('form_coded = coded[coded["source"] == "feedback_form"]\n'
             'ctx.show(ctx.publish(analysis.level_counts(form_coded, by=("code", "valence")), '
             '"free_text_levels", counts=["n", "n_segments"]))'),
    ]


def cohort_comparison() -> list:
    return [
        md("""
# Cohort comparison

How the cohorts differ in the levels and valence of their findings, tested with chi-square
(or Fisher's exact test for small 2x2 tables), with Cramer's V as the effect size and
Benjamini-Hochberg correction across the family of tests; and how 1-10 ratings changed
between programme stages.
"""),
        params(SOURCE, 'cohorts: str = ""  # comma-separated cohorts to compare (empty: all)',
               'output: str = "outputs/comparison"  # folder for tables and figures', COMMON),
        code(OPEN + "\ncoded = ctx.coded(cohorts)\nsegments = ctx.segments(cohorts)"),
        md("## Level and valence distributions by cohort"),
        code('dist = analysis.level_distribution(coded, segments, by="cohort")\n'
             'ctx.show(ctx.publish(dist, "level_distribution", counts=["n", "n_segments"]))'),
        code('ctx.figure(plots.cohort_comparison_plot(dist), "level_distribution")'),
        md("""
## Tests
Each row tests whether the share of passages at a level (or the valence mix) differs between
cohorts. `p_adj` is the Benjamini-Hochberg adjusted p-value.
"""),
        code('ctx.show(ctx.publish(analysis.compare_cohorts(coded, segments), "cohort_tests"))'),
        md("""
## Change between stages in the evaluation forms
Paired change for the same respondents (Wilcoxon signed-rank, effect size r) and differences
between groups (Mann-Whitney U, rank-biserial correlation).
"""),
        code('ctx.show(ctx.publish(analysis.compare_stages(ctx.responses(cohorts)), "stage_tests",'
             ' counts=["n", "n_pairs"]))'),
    ]


def emergent_themes() -> list:
    return [
        md("""
# Emergent themes

Topics found without the four-level frame (BERTopic over interview passages and free-text
answers, seeded so that every run gives the same topics), with their sizes, keyword labels and
representative pseudonymised quotes; and how topics spread over the levels: topics that sit
mostly outside any level show what the frame misses.
"""),
        params(SOURCE, 'cohorts: str = ""  # comma-separated cohorts to include (empty: all)',
               'output: str = "outputs/themes"  # folder for tables and figures',
               'min_topic_size: int = 10  # smallest group of passages that counts as a topic',
               COMMON),
        code(OPEN + "\nfrom rmresearch import topics\n\n"
             "texts = ctx.theme_segments(cohorts)\n"
             "result = topics.fit_topics(texts[\"text\"].tolist(), "
             "embeddings=ctx.embed(texts[\"text\"].tolist()),\n"
             "                           seed=seed, min_topic_size=min_topic_size)"),
        md("## Topics"),
        code('ctx.show(ctx.publish(result.topics, "topics", counts=["size"], '
             'texts=["label", "keywords", "representative"]))'),
        md("## Topics by level"),
        code('cross = topics.topics_by_level(result.assignments, texts["segment_id"].tolist(), '
             'ctx.coded(cohorts))\nctx.show(ctx.publish(cross, "topics_by_level", wide=True))'),
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
        params(SOURCE, 'cohorts: str = ""  # not used: agreement covers every coded segment',
               'output: str = "outputs/agreement"  # folder for tables and figures',
               'coders: str = ""  # comma-separated coders (empty: every human coder and the machine)',
               'threshold: float = 0.67  # alpha a code needs for the machine to be trusted on it',
               COMMON),
        code(OPEN + "\nchosen, table, gates = ctx.agreement(coders, threshold=threshold)\n"
             "print('Coders compared:', ', '.join(chosen))"),
        md("## Agreement per code"),
        code('ctx.show(ctx.publish(table, "agreement", counts=["n_units"]))'),
        code('ctx.figure(plots.agreement_heatmap(table), "agreement")'),
        md("## Which codes the machine can be trusted on"),
        code('ctx.show(ctx.publish(gates, "gating", counts=["n"]))'),
    ]


def write(name: str, cells: list) -> None:
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name[:12]}-{i:02d}"
    nbformat.write(nb, OUT / f"{name}.ipynb")


if __name__ == "__main__":
    OUT.mkdir(exist_ok=True)
    write("cohort_findings", cohort_findings())
    write("cohort_comparison", cohort_comparison())
    write("emergent_themes", emergent_themes())
    write("agreement", agreement())
