"""A person's topics read as the subjects of their work: phrases, not the generic words papers share."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byline._errors import InputError
from byline.profiles import summarize
from byline.records import Signature
from byline.topics import Background, TopicText, default_background, keyphrases, normalize

FACE_SWAP = [
    TopicText(
        title="RobustSwap: A Simple yet Robust Face Swapping Model against Attribute Leakage",
        abstract="Utilizing a style encoder, we introduce a face swapping model preserving the target's attributes.",
    ),
    TopicText(
        title="SelfSwapper: Self-Supervised Face Swapping via Shape Agnostic Masked AutoEncoder",
        abstract="Introducing self-supervised training for face swapping, utilizing masked autoencoders.",
    ),
    TopicText(
        title="High-Fidelity Face Swapping with Identity Preserving Training",
        abstract="Training a face swapping network utilizing identity features, preserving expressions.",
    ),
]


def names(topics: list[tuple[str, int]]) -> list[str]:
    return [t for t, _ in topics]


def test_three_face_swapping_papers_give_face_swapping_not_utilizing() -> None:
    topics = keyphrases(FACE_SWAP)
    assert topics[0] == ("face swapping", 3)
    shown = set(names(topics))
    assert not shown & {"utilizing", "introducing", "preserving", "face", "swapping"}, shown


def test_profile_topics_are_keyphrases() -> None:
    sigs = [
        Signature(id=f"W{i}#0", name="Jaeseong Lee", work_id=f"W{i}", title=t.title, abstract=t.abstract)
        for i, t in enumerate(FACE_SWAP)
    ]
    assert summarize("P1", sigs).topics[0] == ("face swapping", 3)


def test_plurals_and_hyphens_merge_into_one_topic() -> None:
    works = [
        TopicText(title="Neural networks for protein folding"),
        TopicText(title="Pruning a neural network"),
        TopicText(title="Neural-network potentials for molecules"),
    ]
    topics = keyphrases(works)
    matching = [(t, n) for t, n in topics if normalize(t) == "neural network"]
    assert len(matching) == 1 and matching[0][1] == 3, topics
    assert normalize("Neural Networks") == normalize("neural-network") == "neural network"
    assert normalize("case studies") == "case study" and normalize("analyses") == "analysis"


def test_a_word_in_every_work_of_the_corpus_is_not_a_topic() -> None:
    corpus = [
        TopicText(title=f"Training {topic} models") for topic in ("graph", "speech", "vision", "protein")
    ]
    corpus += [
        TopicText(title="Training for soil moisture retrieval"),
        TopicText(title="Training soil moisture"),
    ]
    mine = corpus[-2:]
    topics = names(keyphrases(mine, background=Background.from_texts(corpus)))
    assert "training" not in topics and topics[0] == "soil moisture", topics


def test_the_shipped_background_marks_common_words_as_common() -> None:
    bg = default_background()
    assert bg.n_docs > 1000
    assert bg.idf("image") < bg.idf("neural network") < bg.idf("face swapping")


def test_an_abstract_only_work_contributes_phrases() -> None:
    bare = TopicText(
        abstract="We estimate soil moisture from passive microwave observations over paddy fields."
    )
    assert "soil moisture" in names(keyphrases([bare]))
    # beside titled works on another subject, its phrases still fill the list
    titled = [TopicText(title=f"Graph neural networks for molecules, part {i}") for i in range(3)]
    topics = names(keyphrases([*titled, bare]))
    assert topics[0] == "graph neural networks" and any(
        "soil moisture" in t or "microwave" in t for t in topics
    )


def test_links_and_availability_statements_are_not_topics() -> None:
    abstract = (
        "Code is available at https://github.com/jl/molgraph; contact jl@kaist.ac.kr. Publicly released."
    )
    works = [TopicText(title=f"Molecular graph study {i}", abstract=abstract) for i in range(3)]
    topics = set(names(keyphrases(works)))
    assert "molecular graph" in topics
    assert not topics & {"github", "https", "code", "available", "molgraph", "kaist", "contact"}, topics


def test_a_person_without_text_has_no_topics() -> None:
    assert keyphrases([]) == [] and keyphrases([TopicText(), TopicText(title="On the")]) == []


def test_background_file_round_trips_and_a_bad_one_names_the_file(tmp_path) -> None:
    bg = Background.from_texts(FACE_SWAP)
    path = bg.save(tmp_path / "bg.json.gz")
    assert Background.load(path) == bg and bg.df["face swapping"] == 3
    bad = tmp_path / "bad.json.gz"
    with gzip.open(bad, "wt") as fh:
        fh.write('{"n_docs": 0}')
    with pytest.raises(InputError, match="bad.json.gz"):
        Background.load(bad)
    with pytest.raises(InputError, match="missing.json.gz"):
        Background.load(tmp_path / "missing.json.gz")


@settings(max_examples=30, deadline=None)
@given(st.permutations(range(len(FACE_SWAP) + 2)), st.booleans())
def test_topics_do_not_depend_on_work_order_or_number_form(order: list[int], plural: bool) -> None:
    extra = [TopicText(title="Face swapping detectors"), TopicText(title="Deepfake detectors for videos")]
    works = [(FACE_SWAP + extra)[i] for i in order]
    if plural:
        works = [
            TopicText(title=(w.title or "").replace("Model", "Models"), abstract=w.abstract) for w in works
        ]
    topics = keyphrases(works)
    assert [normalize(t) for t in names(topics)] == [
        normalize(t) for t in names(keyphrases(FACE_SWAP + extra))
    ]
    assert all(1 <= n <= len(works) for _, n in topics)


def test_a_word_only_abstracts_use_in_passing_is_not_a_topic() -> None:
    works = [
        TopicText(title=f"Soil moisture retrieval {k}", abstract="Images are precise. Images are precise.")
        for k in ("from radar", "over paddies", "in winter")
    ]
    topics = names(keyphrases(works))
    assert topics[0] == "soil moisture retrieval" and not {"images", "precise"} & set(topics), topics


def test_the_background_is_built_from_train_splits_only(tmp_path) -> None:
    import runpy
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "topic_background.py"
    main = runpy.run_path(str(script))["main"]
    with pytest.raises(SystemExit):
        main([str(tmp_path / "qian.dev.jsonl.gz"), "--out", str(tmp_path / "bg.json.gz")])
    assert not (tmp_path / "bg.json.gz").exists()


def test_acronyms_keep_their_capitals_and_capitalized_titles_do_not_shout() -> None:
    works = [
        TopicText(title="MIMO Precoding for Cellular Uplinks"),
        TopicText(title="MIMO precoding with 3D arrays"),
    ]
    assert names(keyphrases(works))[0] == "MIMO precoding"
    shouting = [TopicText(title="FACE SWAPPING AT SCALE"), TopicText(title="Face swapping for video")]
    assert names(keyphrases(shouting))[0] == "face swapping"
