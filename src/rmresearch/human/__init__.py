"""Human coders: coding sheets in and out, review queues, inter-coder agreement.

- sheets: `import_codings`, `parse_table` (wide, long or .qdpx sheets into the store)
- coders: `write_human_codings` (a coder's work as a new revision), `coder_history`,
  `restore_coder`, `resolve_coders`
- review: `export_review`, `import_review` (what the machine is unsure of, for a person to decide)
- agreement: `agreement_table`, `agreement_report` (kappa, alpha, AC1 with bootstrap intervals)
"""
from __future__ import annotations

from ..lazy import lazy_exports

_NAMES = {
    "import_codings": "sheets",
    "parse_table": "sheets",
    "write_human_codings": "coders",
    "summary_counts": "coders",
    "resolve_coders": "coders",
    "coder_seen": "coders",
    "coder_history": "coders",
    "restore_coder": "coders",
    "code_lookup": "sheets",
    "allowed_codes": "sheets",
    "locate_segments": "sheets",
    "FORMATS": "sheets",
    "review_queue": "review",
    "export_review": "review",
    "import_review": "review",
    "percent_agreement": "agreement",
    "cohen_kappa": "agreement",
    "krippendorff_alpha": "agreement",
    "gwet_ac1": "agreement",
    "rating_matrices": "agreement",
    "agreement_table": "agreement",
    "gate": "agreement",
    "agreement_report": "agreement",
    "kappa_note": "agreement",
    "LOW_PREVALENCE": "agreement",
    "STATISTICS": "agreement",
}
__all__ = sorted(_NAMES)
__getattr__, __dir__ = lazy_exports(__name__, _NAMES)
