"""English verb morphology for the synthetic data generator (no randomness).

``conjugate("thank", "3", "past", negate=True)`` gives ``"did not thank"``; the forms are
pres, past, perf (present perfect), base (infinitive) and ing, for persons '1', '3' and '3p'.
"""
from __future__ import annotations

__all__ = ["conjugate"]

_IRREGULAR = {  # base: (past, past participle)
    "make": ("made", "made"), "take": ("took", "taken"), "give": ("gave", "given"),
    "speak": ("spoke", "spoken"), "put": ("put", "put"), "sit": ("sat", "sat"),
    "keep": ("kept", "kept"), "set": ("set", "set"), "know": ("knew", "known"),
    "see": ("saw", "seen"), "go": ("went", "gone"), "leave": ("left", "left"),
    "have": ("had", "had"), "do": ("did", "done"), "think": ("thought", "thought"),
    "get": ("got", "got"), "mean": ("meant", "meant"), "wear": ("wore", "worn"),
    "bring": ("brought", "brought"), "say": ("said", "said"), "tell": ("told", "told"),
    "meet": ("met", "met"), "shrug": ("shrugged", "shrugged"),
}
_DOUBLE = {"chat", "nod", "stop", "plan", "admit", "refer", "commit", "step", "drop", "set",
           "sit", "put", "get", "shrug"}


def _s_form(verb: str) -> str:
    special = {"be": "is", "have": "has", "do": "does", "go": "goes"}
    if verb in special:
        return special[verb]
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _past(verb: str, participle: bool = False) -> str:
    if verb == "be":
        return "been" if participle else "was"
    if verb in _IRREGULAR:
        return _IRREGULAR[verb][1 if participle else 0]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    if verb in _DOUBLE:
        return verb + verb[-1] + "ed"
    return verb + "ed"


def _ing(verb: str) -> str:
    if verb in {"be", "see"}:
        return verb + "ing"
    if verb in _DOUBLE:
        return verb + verb[-1] + "ing"
    if verb.endswith("e") and not verb.endswith("ee"):
        return verb[:-1] + "ing"
    return verb + "ing"


def _be(person: str, form: str) -> str:
    if form == "past":
        return "were" if person == "3p" else "was"
    return {"1": "am", "3": "is"}.get(person, "are")


def conjugate(verb: str, person: str, form: str, negate: bool = False,
              contract: bool = False) -> str:
    """Conjugate ``verb`` for ``person`` ('1', '3', '3p') in ``form``.

    ``form`` is one of pres, past, perf (present perfect), base (infinitive) or ing.
    """
    if form == "base":
        return ("not " if negate else "") + verb
    if form == "ing":
        return ("not " if negate else "") + _ing(verb)
    if form == "perf":
        aux = "has" if person == "3" else "have"
        if negate:
            aux = aux[:-1] + "n't" if contract and aux == "has" else (
                "haven't" if contract else aux + " not")
        return f"{aux} {_past(verb, participle=True)}"
    if verb == "be":
        word = _be(person, form)
        if not negate:
            return word
        return word + "n't" if contract and word != "am" else word + " not"
    if not negate:
        if form == "past":
            return _past(verb)
        return _s_form(verb) if person == "3" else verb
    aux = "did" if form == "past" else ("does" if person == "3" else "do")
    return f"{aux}n't {verb}" if contract else f"{aux} not {verb}"
