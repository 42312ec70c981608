"""Analysis layer: pure functions over the segments, codings and responses tables.

Start with `coded_segments` (one coder's findings joined to segment metadata); every table
function documents the schema it returns. Nothing here reads or writes files.

- frequencies: `level_counts`, `level_distribution`
- framework matrix: `framework_matrix`, `framework_wide`
- congruence (said in private vs seen in public): `congruence`, `congruence_summary`
- cohort-wide learning: `cohort_learning`
- evaluation forms: `survey_items`, `survey_change`, `free_text_answers`
- comparison: `compare_cohorts`, `compare_pairs`, `compare_stages`; the surviving differences
  in words (`differences_in_words`) and wide views for people (`distribution_wide`,
  `pairs_wide`, `stage_change_view`, `between_view`, `counts_wide`)
"""
from __future__ import annotations

from ..vocabulary import (FORM_STAGES, LEVELS, SAID_SOURCES, SEEN_SOURCES, SOURCES, VALENCES,
                          stage_key)
from .coded import category_order, choose_coder, coded_segments, findings_only
from .comparison import compare_cohorts, compare_pairs, compare_stages
from .crosstabs import (between_view, congruence_wide, counts_wide, distribution_wide,
                        learning_view, pairs_wide, stage_change_view)
from .differences import (NO_DIFFERENCE, change_in_words, differences_in_words,
                          valence_distribution)
from .congruence import (CONGRUENCE_CATEGORIES, congruence, congruence_summary,
                         incongruence_statement, incongruent_pairs)
from .framework import framework_matrix, framework_wide
from .glance import (findings_at_a_glance, glance_view, strongest_findings,
                     strongest_table)
from .frequencies import level_counts, level_distribution
from .learning import cohort_learning, evidence_phrases, normalise_phrase
from .stattests import bh_adjust, contingency_test, cramers_v, mann_whitney, wilcoxon_paired
from .surveys import free_text_answers, paired_values, survey_change, survey_items

__all__ = [
    "LEVELS", "VALENCES", "SOURCES", "FORM_STAGES", "SAID_SOURCES", "SEEN_SOURCES",
    "CONGRUENCE_CATEGORIES", "category_order", "stage_key", "choose_coder", "coded_segments",
    "findings_only", "incongruent_pairs", "incongruence_statement", "findings_at_a_glance",
    "strongest_findings", "strongest_table", "glance_view",
    "level_counts", "level_distribution", "framework_matrix", "framework_wide", "congruence",
    "congruence_summary", "cohort_learning", "normalise_phrase", "evidence_phrases",
    "survey_items", "survey_change", "paired_values", "free_text_answers", "compare_cohorts",
    "compare_stages", "compare_pairs", "NO_DIFFERENCE", "differences_in_words", "change_in_words", "counts_wide",
    "congruence_wide", "learning_view", "valence_distribution",
    "distribution_wide", "pairs_wide", "stage_change_view", "between_view", "bh_adjust", "contingency_test", "cramers_v", "mann_whitney",
    "wilcoxon_paired",
]
