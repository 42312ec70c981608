"""Shapes of language that carry a judgement without an evaluative word.

The cue rules of `valence` read evaluative words and their negation. Much real text judges
through the *shape* of a sentence instead. These rules read the markers of `cues`
(``mk:stop``, ``mk:past``, ``mk:hedge``...) and adjust the signed cues of a text:

* **Ending a problem** (``mk:stop``: stop, end, ban, tackle, challenge, "put a stop to",
  "get rid of", "no longer tolerate"): an attention cue up to `STOP_WINDOW` tokens after
  it, in the same clause, is what is being ended, so it counts as good practice ("put a
  stop to the tap on the shoulder").
* **Disparities** (``mk:disparity``: disproportionately, over- and under-represented,
  "more / less likely than", gap, disparity, relative likelihood) count as an attention
  cue, unless the same sentence says the disparity fell (fall, narrow, close, halve...),
  which is an improvement; "rose", "widened" keep it attention. Negation and the verbs
  that end a problem apply to them as to any cue ("tackled the gap").
* **Counts of harm** (``mk:measure``: sickness absence, grievances, incidents, turnover) in a
  sentence that says they fell count +1, that they rose -1 ("sickness absence among BME
  porters fell from 7.9% to 5.2%").
* **Past frames** (``mk:past`` at the start of a clause: "until 2019", previously, "in the
  past", "used to", "years ago", "when I first", "back then"): a problem described in the
  past, up to a "now" ("since she left") or the end of the sentence, is one that has gone:
  its attention cues and bare negators count as good practice ("until 2019 the trust did
  not publish ..." is an improvement now).
* **Starting points** (``mk:from_none``: "up from none", "(none last year)"): `STARTING`
  towards good practice; their negator is not an absence.
* **Negated harm** (a negator up to five tokens before ``mk:harm``: "no one gets left out",
  "nobody is passed over", "nobody gets away with it") and **praise by a negated
  comparison** (``mk:praise_neg``: "could not have done more", "can't fault her"):
  `NO_HARM` towards good practice; the attention cues inside them count nothing.
* **Hedges** (``mk:hedge``: "I didn't detect this", "we did not observe any", not followed
  by a group of people): the mentor found no problem. Its negator flips nothing and counts
  `HEDGE` towards good practice, or flips the attention cue that follows it.
* **Negated causatives of feeling** (``mk:feel`` after a negator: "never once made me
  feel", "did not let us feel"): absence of ill treatment, good practice; if the feeling
  is a good one ("never made me feel welcome") that cue is negated instead.
* **Admissions** (``mk:admit``: admit, confess, "behind the curve", "fall short", "get it
  wrong", "to be honest", "a long way to go", "more to do"), **lapsed intentions**
  (``mk:lapse``: "I've been meaning to", "have yet to", "still haven't", "never got
  round to") and **missed acts** ("should have", "could have") count towards attention;
  a positive cue inside an admission ("honest") does not count, nor a cue inside the
  writer's doubt about their own judgement (``mk:epistemic``: "I might be wrong").
* **Persistence**: "still" followed within four tokens by a negator or an attention cue
  leans further towards attention ("I still get it wrong").
* **Comparison with what was intended** (``mk:expect``: "than we intended / hoped /
  expected"): the direction word before "than" decides: slower, fewer, less, later ->
  attention; faster, more, better, earlier -> good practice.
* **Plans and recommendations** (``mk:plan``: will, "plan to", "intend to", recommend,
  should, "by the end of", an action-plan label such as "Owner:" or "Due:"; not "will
  not", "should have"): practice
  described without a judgement yet: ``neutral`` is 1 and the other cues count half.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

__all__ = ["ShapeEffect", "consumed_negators", "disparity_cues", "apply_shapes",
           "STOP_WINDOW", "HEDGE", "ADMISSION", "PERSISTENCE", "PLAN_DISCOUNT", "STARTING",
           "NO_HARM"]

STOP_WINDOW = 8
HEDGE = 1.0
ADMISSION = 1.0
PERSISTENCE = 0.5
PLAN_DISCOUNT = 0.5
STARTING = 0.5
NO_HARM = 1.0
_FEEL_WINDOW = 4
_HEDGE_WINDOW = 4
_HARM_WINDOW = 5


@dataclass(frozen=True)
class ShapeEffect:
    """What the shape rules add: a polarity ``shift``, a ``neutral`` frame strength, the
    names of the shapes found and the signed cues after the flips."""

    shift: float
    neutral: float
    names: tuple[str, ...]
    signed: list


def _sentence(pos: int, bounds: Sequence[int]) -> int:
    return sum(1 for b in bounds if b < pos)


def _clean(a: int, b: int, stops: Sequence[int]) -> bool:
    """No stop (punctuation, contrast word) strictly between positions a and b."""
    return not any(a <= s < b for s in stops)


def _feel_negators(markers: dict, negs: Sequence) -> dict[int, object]:
    """Negated ``mk:feel`` markers by start, mapped to their negator."""
    out = {}
    for feel in markers.get("mk:feel", []):
        before = [n for n in negs if feel.start - 3 <= n.start < feel.start]
        if before:
            out[feel.start] = before[-1]
    return out


def _hedges(markers: dict) -> list:
    groups = [g.start for g in markers.get("mk:group", [])]
    return [h for h in markers.get("mk:hedge", [])
            if not any(h.end - 1 <= g < h.end + 3 for g in groups)]


def _negated_harms(markers: dict, negs: Sequence) -> list[tuple[object, object]]:
    """``(negator, harm)`` pairs: a ``mk:harm`` marker ("left out", "gets away with") with a
    negator up to `_HARM_WINDOW` tokens before it in the same clause ("no one gets left
    out", "nobody is passed over")."""
    stops = [x.start for k in ("mk:boundary", "mk:comma", "mk:post") for x in markers.get(k, [])]
    pairs = []
    for harm in markers.get("mk:harm", []):
        before = [n for n in negs if harm.start - _HARM_WINDOW <= n.start < harm.start
                  and _clean(n.start, harm.start, stops)]
        if before:
            pairs.append((before[-1], harm))
    return pairs


def consumed_negators(markers: dict, negs: Sequence) -> set[int]:
    """Positions of negators that belong to a hedge, a negated feeling or harm, praise by a
    negated comparison or a lapsed intention: they flip no cue and do not count as bare
    negation."""
    used = {n.start for n in _feel_negators(markers, negs).values()}  # type: ignore[attr-defined]
    used |= {n.start for n, _ in _negated_harms(markers, negs)}  # type: ignore[attr-defined]
    for span in (_hedges(markers) + markers.get("mk:lapse", [])
                 + markers.get("mk:praise_neg", [])):
        used |= {n.start for n in negs if span.start <= n.start < span.end}
    return used


def disparity_cues(markers: dict, bounds: Sequence[int]) -> list:
    """``mk:disparity`` markers as signed cues: -1, or +1 when the same sentence says the
    disparity fell; a count of harm (``mk:measure``: sickness absence, grievances, incidents)
    in a sentence that says it fell is +1, that it rose -1 (neither or both: nothing)."""
    from .valence import Marker

    falls = [_sentence(x.start, bounds) for x in markers.get("mk:fall", [])]
    rises = [_sentence(x.start, bounds) for x in markers.get("mk:rise", [])]
    out = []
    for d in markers.get("mk:disparity", []):
        s = _sentence(d.start, bounds)
        pol = 1.0 if s in falls and s not in rises else -1.0
        out.append(Marker("cue:disparity", d.start, d.end, pol, "disparity"))
    told = {_sentence(d.start, bounds) for d in out}
    for m in markers.get("mk:measure", []):
        s = _sentence(m.start, bounds)
        if s in told or (s in falls) == (s in rises):
            continue
        told.add(s)
        out.append(Marker("cue:measure", m.start, m.end, 1.0 if s in falls else -1.0,
                          "harm falls" if s in falls else "harm rises"))
    return out


def _flip_after(signed: list, anchors: Sequence, window: int, stops: Sequence[int],
                which: str) -> tuple[list, set[int]]:
    """Flip the cues (``which``: "attention" = negative, "any") starting within ``window``
    tokens after an anchor's end, in the same clause. Returns the new list and the
    starts of the anchors that flipped something."""
    out, hit = [], set()
    for cue, sign, flipped in signed:
        match = next((a for a in anchors if a.end <= cue.start < a.end + window
                      and _clean(a.end, cue.start, stops)), None)
        if match is not None and (which == "any" or (sign < 0 and not flipped)):
            out.append((cue, -sign, True))
            hit.add(match.start)
        else:
            out.append((cue, sign, flipped))
    return out, hit


def _past_frames(markers: dict, bounds: Sequence[int], commas: Sequence[int],
                 n: int) -> list[tuple[int, int]]:
    """Token ranges of past frames: from a past marker at the start of a clause (any
    position for "used to", "previously", "years ago") to the next "now" or sentence end."""
    nows = [x.start for x in markers.get("mk:now", [])]
    frames = []
    posts = {x.end for x in markers.get("mk:post", [])}  # "..., yet until this year ..."
    starts = [u for u in markers.get("mk:until", [])
              if u.start == 0 or (u.start - 1) in bounds or (u.start - 1) in commas
              or u.start in posts]
    for p in markers.get("mk:past", []) + starts:
        # "until this year, not one ...": the "this year" of the frame's own opening is
        # not the present that closes it
        after = p.start + 1 if p.kind == "mk:past" else p.start + 3
        end = min([b for b in bounds if b > p.start] + [x for x in nows if x >= after] + [n])
        frames.append((p.start, end))
    for u in markers.get("mk:until_then", []):  # "... never ... until last spring"
        if u.start > 0:
            frames.append((max([b for b in bounds if b < u.start - 1] + [0]), u.start))
    return frames


def apply_shapes(n: int, markers: dict, signed: list, bare: Sequence,
                 stops: Sequence[int]) -> ShapeEffect:
    """Apply the shape rules to the signed cues ``[(marker, sign, flipped)]`` of a text.

    ``bare`` are the negators that flipped no cue (they count against, unless a past frame
    holds them); ``stops`` are the clause stops (punctuation, contrast words).
    """
    bounds = sorted(x.start for x in markers.get("mk:boundary", []))
    commas = [x.start for x in markers.get("mk:comma", [])]
    names: list[str] = []
    shift = 0.0
    signed, hit = _flip_after(signed, markers.get("mk:stop", []), STOP_WINDOW, stops,
                              "attention")
    names += ["ends a problem"] * bool(hit)
    for a, b in _past_frames(markers, bounds, commas, n):
        inside = [i for i, (c, s, _) in enumerate(signed) if a <= c.start < b and s < 0]
        for i in inside:
            cue, sign, _ = signed[i]
            signed[i] = (cue, -sign, True)
        freed = sum(1 for x in bare if a <= x.start < b)
        shift += 0.5 * min(freed, 2) * 2  # cancels their -0.5 and counts +0.5 each
        names += ["past problem"] * bool(inside or freed)
    shift += _starting_point(markers, bare, names)
    shift, signed = _no_harm(markers, signed, shift, names)
    shift, signed = _hedge_and_feel(markers, signed, stops, shift, names)
    shift -= _admissions(markers, signed, names)
    shift += _comparison(markers, names)
    shift -= _persistence(markers, signed, stops, names)
    neutral = _plan(markers, names)
    return ShapeEffect(shift, neutral, tuple(names), signed)


def _starting_point(markers: dict, bare: Sequence, names: list[str]) -> float:
    """"up from none in 2019", "(none last yr)": `STARTING` each towards good practice, and
    the bare negators inside them cancelled."""
    starts = markers.get("mk:from_none", [])
    inside = sum(1 for x in bare if any(f.start <= x.start < f.end for f in starts))
    names += ["starting point"] * bool(starts)
    return STARTING * min(len(starts), 1) + 0.5 * inside


def _no_harm(markers: dict, signed: list, shift: float, names: list[str]) -> tuple[float, list]:
    """Negated harm ("no one gets left out") and praise by a negated comparison ("could not
    have done more"): `NO_HARM` towards good practice; attention cues inside them (the
    negator's own "no one", the harm word) count nothing."""
    negs = [x for x in markers.get("mk:neg", [])]
    spans = [(n.start, h.end) for n, h in _negated_harms(markers, negs)]  # type: ignore
    spans += [(p.start, p.end) for p in markers.get("mk:praise_neg", [])]
    if not spans:
        return shift, signed
    signed = [(c, 0.0 if s < 0 and any(a <= c.start < b or c.start <= a < c.end
                                       for a, b in spans) else s, f)
              for c, s, f in signed]
    names += ["no harm"]
    return shift + NO_HARM, signed


def _hedge_and_feel(markers: dict, signed: list, stops: Sequence[int], shift: float,
                    names: list[str]) -> tuple[float, list]:
    hedges = _hedges(markers)
    # the attention cue inside a hedge ("did not") is the hedge itself
    signed = [(c, 0.0 if s < 0 and any(h.start <= c.start < h.end for h in hedges) else s, f)
              for c, s, f in signed]
    signed, hit = _flip_after(signed, hedges, _HEDGE_WINDOW, stops, "attention")
    shift += HEDGE * sum(1 for h in hedges if h.start not in hit)
    names += ["hedge"] * bool(hedges)
    negs = _feel_negators(markers, [x for x in markers.get("mk:neg", [])])
    feels = [f for f in markers.get("mk:feel", []) if f.start in negs]
    signed = [(c, 0.0 if s < 0 and any(negs[f.start].start <= c.start < f.start  # type: ignore
                                       for f in feels) else s, fl)
              for c, s, fl in signed]
    signed, hit = _flip_after(signed, feels, _FEEL_WINDOW, stops, "any")
    shift += sum(1.0 for f in feels if f.start not in hit)
    names += ["negated feeling"] * bool(feels)
    return shift, signed


def _admissions(markers: dict, signed: list, names: list[str]) -> float:
    spans = markers.get("mk:admit", [])
    doubt = markers.get("mk:epistemic", [])
    for i, (c, s, f) in enumerate(signed):
        if (s > 0 and any(a.start <= c.start < a.end for a in spans)) or \
                any(d.start <= c.start < d.end for d in doubt):
            signed[i] = (c, 0.0, f)
    lapses = markers.get("mk:lapse", []) + markers.get("mk:missed", [])
    names += ["admission"] * bool(spans) + ["lapsed intention"] * bool(lapses)
    return ADMISSION * (min(len(spans), 1) + min(len(lapses), 1))


def _comparison(markers: dict, names: list[str]) -> float:
    total = 0.0
    downs = [x.start for x in markers.get("mk:down", [])]
    ups = [x.start for x in markers.get("mk:up", [])]
    for e in markers.get("mk:expect", []):
        if any(e.start - 3 <= d < e.start for d in downs):
            total -= 1.0
        elif any(e.start - 3 <= u < e.start for u in ups):
            total += 1.0
    names += ["against what was intended"] * bool(markers.get("mk:expect"))
    return total


def _persistence(markers: dict, signed: list, stops: Sequence[int],
                 names: list[str]) -> float:
    negs = [x.start for x in markers.get("mk:neg", [])]
    bad = [c.start for c, s, _ in signed if s < 0]
    found = [st for st in markers.get("mk:still", [])
             if any(st.end <= p < st.end + 4 and _clean(st.end, p, stops) for p in negs + bad)]
    names += ["persists"] * bool(found)
    return PERSISTENCE * min(len(found), 1)


def _plan(markers: dict, names: list[str]) -> float:
    plans = markers.get("mk:plan", [])
    refusals = markers.get("mk:refuse", []) + markers.get("mk:missed", [])
    plans = [p for p in plans if not any(r.start <= p.start < r.end for r in refusals)]
    names += ["plan"] * bool(plans)
    return 1.0 if plans else 0.0
