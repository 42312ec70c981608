"""What a published file must never hold (issue 15, item 6): warnings, tracebacks, absolute
paths of the machine and half-replaced names ("Dev Person 24": a real first name left beside
its pseudonym). Used by the published-batch test in test_report.py on every published file."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

__all__ = ["readable_text", "machine_traces", "half_replaced_names", "WARNING_WORDS", "ABSOLUTE_PATH"]

#: words that only a warning, a traceback or a progress bar prints
WARNING_WORDS = re.compile(
    r"Traceback \(most recent call last\)|\b\w*(?:Warning|Error):|warnings\.warn|"
    r"\bDeprecat(?:ed|ion)\b|site-packages|\d+%\|[█▏▎▍▌▋▊▉ ]*\||\bit/s\]", re.IGNORECASE)
#: an absolute path of a Unix or Windows machine
ABSOLUTE_PATH = re.compile(r"(?<![\w.:/])/(?:home|tmp|usr|var|work|root|opt|private|Users|"
                           r"mnt|srv)/[\w.-]|\b[A-Za-z]:\\\\?[\w.-]")
_PSEUDONYM = r"(?:Person \d+|Leader [A-Z]\b|Mentor [A-Z]\b)"


def readable_text(path: Path) -> str:
    """What a reader of a published file sees: a page's text, attributes and image titles
    without its style sheet (the page template's CSS mentions "DEPRECATED" icons); any other
    text file as it is."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix != ".html":
        return raw
    import lxml.html

    root = lxml.html.document_fromstring(raw)
    for style in root.xpath("//style"):
        style.drop_tree()
    attributes = " ".join(v for el in root.iter() if isinstance(el.tag, str)
                          for k, v in el.attrib.items() if not v.startswith("data:"))
    return root.text_content() + "\n" + attributes


def half_replaced_names(text: str, names: Iterable[str]) -> list[str]:
    """Pseudonyms with a word of a real name next to them ("Dev Person 24", "Leader C Patel")."""
    tokens = sorted({t for name in names for t in name.split() if len(t) > 2 and t[0].isupper()})
    if not tokens:
        return []
    words = "|".join(map(re.escape, tokens))
    pattern = re.compile(rf"\b(?:{words})\s+{_PSEUDONYM}|{_PSEUDONYM}\s+(?:{words})\b")
    return sorted(set(pattern.findall(text)))


def machine_traces(text: str, names: Iterable[str] = ()) -> list[str]:
    """Everything machine-ish in ``text``: warning and traceback words, absolute paths, and
    half-replaced ``names``; each found string once, sorted."""
    found = {m.group(0) for m in WARNING_WORDS.finditer(text)}
    found |= {m.group(0) for m in ABSOLUTE_PATH.finditer(text)}
    return sorted(found) + half_replaced_names(text, names)
