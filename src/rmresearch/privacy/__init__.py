"""Confidentiality: pseudonyms for people and identifiers, and the leak check.

Typical use::

    from rmresearch.privacy import (PseudonymKey, Pseudonymiser, build_key,
                                    default_key_path, assert_no_leaks)
    key_path = default_key_path("project.sqlite")            # project.key.json
    existing = PseudonymKey.load(key_path) if key_path.exists() else None
    key = build_key(store.documents(), store.segments(), extra_names=["Dr Jo Bloggs"],
                    existing=existing)
    key.save(key_path)                                       # never under outputs/
    ps = Pseudonymiser(key)
    published = ps.frame(store.segments(), ["text"])         # speaker column mapped too
    ...
    assert_no_leaks(["outputs/run-1"], key)                  # before anything is shared

Pseudonyms: the pair's mentor "Mentor A", its mentee (the senior leader) "Leader A" (one
letter per pair), everyone else "Person 1", "Person 2" ...; identifiers "[email 1]",
"[phone 1]", "[NHS number 1]", "[staff id 1]". See `build` for the order pseudonyms are
given in, `matcher` for the matching rules (including names that are also words, short
forms and the whole-name rule), `detect` and `candidates` for name detection, `leakcheck`
for the formats scanned and `staging` for publishing through the check. Small-cell
suppression is `rmresearch.privacy.suppress`.
"""
from __future__ import annotations

from .build import build_key
from .detect import detect_names, detect_names_many, load_nlp
from .identifiers import DEFAULT_STAFF_ID_PATTERN, find_identifiers, nhs_check_digit_ok
from .key import Identifier, Person, PseudonymKey, PseudonymKeyError, default_key_path
from .leakcheck import Leak, LeakError, assert_no_leaks, leak_check
from .pseudonymise import Pseudonymiser
from .recall import load_cases, name_recall

__all__ = ["PseudonymKey", "PseudonymKeyError", "Person", "Identifier", "default_key_path",
           "build_key", "Pseudonymiser", "detect_names", "detect_names_many", "load_nlp",
           "name_recall", "load_cases", "find_identifiers", "nhs_check_digit_ok",
           "DEFAULT_STAFF_ID_PATTERN", "Leak", "LeakError", "leak_check", "assert_no_leaks"]
