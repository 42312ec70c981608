"""The themes tier: the shipped themes file, and validation of every problem at once."""
from __future__ import annotations

from pathlib import Path

import pytest

from rmresearch.codebook import LEVELS, default_codebook, load_codebook
from rmresearch.codebook.themes import default_themes, level_of, load_themes, other_theme
from rmresearch.errors import CodebookError

REQUIRED = {
    "individual": ["inclusive language", "names and pronunciation", "humour and banter",
                   "listening and voice", "public praise", "challenge of behaviour"],
    "departmental": ["recruitment and panels", "promotion and acting-up",
                     "development and shadowing", "bullying and harassment handling",
                     "meetings and voice"],
    "organisational": ["wres and data", "board and targets", "staff networks",
                       "awards and nominations", "edi strategy and policy", "staff survey"],
    "symbolic": ["who is pictured", "front-of-house and visible posts", "role models",
                 "noticeboards and materials", "badges and signs"],
}

SMALL = """
name: small themes
version: "2"
codes:
{themes}
"""


def _theme(tid: str, parent: str, definition: str = "What it covers.",
           extra: str = '    examples: ["A finding about it."]\n') -> str:
    return f"  - id: {tid}\n    parent: {parent}\n    definition: {definition}\n{extra}"


def _small(path: Path, *themes: str) -> Path:
    body = "".join(themes) or "".join(_theme(other_theme(lv), lv) for lv in LEVELS)
    path.write_text(SMALL.format(themes=body), encoding="utf-8")
    return path


def test_shipped_themes_cover_the_issue_list_under_each_level() -> None:
    themes = default_themes()
    assert default_themes() is themes  # cached
    assert [c.id for c in themes.children(None)] == list(LEVELS)
    for level, names in REQUIRED.items():
        children = themes.children(level)
        assert [c.name.lower() for c in children[:-1]] == names
        assert children[-1].id == other_theme(level) == f"{level}.other"
        for code in children:
            assert code.parent == level and level_of(code.id) == level
            assert len(code.definition) > 100 and code.include and code.exclude
            assert len(code.examples) >= 6
            assert len({e.text for e in code.examples}) == len(code.examples)
            assert {e.valence for e in code.examples} >= {"positive", "attention"}
            if code is not children[-1]:
                assert len(code.patterns) >= 5
    assert len(themes.hash) == 12 and themes.hash != default_codebook().hash


def test_theme_examples_are_not_copied_from_the_levels_codebook() -> None:
    level_texts = {e.text for c in default_codebook().codes for e in c.examples}
    theme_texts = {e.text for c in default_themes().codes for e in c.examples}
    assert theme_texts and not theme_texts & level_texts


def test_levels_are_parents_only_and_themes_keep_file_order(tmp_path: Path) -> None:
    path = _small(tmp_path / "t.yaml",
                  _theme("individual.names", "individual"),
                  *(_theme(other_theme(lv), lv) for lv in LEVELS))
    themes = load_themes(path)
    assert themes.ids == [*LEVELS, "individual.names", *(other_theme(lv) for lv in LEVELS)]
    assert themes["individual"].examples == () and themes["individual"].patterns == ()
    assert themes["individual"].definition == default_codebook()["individual"].definition
    assert [c.id for c in themes.children("individual")] == ["individual.names",
                                                             "individual.other"]
    assert themes.name == "small themes" and themes.version == "2"
    assert themes.valence == default_codebook().valence


def test_hash_follows_content_not_formatting(tmp_path: Path) -> None:
    a = _small(tmp_path / "a.yaml")
    b = tmp_path / "b.yaml"
    b.write_text("# comment\n" + a.read_text(encoding="utf-8"), encoding="utf-8")
    c = tmp_path / "c.yaml"
    c.write_text(a.read_text(encoding="utf-8").replace("What it covers.", "What it holds."),
                 encoding="utf-8")
    assert load_themes(a).hash == load_themes(b).hash != load_themes(c).hash


def test_every_problem_is_reported_at_once_with_where_and_what_is_allowed(
        tmp_path: Path) -> None:
    path = _small(
        tmp_path / "bad.yaml",
        _theme("individual.names", "individual"),
        _theme("individual.names", "individual"),
        _theme("Names Of People", "individual"),
        _theme("departmental.panels", "individual"),
        _theme("symbolic.pictures", "visual"),
        _theme("individual.empty", "individual", extra=""),
        _theme("organisational.data", "organisational", definition='""'),
        _theme(other_theme("individual"), "individual"),
        _theme(other_theme("departmental"), "departmental"),
        _theme(other_theme("symbolic"), "symbolic"),
    )
    path.write_text(path.read_text(encoding="utf-8") + "valence: {}\n", encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_themes(path)
    problems = info.value.problems
    text = "\n".join(problems)
    assert str(path) in str(info.value)
    assert "codes[2]: duplicate id 'individual.names' (first used at codes[1])" in text
    assert "codes[3]: id 'Names Of People' must be '<level>.<theme>'" in text
    assert ("codes[4] (id 'departmental.panels'): the id must start with its parent level: "
            "'individual.panels'") in text
    assert ("codes[5] (id 'symbolic.pictures'): parent 'visual' is not a level; every theme "
            "sits under one level: 'individual', 'departmental', 'organisational' or "
            "'symbolic'") in text
    assert "codes[6] (id 'individual.empty'): has neither examples nor patterns" in text
    assert "codes[7] (id 'organisational.data'): definition is empty" in text
    assert "level 'organisational': has no 'organisational.other' theme" in text
    assert "top level: unknown key(s) 'valence'" in text
    assert len(problems) == 8


def test_themes_are_checked_against_the_levels_codebook_given(tmp_path: Path) -> None:
    levels = tmp_path / "levels.yaml"
    levels.write_text("codes:\n  - id: team\n    definition: The team.\n"
                      "  - id: trust\n    definition: The trust.\n", encoding="utf-8")
    codebook = load_codebook(levels)
    good = _small(tmp_path / "good.yaml", _theme("team.rota", "team"),
                  _theme("team.other", "team"), _theme("trust.other", "trust"))
    themes = load_themes(good, codebook)
    assert [c.id for c in themes.children(None)] == ["team", "trust"]
    with pytest.raises(CodebookError) as info:
        load_themes(_small(tmp_path / "shipped_levels.yaml"), codebook)
    text = "\n".join(info.value.problems)
    assert "parent 'individual' is not a level" in text and "'team' or 'trust'" in text
    assert "level 'team': has no 'team.other' theme" in text


def test_unreadable_files_say_what_is_wrong(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="file not found"):
        load_themes(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("codes:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"line \d+, column \d+: not valid YAML"):
        load_themes(broken)
    listed = tmp_path / "list.yaml"
    listed.write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="must hold a mapping"):
        load_themes(listed)
