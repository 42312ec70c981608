"""Classes built on first use (their base class lives in a heavy library) that pickle can find.

Also `lazy_exports`, the one way a package names its public API without importing it: the
submodule holding a name is imported when the name is first used, so ``import rmresearch`` and
``rmresearch --help`` load no heavy library.

A class defined inside a function is not importable by name, so pickle (Dask sending a worker
plugin, BERTopic saving a model) could not find it again. `publish` gives the built class its
module-level name, and `module_getattr` makes ``module.<name>`` build it on demand.
"""
from __future__ import annotations

from typing import Any, Callable

__all__ = ["publish", "module_getattr", "lazy_exports"]


def publish(cls: type, module: str, name: str) -> type:
    """Name ``cls`` as the module attribute ``module.name`` (for pickle); return it."""
    cls.__module__, cls.__qualname__ = module, name
    return cls


def module_getattr(module: str, builders: dict[str, Callable[[], type]]
                   ) -> Callable[[str], Any]:
    """A module ``__getattr__`` that builds each lazily defined class in ``builders``."""
    def __getattr__(name: str) -> Any:
        if name in builders:
            return builders[name]()
        raise AttributeError(f"module {module!r} has no attribute {name!r}")

    return __getattr__


def lazy_exports(package: str, names: dict[str, str]
                 ) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's ``__getattr__`` and ``__dir__`` for ``names`` (public name -> submodule).

    Parameters
    ----------
    package : str
        The package's ``__name__``.
    names : dict of str to str
        Each public name and the submodule (relative to ``package``) that defines it.

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)`` to assign at the package's module level.
    """
    import importlib
    import sys

    def __getattr__(name: str) -> Any:
        if name in names:
            value = getattr(importlib.import_module(f"{package}.{names[name]}"), name)
            setattr(sys.modules[package], name, value)
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(names) | set(vars(sys.modules[package])))

    return __getattr__, __dir__
