"""What a report notebook needs, in one object: the project's tables, privacy, publishing.

Notebooks stay thin::

    ctx = open_report(data=data, store=store, output=output, pseudonymise=pseudonymise,
                      key=key, min_cell=min_cell, seed=seed)
    coded = ctx.coded(cohort)
    ctx.show(ctx.publish(level_counts(coded), "level_counts", counts=["n"]))
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

import pandas as pd

from ..coding.roles import with_roles
from ..paths import find_path, key_path
from ..project import Project, prepare_project
from ..vocabulary import FINDING, FORM_STAGES
from .parameters import DEFAULTS
from .publish import Publisher

__all__ = ["ReportContext", "open_report", "prepare_key", "key_path_for"]


def key_path_for(project: Project) -> Path:
    """The pseudonym key lives beside the project store, never inside published output."""
    return key_path(project.store_path)


def prepare_key(project: Project, key: str | Path | None = None) -> Path:
    """Build (or extend) the project's pseudonym key and save it; return its path."""
    from ..privacy import PseudonymKey, build_key

    path = key_path(project.store_path, key)
    existing = PseudonymKey.load(path) if path.exists() else None
    built = build_key(project.documents, project.segments, existing=existing)
    if existing is None or built.to_dict() != existing.to_dict():
        built.save(path)
    return path


@dataclass
class ReportContext:
    """A project opened for one report, with its publisher."""

    project: Project
    publisher: Publisher
    seed: int

    def segments(self, cohorts: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Current segments, optionally of some cohorts."""
        return _in_cohorts(self.project.segments, cohorts)

    def coded(self, cohorts: str | Sequence[str] | None = None) -> pd.DataFrame:
        """One row per (segment, level) the machine coder assigned, with segment details."""
        from ..analysis import coded_segments

        coded = coded_segments(self.project.segments, self.project.codings, self.project.coder)
        return _in_cohorts(coded, cohorts)

    def themed(self, cohorts: str | Sequence[str] | None = None) -> pd.DataFrame:
        """`coded` with each passage's theme within its level (``theme``, ``theme_name``,
        ``theme_score``: `rmresearch.coding.themes.assign_themes`; embeddings cached on disk)."""
        from ..coding.themes import assign_themes

        return assign_themes(self.coded(cohorts))

    def glance(self, cohorts: str | Sequence[str] | None = None, top: int = 3) -> pd.DataFrame:
        """Findings at a glance: per level, the good-practice and attention themes ranked by
        how many of the selection's pairs show them, one quote each
        (`rmresearch.analysis.glance.findings_at_a_glance`)."""
        from ..analysis.glance import findings_at_a_glance

        docs = _in_cohorts(self.project.documents, cohorts)
        return findings_at_a_glance(self.themed(cohorts), top=top,
                                    total_pairs=int(docs["pair_id"].dropna().nunique()))

    def responses(self, cohorts: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Evaluation-form responses, optionally of some cohorts."""
        return _in_cohorts(self.project.responses, cohorts)

    def overview(self, cohorts: str | Sequence[str] | None = None) -> pd.DataFrame:
        """What the selection holds: documents by source, pairs, segments and coded passages.

        Schema: ``measure`` (str), ``value`` (int).
        """
        docs = _in_cohorts(self.project.documents, cohorts)
        segs, coded = self.segments(cohorts), self.coded(cohorts)
        rows = [("pairs", int(docs["pair_id"].dropna().nunique())),
                ("documents", len(docs))]
        rows += [(f"documents: {src}", int(n)) for src, n in
                 docs["source"].value_counts().sort_index().items()]
        roles = with_roles(segs)["role"]
        rows += [("segments (sentences and answers)", len(segs)),
                 ("segments that are findings (not questions, headings, thanks, method or "
                  "logistics)", int((roles == FINDING).sum())),
                 ("segments coded at one or more levels", int(coded["segment_id"].nunique())),
                 ("coded passages (segment x level)", len(coded))]
        return pd.DataFrame(rows, columns=["measure", "value"])

    def survey_change(self, responses: pd.DataFrame) -> pd.DataFrame:
        """Paired change in 1-10 items from the first to the last stage present."""
        from ..analysis import survey_change

        present = [s for s in FORM_STAGES if s in set(responses["stage"])]
        others = sorted(set(responses["stage"]) - set(FORM_STAGES))
        stages = present + others
        if len(stages) < 2:
            return pd.DataFrame({"note": ["fewer than two stages: no change to report"]})
        return survey_change(responses, stages[0], stages[-1])

    def theme_segments(self, cohorts: str | Sequence[str] | None = None) -> pd.DataFrame:
        """Findings in interviews, journals and free-text answers for topic modelling, in store
        order: questions, thanks and praise of the mentors, method, logistics and headings
        (their discourse ``role``) are left out, so themes are made of findings only."""
        segs = with_roles(self.segments(cohorts))
        keep = segs["source"].isin(["interview", "feedback_form", "journal", "staff_feedback"])
        keep &= segs["role"] == FINDING
        return segs[keep & (segs["text"].str.split().str.len() >= 4)].reset_index(drop=True)

    def emergent_topics(self, texts: pd.DataFrame, *, min_topic_size: int) -> Any:
        """Fit emergent topics on ``texts`` (`theme_segments`, usually narrowed by
        `rmresearch.analysis.topic_frame.coded_findings`), with cached embeddings: the texts'
        and those of the candidate phrases of the topic labels (the disk cache, `embed`).

        A fit is kept beside the project store and read back when a later run gives the
        same texts and options (`rmresearch.report.topic_cache`). Too few texts for topics
        is not a failure of the report: the reader is told so (a
        printed note) and a `TopicResult` with every text unassigned (topic -1) comes back, so
        the appendix is still written.
        """
        from ..analysis import topics

        needed = max(topics.MIN_TEXTS, 2 * int(min_topic_size))
        if len(texts) < needed:
            print(f"Too few findings in free text for emergent themes: {len(texts)}, and at "
                  f"least {needed} are needed (min_topic_size={min_topic_size}). Pool more "
                  "notes or lower min_topic_size; no topic is shown below.")
            n = len(texts)  # every text unassigned: the outlier topic only
            assigned = pd.DataFrame({"index": pd.Series(range(n), dtype="int64"),
                                     "topic": pd.Series([-1] * n, dtype="int64"),
                                     "probability": pd.Series([0.0] * n, dtype="float64")})
            outlier = pd.DataFrame({"topic": [-1], "size": [n], "label": [topics.OUTLIER_LABEL],
                                    "keywords": [""], "representative": [[]]})
            return topics.TopicResult(topics=outlier.astype({"topic": "int64", "size": "int64"}),
                                      assignments=assigned, model=None)
        from ..coding.embeddings import Embedder
        from .topic_cache import load_topics, save_topics, topic_key

        listed = texts["text"].tolist()
        key = topic_key(listed, seed=self.seed, min_topic_size=min_topic_size,
                        model=Embedder().key)
        kept = load_topics(self.project.store_path, key)  # fitted by an earlier run
        if kept is not None:
            return kept
        result = topics.fit_topics(listed, embeddings=self.embed(listed), embed=self.embed,
                                   seed=self.seed, min_topic_size=min_topic_size)
        save_topics(self.project.store_path, key, result)
        return result

    def agreement(self, coders: str = "", threshold: float = 0.67) -> tuple:
        """Agreement among ``coders`` (default: every human coder and the machine coder).

        Returns the coders compared, the agreement table and the gating table.
        """
        from ..human.agreement import agreement_report

        names = [c for c in coders.split(",") if c] or \
            self.project.human_coders + [self.project.coder]
        if len(names) < 2:
            note = pd.DataFrame({"note": ["Agreement needs at least two coders; this project "
                                          "has no human codings yet (rmresearch import-codings)."]})
            return names, note, note
        return agreement_report(str(self.project.store_path), names,
                                codebook=self.project.codebook, seed=self.seed,
                                threshold=threshold)

    def embed(self, texts: list[str]) -> Any:
        """Sentence embeddings from the packaged model, cached on disk by text."""
        from ..coding.embeddings import Embedder

        return Embedder().encode(texts)

    def publish(self, df: pd.DataFrame, name: str, **kwargs: Any) -> pd.DataFrame:
        """Publish a table (see `Publisher.table`) and return the published version."""
        return self.publisher.table(df, name, **kwargs)

    def figure(self, fig: Any, name: str) -> Any:
        """Publish a figure (PNG + SVG) and return the PNG for display."""
        from IPython.display import Image

        paths = self.publisher.figure(fig, name)
        return Image(filename=str(next(p for p in paths if p.suffix == ".png")))

    def heading(self, text: str, level: int = 1) -> Any:
        """Show a heading built from the run's parameters ("Cohort C1 findings"), which a
        markdown cell cannot hold: pseudonymised and escaped, ``level`` 1 to 6."""
        from IPython.display import HTML

        from .html import escape

        level = min(6, max(1, int(level)))
        return HTML(f"<h{level}>{escape(self.text(str(text)))}</h{level}>")

    def say(self, sentences: Sequence[str]) -> Any:
        """Show sentences to the reader, pseudonymised and escaped: the first as a paragraph,
        the others as a list under it (`rmresearch.report.html.sentences_html`)."""
        from IPython.display import HTML

        from .html import sentences_html

        return HTML(sentences_html([self.text(str(s)) for s in sentences]))

    def text(self, value: Any) -> Any:
        """Pseudonymise a value for display."""
        return self.publisher.text(value)

    @staticmethod
    def show(df: pd.DataFrame, caption: str | None = None, max_rows: int = 60) -> Any:
        """Display a table without its index, for a reader who is not a programmer.

        Rendered by `rmresearch.report.html.frame_html`, the one table renderer of published
        pages: every heading, cell and the caption escaped, so text from the notes shows as
        text and never runs.
        """
        from IPython.display import HTML

        from .html import frame_html

        return HTML(frame_html(df, caption=caption, max_rows=max_rows))


def _in_cohorts(df: pd.DataFrame, cohorts: str | Sequence[str] | None) -> pd.DataFrame:
    if not cohorts:
        return df
    wanted = [c for c in cohorts.split(",") if c] if isinstance(cohorts, str) else list(cohorts)
    return df[df["cohort"].isin(wanted)].reset_index(drop=True)


def open_report(*, data: str = DEFAULTS["data"], store: str = DEFAULTS["store"], output: str,
                pseudonymise: bool = DEFAULTS["pseudonymise"], key: str = DEFAULTS["key"],
                min_cell: int = DEFAULTS["min_cell"], seed: int = DEFAULTS["seed"],
                codebook: str = DEFAULTS["codebook"]) -> ReportContext:
    """Open a project for a report notebook (ingesting and coding first if needed).

    The keyword arguments are the report parameters of `rmresearch.report.parameters`
    (`PARAMETERS`, same names, order and defaults): a notebook passes its parameters cell on.

    Parameters
    ----------
    data : str
        Data folder with ``manifest.csv``, ingested and coded first ("" : use the store).
    store : str
        Project store file ("" : ``.rmresearch/<data folder>.rmproj``).
    output : str
        Folder for this report's ``tables/`` and ``figures/``.
    pseudonymise : bool
        Replace names with pseudonyms in everything published.
    key : str
        Pseudonym key file ("" : beside the project store; built or extended if missing).
    min_cell : int
        Counts below this are suppressed in published tables (0 turns it off).
    seed : int
        Random seed (Python's and NumPy's are set to it).
    codebook : str
        Codebook YAML ("" : the shipped four-level frame).

    Returns
    -------
    ReportContext
        The project's tables with a publisher for ``output``.
    """
    import numpy as np

    random.seed(seed)
    np.random.seed(seed)
    project = prepare_project(data or None, store or None, codebook or None)
    project.segments = with_roles(project.segments)  # every segment with its discourse role
    pseudonymiser = None
    if pseudonymise:
        from ..privacy import PseudonymKey, Pseudonymiser

        key_path = Path(key) if key and Path(key).exists() else prepare_key(project, key or None)
        pseudonymiser = Pseudonymiser(PseudonymKey.load(key_path))
    publisher = Publisher(find_path(output), pseudonymiser=pseudonymiser, min_cell=min_cell)
    return ReportContext(project=project, publisher=publisher, seed=seed)
