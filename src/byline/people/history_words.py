"""Curation events as sentences a curator reads ("ann moved 1 work from Jaeseong Lee to Jaeseong Lee"), in
parts: text, and the people named (to link), so a page can link them and a terminal can print them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Part:
    """A piece of a sentence: plain ``text``, or a person (``person`` id, ``text`` their name)."""

    text: str
    person: str | None = None


def _works(n: int) -> str:
    return "1 work" if n == 1 else f"{n} works"


def sentence(event: Mapping[str, Any], names: Mapping[str, str]) -> list[Part]:
    """The event (as :meth:`byline.curation.Event.to_dict` gives it) as a sentence, the people it names as
    person parts (their current name from ``names``, else their id). A claim that took works from other
    people is a move."""

    def who(pid: Any) -> Part:
        pid = str(pid or "")
        return Part(names.get(pid, pid), pid or None)

    kind = event.get("kind", "")
    p = event.get("payload") or {}
    actor = Part(f"{event.get('who') or 'someone'} ")
    person = who(event.get("person"))
    if kind == "merge":
        parts = [actor, Part("merged "), who(p.get("from")), Part(" into "), who(p.get("into"))]
    elif kind == "split":
        parts = [actor, Part(f"split {_works(len(p.get('works', [])))} out of "), person, Part(" into "),
                 who(p.get("new_person"))]  # fmt: skip
    elif kind == "lock":
        parts = [actor, Part("locked "), person]
    elif kind == "unlock":
        parts = [actor, Part("unlocked "), person]
    elif kind == "claim" and p.get("previous"):
        sources = list(dict.fromkeys(str(v) for v in p["previous"].values()))
        parts = [actor, Part(f"moved {_works(len(p.get('works', [])))} from ")]
        for k, src in enumerate(sources):
            parts += ([Part(" and ")] if k else []) + [who(src)]
        parts += [Part(" to "), person]
    elif kind == "claim":
        parts = [actor, Part(f"claimed {_works(len(p.get('works', [])))} for "), person]
    elif kind == "undo":
        ids = ", ".join(f"#{i}" for i in p.get("reverts", []))
        parts = [actor, Part(f"undid {ids or 'an event'}")]
    else:
        parts = [actor, Part(f"{kind} of "), person]
    if event.get("why"):
        parts.append(Part(f": “{event['why']}”"))
    return parts


def people_named(events: list[Mapping[str, Any]]) -> set[str]:
    """Every person id the events name (to look their names up at once)."""
    out: set[str] = set()
    for e in events:
        p = e.get("payload") or {}
        out.add(str(e.get("person") or ""))
        out |= {str(p[k]) for k in ("from", "into", "new_person") if p.get(k)}
        out |= {str(v) for v in (p.get("previous") or {}).values()}
    return out - {""}
