"""The report parameters, named once: what every report notebook takes and `open_report` accepts.

Each `Parameter` has a name, a type, a default, the words that explain it in a notebook's
parameters cell and, where the ``rmresearch report`` command has an option of that name, the
option's help text. Everything else takes them from here:

- ``tools/build_notebooks.py`` writes the notebooks' parameters cells (`Parameter.cell_line`);
- the report batch builds the parameters every notebook gets (`batch_parameters`);
- `rmresearch.report.context.open_report` takes its defaults from `DEFAULTS` (a test checks
  that its signature matches `PARAMETERS`);
- the command line takes defaults and help texts (`DEFAULTS`, `cli_help`).

`PARAMETERS` are the ones every notebook has; `NOTEBOOK_PARAMETERS` those only some notebooks
have (the cohort, the pair ...). The module imports nothing heavy: the command line may import
it at start-up.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

__all__ = ["REQUIRED", "Parameter", "PARAMETERS", "NOTEBOOK_PARAMETERS", "DEFAULTS",
           "parameter", "cli_help", "parameters_cell", "batch_parameters"]


class _Required:
    """The default of a parameter that has none (the caller must give it)."""

    def __repr__(self) -> str:
        return "REQUIRED"


#: the default of a parameter that must be given (``output``)
REQUIRED: Any = _Required()
_SAME: Any = object()


def _literal(value: Any) -> str:
    """A default as Python source: strings in double quotes, others as `repr` writes them."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else repr(value)


@dataclass(frozen=True)
class Parameter:
    """One report parameter.

    Parameters
    ----------
    name : str
        The notebook variable and keyword argument, e.g. ``min_cell``.
    type : type
        ``str``, ``bool``, ``int`` or ``float``.
    default : Any
        The value used when none is given (`REQUIRED`: it must be given).
    help : str
        What it means, as the comment in a notebook's parameters cell.
    cli_help : str
        The help text of the ``rmresearch report`` option for it ("" when the command has
        none). ``pseudonymise`` is the ``--no-pseudonymise`` flag on the command line.
    notebook_default : Any
        The value a notebook's parameters cell shows when it differs from ``default``
        (``data`` is ``"data/synthetic"`` there, so a notebook runs on its own).
    """

    name: str
    type: type
    default: Any
    help: str
    cli_help: str = ""
    notebook_default: Any = _SAME

    def cell_line(self, default: Any = _SAME, help: str | None = None) -> str:
        """The parameter's line in a notebook's parameters cell.

        ``default`` and ``help`` replace the notebook default and the comment for one
        notebook. Example: ``min_cell: int = 5  # counts below this are suppressed ...``.
        """
        value = default if default is not _SAME else (
            self.default if self.notebook_default is _SAME else self.notebook_default)
        if value is REQUIRED:
            raise ValueError(f"the notebook needs a default for {self.name!r}")
        return f"{self.name}: {self.type.__name__} = {_literal(value)}  # {help or self.help}"


#: every notebook's parameters and `open_report`'s keyword arguments, in that order
PARAMETERS: tuple[Parameter, ...] = (
    Parameter("data", str, "", "data folder with manifest.csv (empty: use the store as it is)",
              "Folder holding manifest.csv and the files.", notebook_default="data/synthetic"),
    Parameter("store", str, "", "project store file (empty: .rmresearch/<data folder>.rmproj)",
              "Project store (default: .rmresearch/<data folder>.rmproj)."),
    Parameter("output", str, REQUIRED, "folder for tables and figures",
              "Folder for the appendices, tables, figures, index.html and manifest.json."),
    Parameter("pseudonymise", bool, True,
              "replace names with pseudonyms in everything published",
              "Publish real names. Off by default; recorded in the manifest."),
    Parameter("key", str, "",
              "pseudonym key file (empty: beside the project store; never inside outputs)"),
    Parameter("min_cell", int, 5,
              "counts below this are suppressed in published tables (0 turns it off)",
              "Suppress counts below this in published tables (0 turns suppression off)."),
    Parameter("seed", int, 42, "random seed", "Random seed for topic modelling and sampling."),
    Parameter("codebook", str, "", "codebook YAML (empty: the shipped four-level frame)",
              "Codebook YAML (default: the shipped four-level frame)."),
)

#: parameters only some notebooks have
NOTEBOOK_PARAMETERS: tuple[Parameter, ...] = (
    Parameter("cohort", str, "C1", "the cohort this appendix reports on"),
    Parameter("cohorts", str, "", "comma-separated cohorts to include (empty: all)"),
    Parameter("min_topic_size", int, 10, "smallest group of passages that counts as a topic"),
    Parameter("coders", str, "",
              "comma-separated coders (empty: every human coder and the machine)"),
    Parameter("threshold", float, 0.67, "alpha a code needs for the machine to be trusted on it"),
    Parameter("pair", str, "C1-P02", "the mentoring pair this sheet is for, e.g. C1-P02"),
    Parameter("reveal_leader", bool, False,
              "put the leader's real name on the sheet (nobody else is ever named)"),
    Parameter("quotes", int, 3, "most quotes per level and kind of finding"),
    Parameter("staff_min", int, 3, "fewest staff notes before staff are quoted word for word"),
    Parameter("review_file", bool, False, "also write quotes_<pair>.xlsx: every quote the "
              "sheet could show, to choose from"),
)

_BY_NAME: dict[str, Parameter] = {p.name: p for p in PARAMETERS + NOTEBOOK_PARAMETERS}

#: name -> default of every parameter in `PARAMETERS` that has one
DEFAULTS: dict[str, Any] = {p.name: p.default for p in PARAMETERS if p.default is not REQUIRED}


def parameter(name: str) -> Parameter:
    """The parameter called ``name`` (from `PARAMETERS` or `NOTEBOOK_PARAMETERS`).

    Raises
    ------
    KeyError
        No report parameter has that name; the message lists the known ones.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no report parameter {name!r}; known: {', '.join(_BY_NAME)}") from None


def cli_help(name: str) -> str:
    """The help text of the ``rmresearch report`` option for parameter ``name``."""
    found = parameter(name)
    if not found.cli_help:
        raise KeyError(f"the report command has no option for {name!r}")
    return found.cli_help


def parameters_cell(*names: str) -> str:
    """Lines of a parameters cell for ``names``, each with its notebook default and comment."""
    return "\n".join(parameter(name).cell_line() for name in names)


def batch_parameters(**values: Any) -> dict[str, Any]:
    """The parameters every notebook of a batch gets: each of `PARAMETERS` but ``output``
    (which each notebook has its own of), in list order, ``values`` over the defaults.

    Raises
    ------
    KeyError
        A name in ``values`` is not one of `PARAMETERS` (or is ``output``).
    """
    names = [p.name for p in PARAMETERS if p.name != "output"]
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise KeyError(f"not a batch parameter: {', '.join(unknown)}; known: {', '.join(names)}")
    return {name: values.get(name, DEFAULTS[name]) for name in names}
