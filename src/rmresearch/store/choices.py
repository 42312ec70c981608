"""The mentor's choice of quotes for a pair's feedback sheet (table ``sheet_choices``).

A choice says whether one passage, at one level, goes on the sheet (``keep`` 1) or never
does (``keep`` 0). It is keyed by ``(pair_id, segment_id, code)``, which stays the same
across runs and across machine coders, never by a row number. Choices are a person's work:
no machine run writes this table, and a new choice for the same key is added as a revision
(the latest one counts), so the history is kept.
"""
from __future__ import annotations

import pandas as pd

from .schema import now

__all__ = ["ChoiceWriter", "CHOICE_COLUMNS"]

#: the columns `ChoiceWriter.sheet_choices` returns
CHOICE_COLUMNS = ["pair_id", "segment_id", "code", "keep", "by", "at"]


class ChoiceWriter:
    """`ProjectStore` methods that read and write the mentor's choice of quotes."""

    def sheet_choices(self, pair: str) -> pd.DataFrame:
        """The latest choice for each passage and level of ``pair``.

        Returns
        -------
        DataFrame
            ``pair_id, segment_id, code, keep`` (bool), ``by``, ``at`` (ISO time), ordered by
            segment_id, code; empty when the mentor has chosen nothing yet.
        """
        df = pd.read_sql_query(
            "SELECT c.pair_id, c.segment_id, c.code, c.keep, c.by, c.at FROM sheet_choices c "
            "JOIN (SELECT MAX(choice_id) AS latest FROM sheet_choices WHERE pair_id = ? "
            "GROUP BY segment_id, code) l ON l.latest = c.choice_id "
            "ORDER BY c.segment_id, c.code", self.conn, params=(pair,))
        return df.assign(keep=df["keep"].astype(bool))[CHOICE_COLUMNS]

    def add_sheet_choices(self, pair: str, choices: pd.DataFrame, by: str) -> int:
        """Store the mentor's choices for ``pair`` in one transaction; return how many changed.

        Parameters
        ----------
        pair : the pair id.
        choices : ``segment_id, code, keep`` (bool), one row per passage and level.
        by : who chose (e.g. the review file's name), kept with each choice.

        A choice equal to the latest one stored for its key is not stored again; any other
        is added as a new revision, so earlier choices stay in the store.
        """
        current = self.sheet_choices(pair).set_index(["segment_id", "code"])["keep"]
        at = now()
        rows = [(pair, str(s), str(c), int(bool(k)), by, at)
                for s, c, k in choices[["segment_id", "code", "keep"]].itertuples(index=False)
                if current.get((str(s), str(c))) is None
                or bool(current.get((str(s), str(c)))) != bool(k)]
        with self.transaction() as conn:
            conn.executemany("INSERT INTO sheet_choices (pair_id, segment_id, code, keep, by, "
                             "at) VALUES (?, ?, ?, ?, ?, ?)", rows)
        return len(rows)
