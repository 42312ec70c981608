"""The codebook format: the shipped frame, validation of every problem at once, the hash."""
from __future__ import annotations

from pathlib import Path

import pytest

from rmresearch.codebook import LEVELS, default_codebook, load_codebook
from rmresearch.errors import CodebookError

GOOD = """
name: test frame
codes:
  - id: individual
    name: Individual
    definition: The leader's own behaviour.
    colour: "#112233"
    examples: ["She thanked the porters by name.", {text: "He joked about accents.", valence: attention}]
    patterns: ["inclusive language", {tokens: [{LEMMA: praise}, {LOWER: staff}]}]
  - id: sub
    parent: individual
    definition: A child code.
"""


def test_default_codebook_has_the_four_levels_with_rich_content() -> None:
    cb = default_codebook()
    assert cb.ids[:4] == list(LEVELS)
    for level in LEVELS:
        code = cb[level]
        assert len(code.definition) > 200
        assert len(code.include) >= 4 and len(code.exclude) >= 3
        assert len(code.examples) >= 20 and len(code.patterns) >= 10
        valences = {e.valence for e in code.examples}
        assert {"positive", "attention"} <= valences
    assert len(cb.not_codable_examples) >= 20
    assert set(cb.valence) == {"positive", "attention", "neutral"}
    assert len(cb.hash) == 12


def test_hash_ignores_formatting_but_not_content(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.yaml", tmp_path / "b.yaml", tmp_path / "c.yaml"
    a.write_text(GOOD, encoding="utf-8")
    b.write_text("# a comment\n" + GOOD.replace("name: test frame", "name:   test frame"),
                 encoding="utf-8")
    c.write_text(GOOD.replace("own behaviour", "own behaviours"), encoding="utf-8")
    assert load_codebook(a).hash == load_codebook(b).hash != load_codebook(c).hash
    cb = load_codebook(a)
    assert cb["individual"].examples[1].valence == "attention"
    assert cb["individual"].patterns[1].tokens[0] == {"LEMMA": "praise"}
    assert [c.id for c in cb.children("individual")] == ["sub"]


def test_every_problem_is_reported_at_once_with_its_location(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("""
codes:
  - id: individual
    definition: ok
    colour: red
    colours: "#000000"
  - id: individual
    definition: dup
  - id: a
    parent: b
    definition: x
  - id: b
    parent: a
    definition: y
  - id: orphan
    parent: nowhere
    definition: "  "
""", encoding="utf-8")
    with pytest.raises(CodebookError) as info:
        load_codebook(bad)
    text = str(info.value)
    assert len(info.value.problems) >= 6
    for needle in ("colour 'red'", "unknown key(s) 'colours'", "duplicate id 'individual'",
                   "parent cycle", "unknown parent 'nowhere'", "definition is empty",
                   "codes[1]", "codes[5]", str(bad)):
        assert needle in text


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.yaml"
    bad.write_text("codes:\n  - id: x\n    definition: [unclosed\n", encoding="utf-8")
    with pytest.raises(CodebookError, match="line"):
        load_codebook(bad)


def test_an_unquoted_on_in_a_token_pattern_is_named_not_a_spacy_traceback(tmp_path: Path
                                                                          ) -> None:
    """YAML reads ``{LOWER: on}`` as ``{LOWER: true}``; the codebook says so and where,
    while ``{LIKE_NUM: true}`` stays a valid pattern."""
    bad = tmp_path / "on.yaml"
    bad.write_text(GOOD.replace("{LOWER: staff}", "{LOWER: on}, {LIKE_NUM: true}"),
                   encoding="utf-8")
    with pytest.raises(CodebookError, match=r"patterns\[2\], token 2: LOWER is True.*quotes"):
        load_codebook(bad)
    ok = tmp_path / "quoted.yaml"
    ok.write_text(GOOD.replace("{LOWER: staff}", '{LOWER: "on"}, {LIKE_NUM: true}'),
                  encoding="utf-8")
    assert load_codebook(ok)["individual"].patterns[1].tokens[1] == {"LOWER": "on"}


def test_missing_file_is_a_codebook_error(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="not found"):
        load_codebook(tmp_path / "nope.yaml")


def test_codebook_words_and_names_stay_importable_from_rmresearch_codebook() -> None:
    from rmresearch import codebook, vocabulary

    assert codebook.LEVELS is vocabulary.LEVELS
    assert codebook.VALENCES is vocabulary.VALENCES
    for name in ("Codebook", "Code", "Example", "Pattern", "ValenceDef", "load_codebook",
                 "default_codebook", "parse_codebook", "content_hash", "DEFAULT_CODEBOOK_PATH"):
        assert name in codebook.__all__ and hasattr(codebook, name), name
    assert codebook.DEFAULT_CODEBOOK_PATH == "codebooks/edi_levels.yaml"
    assert load_codebook(None).hash == default_codebook().hash
