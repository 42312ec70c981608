"""The mentor's feedback sheet for one pair: evidence, sheet content, HTML and Word renderings.

- evidence: `pair_feedback` (the pair's coded evidence, profiles, quotes, congruence, gaps)
- sheet: `run_feedback`, `write_sheet` (blocks of the sheet, rendered to HTML and .docx)
"""
from __future__ import annotations

from ..lazy import lazy_exports

_NAMES = {
    "KINDS": "evidence",
    "MENTOR_KINDS": "evidence",
    "KIND_OF_SOURCE": "evidence",
    "LEVEL_ABOUT": "evidence",
    "STATUS": "evidence",
    "PairFeedback": "evidence",
    "known_pairs": "evidence",
    "check_pair": "evidence",
    "pair_documents": "evidence",
    "pair_evidence": "evidence",
    "level_profile": "evidence",
    "finding_summary": "evidence",
    "finding_quotes": "evidence",
    "congruence_detail": "evidence",
    "change_over_time": "evidence",
    "change_summary": "evidence",
    "gaps": "evidence",
    "staff_view": "evidence",
    "staff_quotes": "evidence",
    "overview": "evidence",
    "period": "evidence",
    "pair_feedback": "evidence",
    "valence_label": "evidence",
    "run_feedback": "sheet",
    "write_sheet": "sheet",
    "sheet_blocks": "sheet",
    "render_html": "sheet",
    "render_docx": "sheet",
    "publish_feedback": "sheet",
    "write_for": "sheet",
    "show_figure": "sheet",
    "SheetNames": "sheet",
    "sheet_names": "sheet",
    "Block": "sheet",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
