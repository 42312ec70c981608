"""One coding per (segment, code, coder) from a ``.qdpx``'s selections, with its valence.

Tools write a level code and its valence in one selection (rmresearch, ATLAS.ti) or in one
selection per coding (QualCoder, NVivo). `pair_valences` takes both: a valence in the same
selection as level codes is theirs; a valence in a selection of its own is given to the same
coder's level codes on the same segment that have none. When a coder gives one segment two
such valences, which code has which cannot be told: those codes keep no valence, and the
notes say where. `refuse_valence_conflicts` refuses one coder giving the same segment and
code two valences.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import InputError

__all__ = ["pair_valences", "refuse_valence_conflicts", "one_per_coding"]

_KEYS = ["segment_id", "coder"]


def _where(frame: pd.DataFrame, limit: int = 3) -> str:
    shown = [f"{c} on segment '{s}'" for s, c in frame[_KEYS].drop_duplicates()
             .itertuples(index=False, name=None)]
    more = f" (and {len(shown) - limit} more)" if len(shown) > limit else ""
    return ", ".join(shown[:limit]) + more


def pair_valences(rows: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """The level-code rows of ``rows`` with valences from valence-only selections filled in.

    ``rows`` has ``segment_id, code, coder, valence`` (``code`` None: a selection that gives
    only a valence). Notes are added for valences that could not be paired.
    """
    codes = rows[rows["code"].notna()].copy()
    alone = rows[rows["code"].isna() & rows["valence"].notna()]
    if alone.empty:
        return codes
    given = alone.groupby(_KEYS)["valence"].agg(lambda v: sorted(set(v)))
    keys = pd.MultiIndex.from_frame(codes[_KEYS])
    found = given.reindex(keys)
    missing = codes["valence"].isna().to_numpy()
    single = found.map(lambda v: isinstance(v, list) and len(v) == 1).to_numpy()
    several = found.map(lambda v: isinstance(v, list) and len(v) > 1).to_numpy()
    codes.loc[missing & single, "valence"] = [v[0] for v in found[missing & single]]
    if (missing & several).any():
        unsure = codes[missing & several]
        notes.append(f"{len(unsure)} codings keep no valence: the same coder gave their "
                     "segment several valences in selections of their own, so which code has "
                     f"which cannot be told ({_where(unsure)}); give them in a sheet or put "
                     "each valence in the selection of its code.")
    coded = set(codes[_KEYS].itertuples(index=False, name=None))
    lone = alone[[k not in coded for k in alone[_KEYS].itertuples(index=False, name=None)]]
    if not lone.empty:
        notes.append(f"{len(lone)} valence codings were not imported: their coder gave the "
                     f"segment no level code ({_where(lone)}).")
    return codes


def refuse_valence_conflicts(df: pd.DataFrame, path: Path) -> None:
    """Refuse one coder giving the same segment and code two valences (in one selection, or
    in overlapping ones), naming the selections: the first must not silently win."""
    valued = df[df["valence"].notna()]
    keys = ["segment_id", "code", "coder"]
    counts = valued.groupby(keys)["valence"].nunique()
    clashes = counts[counts > 1].index.tolist()
    if not clashes:
        return
    details = []
    for sid, code, coder in clashes[:8]:
        same = valued[(valued["segment_id"] == sid) & (valued["code"] == code)
                      & (valued["coder"] == coder)].drop_duplicates(["valence", "evidence"])
        said = ", ".join(f"'{v}' ({e})" for v, e in zip(same["valence"], same["evidence"]))
        details.append(f"{coder} gives segment '{sid}' code '{code}' the valences {said}")
    more = f" (and {len(clashes) - 8} more)" if len(clashes) > 8 else ""
    raise InputError(f"contradicts itself in {len(clashes)} place(s): " + "; ".join(details)
                     + more + ".", path=path, allowed="one valence per coder for each coded "
                     "passage: remove the extra valence code in the other tool and export again.")


def one_per_coding(df: pd.DataFrame, notes: list[str] | None = None) -> pd.DataFrame:
    """One row per (segment, code, coder): the first that gives a valence, else the first.

    When ``df`` has phrase offsets (``phrase_start, phrase_end``; empty: the whole segment)
    and one coder gave one segment the same code on several parts of it, the row covers
    them all (the whole segment if one of them is), and a note (added to ``notes``) says
    where.
    """
    keys = ["segment_id", "code", "coder"]
    order = df.assign(unset=df["valence"].isna()).sort_values("unset", kind="stable")
    keep = ~order.duplicated(keys)
    out = df.loc[keep[keep].index.sort_values()].reset_index(drop=True)
    if "phrase_start" not in df.columns or not df.duplicated(keys).any():
        return out
    spans = df.groupby(keys, sort=False).agg(
        whole=("phrase_start", lambda v: v.isna().any()), lo=("phrase_start", "min"),
        hi=("phrase_end", "max"), parts=("phrase_start", lambda v: v.nunique(dropna=False)))
    spans = spans.reindex(pd.MultiIndex.from_frame(out[keys]))
    whole, merged = spans["whole"].to_numpy(bool), (spans["parts"] > 1).to_numpy()
    out["phrase_start"] = spans["lo"].where(~whole).to_numpy()
    out["phrase_end"] = spans["hi"].where(~whole).to_numpy()
    joined = out[merged & ~whole]
    if notes is not None and len(joined):
        notes.append(f"{len(joined)} codings join several phrases: their coder gave one "
                     "segment the same code on more than one part of it, which is kept as one "
                     f"phrase from the first part's start to the last part's end "
                     f"({_where(joined)}).")
    return out
