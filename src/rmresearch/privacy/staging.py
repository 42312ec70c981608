"""Publishing through the leak check: written under hidden names, checked, then renamed.

Every command that publishes (the report batch, ``rmresearch feedback``, ``rmresearch
export project``) writes what it will publish into a `Stage`: a hidden folder inside the
output folder (``.rmresearch-unchecked-<random>/``), where no reader looks and
`rmresearch.report.index.published_files` does not list. When the run is done,
`Stage.publish` leak-checks every file still unchecked (`rmresearch.privacy.leak_check`),
moves the files that hold a real name or identifier to the private quarantine, and only then
renames the clean files to their published names. So a crash or a kill at any point leaves
nothing unchecked under a published name: the unchecked files are still under the hidden
folder.

A stage holds an exclusive lock (``fcntl.flock`` on ``.lock`` inside it) for as long as its run
lives. `sweep_leftovers` (run whenever a stage is opened) removes stages nobody holds any more,
that is those of runs that were killed or crashed, as well as loose hidden partial files
(``.<name>.partial.<ext>``, ``.<name>.<random>.tmp``) that runs writing without a stage left
behind. Leftovers are deleted, not published and not kept: they were never checked and may
hold real names.

Typical use::

    with Stage(output, quarantine=quarantine_dir(store, output)) as stage:
        write_everything_into(stage.path)
        result = stage.publish(key)            # raises nothing; see result.leaks
    if result.leaks:
        raise LeakError(result.leaks)
"""
from __future__ import annotations

import os
import secrets
import shutil
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..errors import LeakError
from .key import PseudonymKey
from .leakcheck import Leak, leak_check
from .quarantine import quarantine_leaks

try:  # POSIX; elsewhere abandoned stages are recognised by age
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = ["STAGE_PREFIX", "Stage", "Published", "sweep_leftovers", "without_people",
           "leak_error"]

STAGE_PREFIX = ".rmresearch-unchecked-"
_LOCK = ".lock"
_PARTIAL_SUFFIXES = (".tmp",)
_STALE_SECONDS = 24 * 3600  # without file locks: a stage this old is abandoned


@dataclass
class Published:
    """What `Stage.publish` did.

    ``files``: the published files (final paths); ``leaks``: leak-check findings, each naming
    the file by its published path; ``withheld``: the files moved to ``quarantine`` instead
    (paths relative to the output folder, POSIX style).
    """

    files: list[Path] = field(default_factory=list)
    leaks: list[Leak] = field(default_factory=list)
    withheld: list[str] = field(default_factory=list)
    quarantine: Path | None = None

    @property
    def ok(self) -> bool:
        """True when nothing leaked."""
        return not self.leaks


def without_people(key: PseudonymKey, pseudonyms: Iterable[str]) -> PseudonymKey:
    """A copy of ``key`` without the people of ``pseudonyms`` (a leader named on purpose)."""
    drop = set(pseudonyms)
    copy = key.copy()
    copy.people = [p for p in copy.people if p.pseudonym not in drop]
    return copy


def _is_abandoned(stage: Path) -> bool:
    """True when no live run holds ``stage`` (its lock is free, or it is old and lockless)."""
    lock = stage / _LOCK
    try:
        age = time.time() - stage.stat().st_mtime
    except OSError:
        return False
    if fcntl is None:
        return age > _STALE_SECONDS
    if not lock.exists():
        return age > 60          # a stage being created has its lock a moment later
    try:
        with open(lock, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    except OSError:              # BlockingIOError: a live run holds it
        return False
    return True


def _is_loose_partial(path: Path) -> bool:
    name = path.name
    return name.startswith(".") and (".partial." in name or name.endswith(_PARTIAL_SUFFIXES))


def sweep_leftovers(output: str | Path, *, partials: bool = True) -> list[str]:
    """Delete what killed or crashed runs left in ``output``: abandoned stages and (with
    ``partials``) loose hidden partial files anywhere under it. Return what was removed
    (relative paths, sorted).

    Stages held by a live run are left alone, as is everything inside them. Pass
    ``partials=False`` for a folder that is not an output folder of its own (the folder a
    single exported file goes to), so only stages are looked for, at its top.
    """
    output = Path(output)
    if not output.is_dir():
        return []
    removed: list[str] = []
    live: list[Path] = []
    for stage in sorted(output.glob(STAGE_PREFIX + "*")):
        if stage.is_dir() and _is_abandoned(stage):
            shutil.rmtree(stage, ignore_errors=True)
            removed.append(stage.name)
        elif stage.is_dir():
            live.append(stage)
    for path in sorted(output.rglob(".*")) if partials else []:
        if path.is_file() and _is_loose_partial(path) and \
                not any(stage in path.parents for stage in live):
            path.unlink(missing_ok=True)
            removed.append(path.relative_to(output).as_posix())
    return sorted(removed)


class Stage:
    """A hidden folder in ``output`` where a run writes what it will publish.

    Parameters
    ----------
    output : the folder the files are published into (created when missing).
    quarantine : the private folder for files that fail the leak check
        (`rmresearch.paths.quarantine_dir`); None when nothing is checked.
    last : published names (relative to ``output``) renamed after every other file, so a
        front page appears only when everything it points to is in place.
    partials : sweep loose hidden partial files under ``output`` too (see
        `sweep_leftovers`); False when ``output`` is just the folder of one exported file.

    Use it as a context manager: entering sweeps the leftovers of killed runs
    (`sweep_leftovers`) and creates the stage; leaving removes the stage and anything still
    in it (after an error nothing of the run is published).
    """

    def __init__(self, output: str | Path, *, quarantine: str | Path | None = None,
                 last: Sequence[str] = ("index.html", "manifest.json"),
                 partials: bool = True) -> None:
        self.output = Path(output)
        self.quarantine = Path(quarantine) if quarantine is not None else None
        self.last = tuple(last)
        self.partials = partials
        self.path = self.output / f"{STAGE_PREFIX}{secrets.token_hex(6)}"
        self._lock: Any = None
        self._checked: dict[Path, tuple[int, int]] = {}
        self.result = Published(quarantine=self.quarantine)

    # -- life -----------------------------------------------------------------------------
    def __enter__(self) -> "Stage":
        self.output.mkdir(parents=True, exist_ok=True)
        sweep_leftovers(self.output, partials=self.partials)
        self.path.mkdir()
        self._lock = open(self.path / _LOCK, "a+b")
        if fcntl is not None:
            fcntl.flock(self._lock.fileno(), fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Remove the stage and whatever is still in it (never published), and unlock."""
        if self._lock is not None:
            self._lock.close()
            self._lock = None
        shutil.rmtree(self.path, ignore_errors=True)

    # -- paths ----------------------------------------------------------------------------
    def staged(self, published: str | Path) -> Path:
        """Where the file to be published as ``output/published`` is written in the stage."""
        return self.path / Path(published)

    def published_path(self, staged: str | Path) -> Path:
        """The published path of a file in the stage."""
        return self.output / Path(staged).resolve().relative_to(self.path.resolve())

    def files(self) -> list[Path]:
        """Every file written into the stage (its lock excluded), sorted."""
        lock = self.path / _LOCK
        return sorted(p for p in self.path.rglob("*") if p.is_file() and p != lock)

    # -- checking and publishing ----------------------------------------------------------
    def _unchecked(self, files: Iterable[Path] | None) -> list[Path]:
        chosen = self.files() if files is None else [Path(f) for f in files]
        out = []
        for f in chosen:
            if not f.is_file():
                continue
            st = f.stat()
            if self._checked.get(f.resolve()) != (st.st_size, st.st_mtime_ns):
                out.append(f)
        return out

    def check(self, key: PseudonymKey | None, files: Iterable[Path] | None = None, *,
              allow: Mapping[str, Sequence[str]] | None = None) -> list[Leak]:
        """Leak-check staged ``files`` (default: every file not checked since it last
        changed) and move the leaking ones to the quarantine.

        ``allow`` maps a published path (relative to ``output``, POSIX style) to pseudonyms
        whose real names it may hold (a leader named on their own sheet on purpose).
        Returns the findings, each naming its file by the published path. With ``key`` None
        (pseudonymisation turned off on purpose) nothing is checked.
        """
        todo = self._unchecked(files)
        if key is None or not todo:
            return []
        allow = dict(allow or {})
        found: list[Leak] = []
        plain = [f for f in todo if self._rel(f) not in allow]
        found += leak_check(plain, key) if plain else []
        for f in todo:
            if self._rel(f) in allow:
                found += leak_check([f], without_people(key, allow[self._rel(f)]))
        for f in todo:
            st = f.stat()
            self._checked[f.resolve()] = (st.st_size, st.st_mtime_ns)
        if found:
            self._withhold(found)
        return self._record(found)

    def _rel(self, staged: Path) -> str:
        return Path(staged).resolve().relative_to(self.path.resolve()).as_posix()

    def _withhold(self, found: list[Leak]) -> None:
        if self.quarantine is None:
            for leak in found:
                Path(leak.file).unlink(missing_ok=True)
            moved = sorted({self._rel(Path(leak.file)) for leak in found})
        else:
            moved = quarantine_leaks(self.path, found, self.quarantine)
        self.result.withheld = sorted(set(self.result.withheld) | set(moved))

    def _record(self, found: list[Leak]) -> list[Leak]:
        shown = [replace(leak, file=str(self.output / self._rel(Path(leak.file))))
                 for leak in found]
        self.result.leaks += shown
        return shown

    def publish(self, key: PseudonymKey | None, *,
                allow: Mapping[str, Sequence[str]] | None = None) -> Published:
        """Check every file not checked yet (see `check`), then rename the clean files to
        their published names (``last`` ones last) and empty the stage.

        Returns
        -------
        Published
            The published files, the leak findings and the files withheld; nothing that
            leaked is published.
        """
        self.check(key, allow=allow)
        files = self.files()
        order = sorted(files, key=lambda f: (self._rel(f) in self.last,
                                             self.last.index(self._rel(f))
                                             if self._rel(f) in self.last else 0,
                                             self._rel(f)))
        for rel in self.result.withheld:   # an earlier run's version is stale: not kept
            (self.output / rel).unlink(missing_ok=True)
        for f in order:
            dest = self.output / self._rel(f)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(f, dest)
            self.result.files.append(dest)
        return self.result


def leak_error(result: Published) -> LeakError:
    """The error a publishing command stops with when ``result`` has leaks: each finding
    (file, place, pseudonym; never the real name) and where the withheld files went."""
    error = LeakError(result.leaks)
    where = f" to {result.quarantine} (private, like the pseudonym key)" \
        if result.quarantine is not None else " and deleted"
    note = (f"\nLeak check FAILED: {len(result.withheld)} file(s) holding real names or "
            f"identifiers were not published; they were moved{where}: "
            + ", ".join(result.withheld) + ". Do not share this output until the names are "
            "pseudonymised (add them to the key's extra names, or fix the notes).")
    error.args = (str(error) + note,)
    return error
