"""pandera schemas for the tables passed between the steps (documents, segments, codings,
responses). Validation reports every failure at once; the project store validates every
table it hands out.

Import cost matters (pandera takes most of a second), so schemas are built on first use:
call `validate(df, "segments")`.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from .errors import RmResearchError
from .vocabulary import AUTHOR_ROLES, ROLES, SOURCES, SPEAKER_ROLES, VALENCES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["SOURCES", "AUTHOR_ROLES", "SPEAKER_ROLES", "COLUMNS", "validate", "schema"]

#: the columns of each table, in order (the one list; ``codings`` is also what the coders write)
COLUMNS: dict[str, list[str]] = {
    "documents": ["doc_id", "version", "cohort", "pair_id", "source", "author_role", "stage",
                  "date", "path", "sha256", "text"],
    "segments": ["segment_id", "doc_id", "version", "cohort", "pair_id", "source", "stage",
                 "speaker", "speaker_role", "start", "end", "text"],
    "codings": ["segment_id", "code", "coder", "score", "valence", "evidence"],
    "responses": ["respondent_id", "cohort", "role", "stage", "question_id", "value", "text"],
}


@lru_cache(maxsize=None)
def schema(name: str):  # -> pa.DataFrameSchema
    """Return the pandera schema for table ``name`` (one of `COLUMNS`)."""
    import pandera.pandas as pa

    s, i = pa.Column(str), pa.Column(int)
    nullable_str = pa.Column(str, nullable=True)
    tables = {
        "documents": {
            "doc_id": pa.Column(str, pa.Check.str_length(min_value=1)), "version": i,
            "cohort": s, "pair_id": nullable_str,
            "source": pa.Column(str, pa.Check.isin(SOURCES)),
            "author_role": pa.Column(str, pa.Check.isin(AUTHOR_ROLES)),
            "stage": s, "date": nullable_str, "path": s,
            "sha256": pa.Column(str, pa.Check.str_length(64, 64)), "text": s,
        },
        "segments": {
            "segment_id": pa.Column(str, unique=True), "doc_id": s, "version": i,
            "cohort": s, "pair_id": nullable_str,
            "source": pa.Column(str, pa.Check.isin(SOURCES)), "stage": s,
            "speaker": nullable_str,
            "speaker_role": pa.Column(str, pa.Check.isin(SPEAKER_ROLES)),
            "start": pa.Column(int, pa.Check.ge(0)), "end": pa.Column(int, pa.Check.ge(0)),
            "text": pa.Column(str, pa.Check.str_length(min_value=1)),
            # optional: the discourse role (`vocabulary.ROLES`) and who decided it (the role
            # rules' label, or human:<name>); missing until a coding run decides it
            "role": pa.Column(str, pa.Check.isin(ROLES), nullable=True, required=False),
            "role_by": pa.Column(str, nullable=True, required=False),
        },
        "codings": {
            "segment_id": s, "code": s, "coder": pa.Column(str, pa.Check.str_length(min_value=1)),
            "score": pa.Column(float, pa.Check.in_range(0.0, 1.0)),
            "valence": pa.Column(str, pa.Check.isin(VALENCES), nullable=True),
            "evidence": nullable_str,
        },
        "responses": {
            "respondent_id": s, "cohort": s, "role": s, "stage": s, "question_id": s,
            "value": pa.Column(float, pa.Check.in_range(1, 10), nullable=True),
            "text": nullable_str,
        },
    }
    checks = []
    if name == "segments":
        checks.append(pa.Check(lambda d: d["end"] > d["start"], name="end_after_start"))
    return pa.DataFrameSchema(tables[name], checks=checks, strict=False, coerce=True)


def validate(df: "pd.DataFrame", name: str) -> "pd.DataFrame":
    """Validate ``df`` against table ``name``, reporting every failure at once.

    Raises
    ------
    RmResearchError
        Listing each failing column and check with a few offending values.
    """
    import pandera.errors as pe

    if name not in COLUMNS:
        raise KeyError(f"unknown table '{name}'; known tables: {sorted(COLUMNS)}")
    try:
        return schema(name).validate(df, lazy=True)
    except pe.SchemaErrors as exc:
        cases = exc.failure_cases
        lines = [f"{r.column}: {r.check} (e.g. {r.failure_case!r})"
                 for r in cases.drop_duplicates(["column", "check"]).head(20).itertuples()]
        raise RmResearchError(f"The {name} table is not valid:\n  - " + "\n  - ".join(lines)) \
            from None
