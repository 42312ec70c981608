"""Old module paths (before the package layout) still import, with a DeprecationWarning."""
from __future__ import annotations

import importlib
import pickle
import sys
import warnings

import pytest

from rmresearch.moved import MOVED


@pytest.mark.parametrize("old", sorted(MOVED))
def test_every_old_path_forwards_to_its_new_module_with_a_warning(old: str) -> None:
    sys.modules.pop(old, None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        module = importlib.import_module(old)
    assert [w for w in caught if issubclass(w.category, DeprecationWarning)
            and MOVED[old] in str(w.message)]
    new = importlib.import_module(MOVED[old])
    public = getattr(new, "__all__", None) or [n for n in vars(new) if not n.startswith("_")]
    for name in public:
        assert getattr(module, name) is getattr(new, name), name
    with pytest.raises(AttributeError):
        module.no_such_name  # noqa: B018


def test_a_pickle_naming_the_old_topics_module_still_loads() -> None:
    """BERTopic models saved before the move name the embedding backend by its old module."""
    from rmresearch.analysis import topics

    new = pickle.dumps(topics._FunctionEmbedder, protocol=0)
    old = new.replace(b"rmresearch.analysis.topics", b"rmresearch.topics")
    assert old != new
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        assert pickle.loads(old) is topics._FunctionEmbedder


def test_new_names_do_not_warn() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        for new in sorted(set(MOVED.values())):
            importlib.import_module(new)
