"""What the pages say in words: history sentences, the line that sets a person apart, the h-index and
how a work without a title is named."""

from __future__ import annotations

from byline.people.history_words import people_named, sentence
from byline.people.views import h_index, set_apart, work_label
from byline.profiles import Profile


def _text(parts: list) -> str:
    return "".join(p.text for p in parts)


def test_a_claim_that_took_works_is_a_move_naming_both_people() -> None:
    move = {
        "id": 3, "kind": "claim", "person": "P2", "who": "ann", "why": "same lab",
        "payload": {"works": ["W1"], "previous": {"W1#0": "P1"}},
    }  # fmt: skip
    names = {"P1": "Jaeseong Lee (KAIST)", "P2": "Jaeseong Lee"}
    parts = sentence(move, names)
    assert _text(parts) == "ann moved 1 work from Jaeseong Lee (KAIST) to Jaeseong Lee: “same lab”"
    assert [p.person for p in parts if p.person] == ["P1", "P2"]
    assert people_named([move]) == {"P1", "P2"}


def test_every_kind_reads_as_a_sentence_without_ids_of_known_people() -> None:
    names = {"P1": "Ann", "P2": "Bo", "P3": "Cy"}
    events = [
        {"kind": "merge", "person": "P1", "who": "x", "payload": {"from": "P2", "into": "P1"}},
        {"kind": "split", "person": "P1", "who": "x", "payload": {"works": ["W1", "W2"], "new_person": "P3"}},
        {"kind": "lock", "person": "P1", "who": "x", "payload": {}},
        {"kind": "unlock", "person": "P1", "who": "x", "payload": {"reverts": [3]}},
        {"kind": "claim", "person": "P1", "who": "x", "payload": {"works": ["W9"], "previous": {}}},
        {"kind": "undo", "person": "P1", "who": "x", "payload": {"reverts": [1]}},
    ]
    said = [_text(sentence(e, names)) for e in events]
    assert said == [
        "x merged Bo into Ann",
        "x split 2 works out of Ann into Cy",
        "x locked Ann",
        "x unlocked Ann",
        "x claimed 1 work for Ann",
        "x undid #1",
    ]
    assert (
        _text(sentence({"kind": "lock", "person": "P9", "who": "", "payload": {}}, names))
        == "someone locked P9"
    )


def test_set_apart_h_index_and_work_labels() -> None:
    prof = Profile(
        "P1", "Jaeseong Lee", affiliations=[("KAIST", 3)], topics=[("face swapping", 2)],
        coauthors=[("Jaegul Choo", 4)],
    )  # fmt: skip
    assert set_apart(prof, 2021, 2024) == "KAIST, 2021–2024, face swapping · with Jaegul Choo"
    assert set_apart(Profile("P2", "X"), None, None) == "no details known"
    assert set_apart(Profile("P3", "X", coauthors=[("Bo", 1)]), 2020, 2020) == "2020 · with Bo"
    assert [h_index(c) for c in ([], [0], [42], [5, 4, 3, 1], [10, 10, 10])] == [0, 0, 1, 3, 3]
    assert work_label("A title", "ignored") == "A title"
    assert work_label(None, "We study   the soil of rice paddies") == "“We study the soil of rice paddies”"
    assert work_label(None, None) == "(no title or abstract)"
