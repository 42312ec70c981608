"""Segmentation: offsets always slice the document text exactly; ids are stable."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from rmresearch.ingest.segment import detect_turns, segment_id, segment_text, split_sentences

_alphabet = st.characters(blacklist_categories=("Cs",))
_texty = st.text(alphabet=st.sampled_from(list("abc XYZ.!?:\n\t-*'\u2019\u00e9\u05d0\U0001F600"
                                               "DrMs123")), max_size=300)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=_alphabet, max_size=400), _texty))
def test_offsets_slice_the_text_exactly(text: str) -> None:
    turns = detect_turns(text, ["Amara Okafor", "Helen Marsh"])
    spans = segment_text(text, turns)
    last_end = -1
    for span in spans:
        piece = text[span.start:span.end]
        assert piece and piece == piece.strip()
        assert "\n" not in piece
        assert span.start >= last_end  # in order, never overlapping
        last_end = span.end


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=_alphabet, max_size=200))
def test_segmenting_twice_gives_the_same_ids(text: str) -> None:
    def ids() -> list[str]:
        return [segment_id("d", "sha", s.start, s.end) for s in segment_text(text, None)]
    assert ids() == ids()


def test_sentences_respect_abbreviations_and_lines() -> None:
    text = "Dr. Okafor met Mr Jones at 9. She said e.g. panels matter! Did he agree?\nNew line here"
    pieces = [text[a:b] for a, b in split_sentences(text)]
    assert pieces == ["Dr. Okafor met Mr Jones at 9.", "She said e.g. panels matter!",
                      "Did he agree?", "New line here"]


def test_note_prefixes_are_not_speakers_but_repeated_names_are() -> None:
    assert detect_turns("Note: the room was cold.\nAlso quiet.") is None
    text = "Sam: hello there.\nJo: hi.\nSam: bye."
    turns = detect_turns(text)
    assert [t.speaker for t in turns] == ["Sam", "Sam"] or [t.speaker for t in turns] == [
        "Sam", "Jo", "Sam"]
    known = detect_turns(text, ["Jo Bloggs"])
    assert [t.speaker for t in known] == ["Sam", "Jo", "Sam"]
    assert [text[t.start:t.end].strip() for t in known] == ["hello there.", "hi.", "bye."]


def test_a_mentors_repeated_labels_are_not_speakers() -> None:
    notes = ("Concern: the rota went up with no names for the night shift.\n"
             "Positive: she thanked the porter by name at handover.\n"
             "Concern: the agency nurse was not introduced to anyone.\n"
             "Positive: the team brief started on time.\n"
             "Action: ask about the acting-up list next week.\n"
             "Action: bring the WRES figures.\n")
    assert detect_turns(notes) is None
    # a name that is also a word is still a speaker when it takes turns in a transcript
    talk = ("Grace: we started late.\nHope: I noticed that too.\nGrace: and nobody minded.\n"
            "Hope: I did.")
    assert [t.speaker for t in detect_turns(talk)] == ["Grace", "Hope", "Grace", "Hope"]


def test_changed_document_gets_new_ids() -> None:
    assert segment_id("d1", "a" * 64, 0, 5) != segment_id("d1", "b" * 64, 0, 5)
