"""The mentor's feedback sheet for one pair: evidence, sheet content, HTML and Word renderings.

- evidence: the pair's documents and coded passages (`pair_evidence`, `check_pair`)
- findings: the level profile, the findings and their quotes
- congruence, change, prompts, staff: said against seen, change over the sessions, gaps
  with prompts for the next session, the staff's 360-degree view
- pair: every table at once (`pair_feedback`, `PairFeedback`)
- sheet, sections: who the sheet names and its content as blocks (`sheet_blocks`)
- render, figures, write: the HTML page and Word document, the two figures, writing them
  (`write_sheet`, `publish_feedback`, `write_for`, `show_figure`)
- candidates, review: every quote the sheet could show (`candidate_table`), the review
  workbook where the mentor keeps or drops them (`write_review`), and their choices read
  back into the project store (`store_review`, `stored_choices`)
- run: the ``mentor_feedback`` notebook for one pair or a report batch (`run_feedback`)
"""
from __future__ import annotations

from ..lazy import lazy_exports

_NAMES = {
    "KINDS": "evidence",
    "MENTOR_KINDS": "evidence",
    "KIND_OF_SOURCE": "evidence",
    "LEVEL_ABOUT": "evidence",
    "known_pairs": "evidence",
    "check_pair": "evidence",
    "pair_documents": "evidence",
    "pair_evidence": "evidence",
    "level_profile": "findings",
    "finding_summary": "findings",
    "finding_quotes": "findings",
    "valence_label": "findings",
    "STATUS": "congruence",
    "congruence_detail": "congruence",
    "change_over_time": "change",
    "change_summary": "change",
    "gaps": "prompts",
    "staff_view": "staff",
    "staff_quotes": "staff",
    "PairFeedback": "pair",
    "overview": "pair",
    "period": "pair",
    "pair_feedback": "pair",
    "SECTIONS": "sections",
    "Block": "sections",
    "SheetNames": "sheet",
    "sheet_names": "sheet",
    "sheet_blocks": "sheet",
    "render_html": "render",
    "render_docx": "render",
    "profile_figure": "figures",
    "change_figure": "figures",
    "show_figure": "figures",
    "sheet_paths": "write",
    "write_sheet": "write",
    "publish_feedback": "write",
    "write_for": "write",
    "chosen_quotes": "findings",
    "candidate_table": "candidates",
    "REVIEW_COLUMNS": "review",
    "review_path": "review",
    "write_review": "review",
    "read_review": "review",
    "store_review": "review",
    "stored_choices": "review",
    "FeedbackRun": "run",
    "check_pair_exists": "run",
    "run_feedback": "run",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
