"""Classes built on first use (their base class lives in a heavy library) that pickle can find.

A class defined inside a function is not importable by name, so pickle (Dask sending a worker
plugin, BERTopic saving a model) could not find it again. `publish` gives the built class its
module-level name, and `module_getattr` makes ``module.<name>`` build it on demand.
"""
from __future__ import annotations

from typing import Any, Callable

__all__ = ["publish", "module_getattr"]


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
