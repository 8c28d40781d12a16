"""The synthetic labeled corpus: determinism, schema, label sanity, heavy-tailed blocks."""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict

import numpy as np
import pytest

import byline_synth as synth
from byline._errors import InputError
from byline.records import Signature


@pytest.fixture(scope="module")
def corpus() -> list[Signature]:
    return synth.generate(8000, seed=3)


def test_deterministic_and_seed_dependent() -> None:
    a = synth.generate(1500, seed=7)
    b = synth.generate(1500, seed=7)
    c = synth.generate(1500, seed=8)
    assert a == b
    assert [s.name for s in a] != [s.name for s in c]


def test_exact_count_and_unique_ids(corpus: list[Signature]) -> None:
    assert len(corpus) == 8000
    assert len({s.id for s in corpus}) == 8000
    assert synth.generate(0) == []
    # corpora of different seeds can be concatenated: ids and person labels do not collide
    a, b = synth.generate(300, seed=1), synth.generate(300, seed=2)
    assert not {s.id for s in a} & {s.id for s in b}
    assert not {s.person for s in a} & {s.person for s in b}


def test_labels_and_blocks_are_consistent(corpus: list[Signature]) -> None:
    block_of_person: dict[str, set[str]] = defaultdict(set)
    for s in corpus:
        assert s.person and s.block and s.dataset == "synth"
        block_of_person[s.person].add(s.block)
    # one person, one block (the block comes from the canonical name)
    assert all(len(b) == 1 for b in block_of_person.values())
    persons_per_block = Counter(next(iter(b)) for b in block_of_person.values())
    # ambiguity: some blocks hold many distinct people
    assert max(persons_per_block.values()) >= 6
    # persons print their name in several ways
    variants: dict[str, set[str]] = defaultdict(set)
    for s in corpus:
        variants[s.person].add(s.name)
    assert np.mean([len(v) for v in variants.values()]) > 1.5


def test_signature_fields_are_realistic(corpus: list[Signature]) -> None:
    n = len(corpus)
    no_abstract = sum(s.abstract is None for s in corpus) / n
    no_aff = sum(not s.affiliations for s in corpus) / n
    assert 0.2 < no_abstract < 0.4
    assert 0.3 < no_aff < 0.5
    assert 0 < sum(s.email is not None for s in corpus) < n * 0.3
    assert 0 < sum(s.orcid is not None for s in corpus) < n * 0.1
    assert all(s.title for s in corpus)
    # same work -> same paper fields, and one author list: every signature's coauthors are that list without
    # its own position, and its name sits at its position
    by_work: dict[str, list[Signature]] = defaultdict(list)
    for s in corpus:
        by_work[s.work_id].append(s)
    multi = [sigs for sigs in by_work.values() if len(sigs) > 1]
    assert len(multi) > 100
    for sigs in multi:
        assert len({(s.title, s.venue, s.year, s.abstract) for s in sigs}) == 1
        lists = {(*s.coauthors[: s.position], s.name, *s.coauthors[s.position :]) for s in sigs}
        assert len(lists) == 1
        (authors,) = lists
        assert len({s.position for s in sigs}) == len(sigs)
        assert all(authors[s.position] == s.name and len(s.coauthors) == len(authors) - 1 for s in sigs)


def test_block_sizes_are_heavy_tailed(corpus: list[Signature]) -> None:
    sizes = np.array(sorted(Counter(s.block for s in corpus).values(), reverse=True))
    assert sizes[0] >= 15 * np.median(sizes)
    assert sizes[: max(1, len(sizes) // 100)].sum() >= 0.05 * sizes.sum()  # top 1% of blocks
    # the biggest blocks are the crowded Chinese / Korean surnames ("h wang", "j lee", ...)
    cjk = {
        "wang",
        "li",
        "zhang",
        "liu",
        "chen",
        "yang",
        "huang",
        "zhao",
        "wu",
        "zhou",
        "xu",
        "sun",
        "ma",
        "zhu",
        "hu",
        "guo",
        "he",
        "lin",
        "kim",
        "lee",
        "park",
        "choi",
        "jung",
        "kang",
        "cho",
        "yoon",
    }
    top = Counter(s.block for s in corpus).most_common(10)
    assert sum(b.split()[-1] in cjk for b, _ in top) >= 3


def test_same_full_name_homonyms_differ_in_context() -> None:
    """Many different people share an exact full name (pooled CJK given names), and they differ in
    coauthors and topic, while one person's papers share topic vocabulary."""
    from byline.features import FEATURE_NAMES, BlockData, featurize
    from byline.names import parse_name

    sigs = synth.generate(6000, seed=5, dataset="synth-aminer")
    people_of: dict[str, set[str]] = defaultdict(set)
    for s in sigs:
        p = parse_name(s.name)
        if not p.given_is_initial:
            people_of[p.full].add(s.person or "")
    shared = [n for n, ps in people_of.items() if len(ps) >= 2]
    assert len(shared) >= 50
    assert max(len(people_of[n]) for n in shared) >= 5
    # inside the blocks: title cosine and coauthor overlap separate same-person from homonym pairs
    by_block: dict[str, list[Signature]] = defaultdict(list)
    for s in sigs:
        by_block[s.block or ""].append(s)
    big = sorted(by_block.values(), key=len, reverse=True)[:5]
    same_t, diff_t, same_c, diff_c = [], [], [], []
    for block in big:
        data = BlockData(block)
        i, j = np.triu_indices(len(block), 1)
        X = featurize(data, i, j)
        y = np.array([block[a].person == block[b].person for a, b in zip(i, j, strict=True)])
        t = X[:, FEATURE_NAMES.index("title_cosine")]
        c = np.nan_to_num(X[:, FEATURE_NAMES.index("coauthor_overlap")])
        same_t += list(t[y])
        diff_t += list(t[~y])
        same_c += list(c[y])
        diff_c += list(c[~y])
    assert np.nanmean(same_t) > 1.8 * np.nanmean(diff_t)
    assert np.mean(same_c) > 3 * np.mean(diff_c)


def test_cjk_and_diacritic_variants() -> None:
    sigs = synth.generate(6000, seed=1)
    names = {s.name for s in sigs}
    assert any("-" in n for n in names)  # Jae-Seong style
    assert any(not n.isascii() for n in names)  # diacritics kept somewhere
    assert any(n.endswith(" Lee") or n.startswith("Lee ") for n in names)


def test_jsonl_schema_and_roundtrip(tmp_path) -> None:
    sigs = synth.generate(400, seed=2, dataset="synth-pubmed")
    path = tmp_path / "s.jsonl.gz"
    assert synth.write_jsonl(sigs, path) == 400
    raw = path.read_bytes()
    assert synth.write_jsonl(sigs, path) == 400 and path.read_bytes() == raw  # byte-deterministic
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        lines = [json.loads(x) for x in fh]
    assert len(lines) == 400
    for obj, s in zip(lines, sigs, strict=True):
        assert set(obj) == {"dataset", "block", "signature_id", "person_id", "author", "paper"}
        assert set(obj["author"]) == {"name", "position", "affiliations", "email", "orcid"}
        assert set(obj["paper"]) == {"paper_id", "title", "abstract", "venue", "year", "authors", "keywords"}
        assert obj["dataset"] == "synth-pubmed" and obj["signature_id"] == s.id
        assert obj["paper"]["authors"][obj["author"]["position"]] == obj["author"]["name"]
        assert isinstance(obj["paper"]["year"], int | None)
    assert not list(tmp_path.glob(".*tmp*"))


def test_reader_accepts_written_file(tmp_path) -> None:
    reader = pytest.importorskip("byline.ingest.signatures")
    sigs = synth.generate(300, seed=4)
    path = tmp_path / "s.jsonl"
    synth.write_jsonl(sigs, path)
    back = reader.load_signatures([path])
    assert [(s.id, s.name, s.person, s.block) for s in back] == [
        (s.id, s.name, s.person, s.block) for s in sigs
    ]


def test_focus_block_makes_one_big_block() -> None:
    sigs = synth.generate(3000, seed=0, focus_block="Wang, L")
    assert len(sigs) == 3000
    assert {s.block for s in sigs} == {"l wang"}
    assert len({s.person for s in sigs}) > 100


def test_presets_and_bad_knobs() -> None:
    aminer = synth.generate(500, seed=0, dataset="synth-aminer")
    assert all(s.email is None for s in aminer)
    with pytest.raises(InputError, match="unknown synth knob"):
        synth.generate(10, nonsense=1)
    with pytest.raises(InputError, match="probability"):
        synth.generate(10, p_email=1.5)
    with pytest.raises(InputError, match="given_name_pool"):
        synth.generate(10, given_name_pool=-1)
    with pytest.raises(InputError, match="focus_block"):
        synth.generate(10, focus_block="Wang")


def test_cli_writes_file(tmp_path) -> None:
    out = tmp_path / "c.jsonl.gz"
    assert synth.main(["--signatures", "50", "--seed", "1", "--out", str(out)]) == 0
    with gzip.open(out, "rt") as fh:
        assert sum(1 for _ in fh) == 50
    assert synth.main(["--signatures", "5", "--knob", "bogus=1", "--out", str(out)]) == 2
