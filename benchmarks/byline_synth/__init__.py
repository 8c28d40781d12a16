"""A synthetic labeled corpus of signatures, for training smoke runs, tests and scale benchmarks.

Pure and seeded (one :class:`numpy.random.Generator`): the same arguments give the same signatures,
byte for byte. The world it simulates:

- **people** with a name drawn from Zipf-distributed surname and given-name lists per origin (many
  Chinese and Korean names, so large ambiguous blocks like ``l wang`` and ``j lee`` arise; European
  names with diacritics), a career (start year, heavy-tailed span and productivity), 1-3 topics, an
  e-mail handle, sometimes an ORCID, and sometimes a move to another group mid-career;
- **groups** (coauthor communities) of heavy-tailed size, based at an institution, with 1-3 topics;
- **papers**: a lead person, a year within their career, a topic of theirs, coauthors mostly from the
  lead's group at that year and sometimes outside; a title, abstract and keywords drawn from the
  topic's vocabulary, a venue of the topic;
- **printing**: each signature prints the person's name in the paper's style (full, initials,
  ``Lee JS``, ``Lee, Jae-Seong``, ...), with spelling variants (``Jae-Seong``/``Jae Seong``/
  ``Jaeseong``), dropped middle names and dropped diacritics; fields go missing at realistic rates.

The gold label (``person``) and block (first initial + surname of the canonical name) are set on every
signature. ``dataset`` selects a preset flavour (see :data:`PRESETS`); keyword knobs override it.

    sigs = generate(10_000, seed=0)                     # list[Signature]
    write_jsonl(iter_signatures(1_000_000), "big.jsonl.gz")   # streaming

CLI: ``python -m byline_synth --signatures N --seed S --dataset NAME --out FILE.jsonl.gz``.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import math
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

from byline._errors import InputError
from byline.records import Signature
from byline_synth import _tables as T

__all__ = [
    "PRESETS",
    "SynthConfig",
    "generate",
    "iter_signatures",
    "signature_to_json",
    "write_jsonl",
    "main",
]

NAME_STYLES = ("full", "initials", "pubmed", "comma", "upper", "lower")


@dataclass(frozen=True)
class SynthConfig:
    """Knobs of the generator (all probabilities in [0, 1]). Pass any of them to :func:`generate`."""

    signatures_per_person: float = 6.0  # mean signatures per person (heavy-tailed around it)
    group_size: float = 25.0  # mean coauthor-community size
    mean_authors: float = 4.0  # mean authors per paper (>= 1)
    origin_mix: tuple[tuple[str, float], ...] = tuple(T.ORIGIN_MIX.items())
    group_origin_share: float = 0.7  # share of a group's members of the group's own name origin
    domains: tuple[str, ...] | None = None  # restrict topics to these domains (titles of T.DOMAINS)
    n_topics: int | None = None  # default grows with the number of people
    name_styles: tuple[tuple[str, float], ...] = (
        ("full", 0.45),
        ("initials", 0.25),
        ("pubmed", 0.12),
        ("comma", 0.10),
        ("upper", 0.05),
        ("lower", 0.03),
    )
    p_canonical_spelling: float = 0.75  # a person's usual spelling of a multi-part given name
    p_drop_middle: float = 0.35
    p_ascii: float = 0.3  # a paper drops diacritics
    p_abstract_missing: float = 0.3
    p_affiliation_missing: float = 0.5
    p_venue_missing: float = 0.05
    p_year_missing: float = 0.01
    p_keywords: float = 0.35
    p_email: float = 0.12
    p_orcid_person: float = 0.3
    p_orcid_shown: float = 0.12
    p_move: float = 0.3
    p_outside_coauthor: float = 0.15
    p_own_term: float = 0.6  # a title/abstract term is one of the lead's or lead's group's own terms
    # Chinese/Korean given names come from a pool of this many distinct names per person of that origin
    # (Zipf-weighted), so exact-full-name homonyms are as common as in a large real corpus; 0 = unpooled
    given_name_pool: float = 0.06
    year_range: tuple[int, int] = (1975, 2024)
    focus_block: str | None = None  # "Wang, L": only signatures of people with that surname and initial


PRESETS: dict[str, dict[str, Any]] = {
    "synth": {},
    # AMiner-like: mostly Chinese names printed in full, few abstracts, no e-mail or ORCID.
    "synth-aminer": {
        "origin_mix": (("chinese", 0.8), ("korean", 0.05), ("japanese", 0.05), ("anglo_italian", 0.1)),
        "group_origin_share": 0.85,
        "name_styles": (("full", 0.9), ("initials", 0.05), ("comma", 0.05)),
        "p_abstract_missing": 0.6,
        "p_email": 0.0,
        "p_orcid_person": 0.0,
        "p_keywords": 0.6,
    },
    # PubMed-like: "Lee JS" names, biomedical topics, abstracts and affiliations mostly present.
    "synth-pubmed": {
        "domains": T.BIO_DOMAINS,
        "name_styles": (("pubmed", 0.7), ("full", 0.25), ("initials", 0.05)),
        "p_abstract_missing": 0.1,
        "p_affiliation_missing": 0.15,
        "p_keywords": 0.7,
        "mean_authors": 6.0,
    },
    # Semantic-Scholar-like: mixed styles, more ORCIDs and e-mails.
    "synth-s2": {"p_orcid_person": 0.5, "p_orcid_shown": 0.25, "p_email": 0.2},
}


def _config(dataset: str, knobs: dict[str, Any]) -> SynthConfig:
    """The one place where knobs are validated."""
    names = {f.name for f in fields(SynthConfig)}
    unknown = sorted(set(knobs) - names)
    if unknown:
        raise InputError(f"unknown synth knob(s) {unknown}; known: {sorted(names)}")
    cfg = replace(SynthConfig(), **PRESETS.get(dataset, {}))
    cfg = replace(cfg, **{k: (tuple(v.items()) if isinstance(v, dict) else v) for k, v in knobs.items()})
    for f in fields(cfg):
        v = getattr(cfg, f.name)
        is_p = f.name.startswith("p_") or f.name == "group_origin_share"
        if is_p and not (isinstance(v, int | float) and 0.0 <= v <= 1.0):
            raise InputError(f"synth knob {f.name}={v!r} must be a probability in [0, 1]")
    if not (isinstance(cfg.given_name_pool, int | float) and cfg.given_name_pool >= 0):
        raise InputError(f"synth knob given_name_pool={cfg.given_name_pool!r} must be >= 0")
    if cfg.signatures_per_person < 1 or cfg.group_size < 1 or cfg.mean_authors < 1:
        raise InputError("signatures_per_person, group_size and mean_authors must be >= 1")
    for origin, _ in cfg.origin_mix:
        if origin not in T.SURNAMES:
            raise InputError(f"unknown name origin {origin!r}; known: {sorted(T.SURNAMES)}")
    for style, _ in cfg.name_styles:
        if style not in NAME_STYLES:
            raise InputError(f"unknown name style {style!r}; known: {list(NAME_STYLES)}")
    known_domains = {d[0] for d in T.DOMAINS}
    if cfg.domains is not None and (not cfg.domains or set(cfg.domains) - known_domains):
        raise InputError(f"domains must be a non-empty subset of {sorted(known_domains)}")
    if cfg.year_range[0] > cfg.year_range[1]:
        raise InputError(f"year_range {cfg.year_range} is empty")
    if cfg.focus_block is not None:
        _parse_focus(cfg.focus_block)
    return cfg


def _parse_focus(text: str) -> tuple[str, str]:
    m = re.fullmatch(r"\s*([^,]+?)\s*,\s*(\w)\.?\s*", text)
    if not m:
        raise InputError(f"focus_block {text!r} must look like 'Wang, L' (surname, first initial)")
    return m.group(1), m.group(2).upper()


# ------------------------------------------------------------------------------------------------
# small pure helpers


def _zipf(n: int, s: float = 1.0) -> np.ndarray:
    p = 1.0 / np.arange(1, n + 1, dtype=float) ** s
    return p / p.sum()


def _ascii(s: str) -> str:
    """Drop diacritics (NFKD, then the few letters NFKD leaves alone)."""
    out = unicodedata.normalize("NFKD", s)
    out = "".join(c for c in out if not unicodedata.combining(c))
    return out.translate(_ASCII_EXTRA)


_ASCII_EXTRA = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "İ": "I",
    }
)
_UMLAUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


def _fallback_block_key(surname: str, given: str) -> str:
    sur = re.sub(r"[^a-z ]", "", _ascii(surname).lower().replace("-", " "))
    sur = " ".join(sur.split())
    ini = _ascii(given).strip()[:1].lower()
    return f"{ini} {sur}"


def _block_key_fn() -> Callable[[str, str], str]:
    """byline.names.block_key when it exists (same keys as unlabeled blocking), else a local fallback."""
    try:
        from byline.names import block_key  # type: ignore[attr-defined]
    except ImportError:
        return _fallback_block_key
    return lambda surname, given: block_key(f"{surname}, {given}")


def _orcid(rng: np.random.Generator) -> str:
    digits = [0] * 6 + [int(rng.integers(1, 4))] + [int(d) for d in rng.integers(0, 10, size=8)]
    total = 0
    for d in digits:
        total = (total + d) * 2
    check = (12 - total % 11) % 11
    s = "".join(map(str, digits)) + ("X" if check == 10 else str(check))
    return f"{s[0:4]}-{s[4:8]}-{s[8:12]}-{s[12:16]}"


def _compile(template: str) -> str:
    """'{A} {N} for {N}' -> '{4} {0} for {1}': slots N 0-3, A 4-5, M 6, V 7."""
    counters = {"N": 0, "A": 4, "M": 6, "V": 7}

    def sub(m: re.Match[str]) -> str:
        k = m.group(1)
        i = counters[k]
        counters[k] += 1
        return f"{{{i}}}"

    return re.sub(r"\{([NAMV])\}", sub, template)


_TITLES = tuple(_compile(t) for t in T.TITLE_TEMPLATES)
_SENTENCES = tuple(_compile(t) for t in T.SENTENCE_TEMPLATES)
_VOCAB = 32  # words per topic
_PETS = 3  # person-specific terms
_GROUP_TERMS = 4  # group-specific terms
# Zipf exponent of surnames by origin: Chinese and Korean surnames are few and concentrated
# (Wang/Li/Zhang ~7% each; Kim ~20%); elsewhere a long generated tail follows the real list.
_SURNAME_ZIPF = {"chinese": 0.75, "korean": 1.0, "vietnamese": 1.0}
_MAX_SENT = 6
_NAME_POOL_SEED = 20_240_601


# ------------------------------------------------------------------------------------------------
# the world: people, groups, topics


class _World:
    """People, groups and topics drawn once per corpus. Arrays indexed by person / group / topic."""

    def __init__(self, cfg: SynthConfig, rng: np.random.Generator, n_people: int, n_focus: int):
        self.cfg = cfg
        y0, y1 = cfg.year_range
        P = n_people + n_focus
        self.n_people, self.n_focus = n_people, n_focus

        # topics
        domains = [d for d in T.DOMAINS if cfg.domains is None or d[0] in cfg.domains]
        n_topics = cfg.n_topics or int(np.clip(P // 120, 8, 400))
        t_dom = rng.integers(0, len(domains), size=n_topics)
        vocab = np.empty((n_topics, _VOCAB), dtype=object)
        venues = np.empty((n_topics, 4), dtype=object)
        self.topic_dept = []
        for t in range(n_topics):
            title, dept, nouns = domains[t_dom[t]]
            own = [nouns[i] for i in rng.permutation(len(nouns))]
            other = T.DOMAINS[int(rng.integers(0, len(T.DOMAINS)))][2]
            extra = [w for w in (other[i] for i in rng.permutation(len(other))) if w not in own]
            words = (own[: _VOCAB - 6] + extra)[:_VOCAB]
            while len(words) < _VOCAB:
                words.append(own[len(words) % len(own)])
            vocab[t] = words
            vt = rng.permutation(len(T.VENUE_TEMPLATES))[:3]
            venues[t, :3] = [T.VENUE_TEMPLATES[i].format(D=title) for i in vt]
            venues[t, 3] = T.GENERAL_VENUES[int(rng.integers(0, len(T.GENERAL_VENUES)))]
            self.topic_dept.append(dept)
        self.vocab, self.venues, self.n_topics = vocab, venues, n_topics
        topic_p = _zipf(n_topics, 0.6)[rng.permutation(n_topics)]

        # groups
        origins = [o for o, _ in cfg.origin_mix]
        omix = np.array([w for _, w in cfg.origin_mix], dtype=float)
        omix /= omix.sum()
        G = max(1, round(P / cfg.group_size))
        g_w = rng.lognormal(0.0, 0.8, size=G)
        g_w /= g_w.sum()
        g_origin = rng.choice(len(origins), size=G, p=omix)
        g_topics = np.empty((G, 3), dtype=np.int64)
        g_ntop = rng.integers(1, 4, size=G)
        g_inst: list[tuple[str, str, str, str]] = []
        for g in range(G):
            first = int(rng.choice(n_topics, p=topic_p))
            same = np.flatnonzero(t_dom == t_dom[first])
            for j in range(3):
                if j == 0:
                    g_topics[g, j] = first
                elif rng.random() < 0.6:
                    g_topics[g, j] = int(same[rng.integers(0, len(same))])
                else:
                    g_topics[g, j] = int(rng.choice(n_topics, p=topic_p))
            countries = T.ORIGIN_COUNTRIES[origins[g_origin[g]]]
            country = countries[int(rng.integers(0, len(countries)))]
            insts = T.institutions(country)
            name, city, dom = insts[int(rng.choice(len(insts), p=_zipf(len(insts), 0.5)))]
            g_inst.append((name, city, country, dom))
        self.g_inst, self.g_topics, self.g_ntop, self.G = g_inst, g_topics, g_ntop, G
        self.g_dept = [self.topic_dept[int(g_topics[g, 0])] for g in range(G)]

        # people: groups, origins, careers, productivity
        grp = rng.choice(G, size=P, p=g_w)
        own_origin = rng.random(P) < cfg.group_origin_share
        origin = np.where(own_origin, g_origin[grp], rng.choice(len(origins), size=P, p=omix))
        start = y0 + np.floor((y1 - y0 + 1) * rng.beta(1.6, 1.0, size=P)).astype(np.int64)
        span = np.ceil(rng.lognormal(math.log(8.0), 0.7, size=P)).astype(np.int64)
        end = np.minimum(start + span, y1)
        start = np.minimum(start, end)
        w = rng.lognormal(0.0, 1.0, size=P) * np.sqrt(end - start + 1.0)
        moves = (rng.random(P) < cfg.p_move) & (end - start >= 2)
        move_year = np.where(
            moves, start + 1 + np.floor(rng.random(P) * (end - start - 1)).astype(np.int64), end + 1
        )
        grp_b = np.where(moves, rng.choice(G, size=P, p=g_w), grp)
        self.origin_names = origins
        self.origin, self.start, self.end, self.w = origin, start, end, w
        self.grp_a, self.grp_b, self.move_year = grp, grp_b, move_year

        # person topics: 1-3 of the group's, sometimes one of their own
        ntop = rng.choice([1, 2, 3], size=P, p=[0.4, 0.4, 0.2])
        pick = np.floor(rng.random((P, 3)) * g_ntop[grp][:, None]).astype(np.int64)
        ptop = g_topics[grp[:, None], pick]
        wild = rng.random(P) < 0.1
        ptop[wild, ntop[wild] - 1] = rng.choice(n_topics, size=int(wild.sum()), p=topic_p)
        self.ptop, self.ntop = ptop, ntop
        # each person's own sub-interests: 4 terms from their first topic's vocabulary (any rank) or from
        # anywhere, mixed into their papers' titles and abstracts
        pet_rank = rng.integers(0, _VOCAB, size=(P, _PETS))
        pet_topic = np.where(
            rng.random((P, _PETS)) < 0.5, ptop[:, :1], rng.integers(0, n_topics, size=(P, _PETS))
        )
        self.pets = vocab[pet_topic, pet_rank]
        # each group's own terms too (its projects): coauthors in one group share them, so a person's papers
        # share vocabulary whether they lead them or not, and same-named people of other groups do not
        g_rank = rng.integers(0, _VOCAB, size=(G, _GROUP_TERMS))
        g_top = np.where(
            rng.random((G, _GROUP_TERMS)) < 0.5,
            g_topics[:, :1],
            rng.integers(0, n_topics, size=(G, _GROUP_TERMS)),
        )
        self.g_pets = vocab[g_top, g_rank]

        # names
        self.surname: list[str] = []
        self.syll: list[tuple[str, ...]] = []
        self.sep: list[str] = []
        self.cjk = np.zeros(P, dtype=bool)
        self.middle: list[str | None] = []
        focus = _parse_focus(cfg.focus_block) if cfg.focus_block else None
        if focus:
            f_origin = next((i for i, o in enumerate(origins) if focus[0] in T.SURNAMES[o]), None)
            if f_origin is None:
                f_origin = next((i for i, o in enumerate(T.SURNAMES) if focus[0] in T.SURNAMES[o]), 0)
                origins.append(list(T.SURNAMES)[f_origin]) if list(T.SURNAMES)[
                    f_origin
                ] not in origins else None
                f_origin = origins.index(list(T.SURNAMES)[f_origin])
            self.origin[n_people:] = f_origin
        inventory = {o: T.surname_inventory(o) for o in origins}
        sur_p = {o: _zipf(len(inventory[o]), _SURNAME_ZIPF.get(o, 0.9)) for o in origins}
        # pooled CJK given names: a real corpus of millions has many people per (surname, given name);
        # a small synthetic world gets the same density from a pool sized to its population
        pools: dict[str, tuple[list[tuple[tuple[str, ...], str, bool, str | None]], np.ndarray]] = {}
        if cfg.given_name_pool > 0:
            n_by_origin = np.bincount(self.origin[:n_people], minlength=len(origins))
            k_origin = {o: i for i, o in enumerate(sorted(T.SURNAMES))}
            for k, o in enumerate(origins):
                if o in ("chinese", "korean") and n_by_origin[k]:
                    size = max(8, round(float(n_by_origin[k]) * cfg.given_name_pool))
                    # one fixed name "population" per origin (same order in every world, whatever the seed),
                    # so common names are common in every corpus, as real name frequencies are
                    pop_rng = np.random.default_rng(_NAME_POOL_SEED + k_origin[o])
                    pool = [self._given(pop_rng, o, None) for _ in range(size)]
                    pools[o] = (pool, np.cumsum(_zipf(size, 0.8)))
        pool_u = rng.random(P)
        for p in range(P):
            o = origins[int(self.origin[p])]
            is_focus = p >= n_people
            if is_focus:
                assert focus is not None
                sur = focus[0]
            else:
                sur = inventory[o][int(rng.choice(len(inventory[o]), p=sur_p[o]))]
            if not is_focus and o in pools:
                pool, cum = pools[o]
                syl, sep, cjk, mid = pool[
                    min(int(np.searchsorted(cum, pool_u[p] * cum[-1], side="right")), len(pool) - 1)
                ]
            else:
                syl, sep, cjk, mid = self._given(rng, o, focus[1] if is_focus else None)
            self.surname.append(sur)
            self.syll.append(syl)
            self.sep.append(sep)
            self.cjk[p] = cjk
            self.middle.append(mid)

        block_key = _block_key_fn()
        self.canonical = [self._canonical(p) for p in range(P)]
        self.block = [block_key(self.surname[p], self._given_canon(p)) for p in range(P)]
        # e-mail handle and ORCID
        self.handle = []
        hsel = rng.integers(0, 3, size=P)
        for p in range(P):
            g = _ascii(self._given_canon(p)).lower().replace(" ", "").replace("-", "")
            s = _ascii(self.surname[p]).lower().replace(" ", "").replace("'", "")
            self.handle.append((f"{g}.{s}", f"{g[:1]}{s}", f"{s}{g}")[int(hsel[p])])
        has_orcid = rng.random(P) < cfg.p_orcid_person
        self.orcid = [_orcid(rng) if has_orcid[p] else None for p in range(P)]

        # group membership CSR (person, active interval) for coauthor draws
        pa = np.arange(P)
        m_pid = np.concatenate([pa, pa[moves]])
        m_grp = np.concatenate([grp, grp_b[moves]])
        m_start = np.concatenate([start, move_year[moves]])
        m_end = np.concatenate([np.where(moves, move_year - 1, end), end[moves]])
        order = np.argsort(m_grp, kind="stable")
        self.m_pid, self.m_start, self.m_end = m_pid[order], m_start[order], m_end[order]
        self.m_logw = np.log(w[self.m_pid])
        self.m_off = np.searchsorted(m_grp[order], np.arange(G + 1))
        self.cum_w = np.cumsum(w)

    # -- names --------------------------------------------------------------------------------------
    def _given(
        self, rng: np.random.Generator, origin: str, initial: str | None
    ) -> tuple[tuple[str, ...], str, bool, str | None]:
        """(given-name parts, canonical separator, is CJK, middle name or None)."""

        def pick(seq: tuple[str, ...], s: float = 1.0, first: bool = False) -> str:
            cand = seq
            if first and initial is not None:
                cand = tuple(x for x in seq if _ascii(x)[:1].upper() == initial)
                if not cand:
                    raise InputError(f"no built-in {origin} given name starts with {initial!r}")
            return cand[int(rng.choice(len(cand), p=_zipf(len(cand), s)))]

        if origin == "chinese":
            if rng.random() < 0.45:
                return (pick(T.CHINESE_SINGLE, 1.0, True),), "", True, None
            a, b = pick(T.CHINESE_SYLLABLES, 0.8, True), pick(T.CHINESE_SYLLABLES, 0.8)
            sep = ("", "-", " ")[int(rng.choice(3, p=[0.7, 0.2, 0.1]))]
            return (a, b), sep, True, None
        if origin == "korean":
            if rng.random() < 0.1:
                return (pick(T.KOREAN_SYLLABLES, 0.8, True),), "", True, None
            a, b = pick(T.KOREAN_SYLLABLES, 0.8, True), pick(T.KOREAN_SYLLABLES, 0.8)
            sep = ("-", "", " ")[int(rng.choice(3, p=[0.5, 0.3, 0.2]))]
            return (a, b), sep, True, None
        given = pick(T.GIVEN[origin], 0.9, True)
        middle = None
        if origin in ("anglo_italian", "german", "indian", "iberian") and rng.random() < 0.3:
            middle = pick(T.GIVEN[origin], 0.7)
            if middle == given:
                middle = None
        if "-" in given:
            return tuple(given.split("-")), "-", False, middle
        if " " in given:
            return tuple(given.split(" ")), " ", False, middle
        return (given,), "", False, middle

    def _given_canon(self, p: int) -> str:
        syl, sep = self.syll[p], self.sep[p]
        if len(syl) == 1:
            return syl[0]
        if sep == "":
            return syl[0] + "".join(s.lower() for s in syl[1:])
        return sep.join(syl)

    def _canonical(self, p: int) -> str:
        mid = self.middle[p]
        return f"{self._given_canon(p)} {mid + ' ' if mid else ''}{self.surname[p]}"

    def print_name(self, p: int, style: str, ascii_: bool, u: np.ndarray) -> str:
        """The name of person ``p`` as one paper prints it; ``u`` holds 4 uniforms."""
        cfg = self.cfg
        syl, sep, sur, mid = self.syll[p], self.sep[p], self.surname[p], self.middle[p]
        if len(syl) > 1 and u[0] >= cfg.p_canonical_spelling:
            choices = ("", "-", " ") if self.cjk[p] else ("-", " ")
            sep = choices[
                int((u[0] - cfg.p_canonical_spelling) / (1 - cfg.p_canonical_spelling + 1e-12) * len(choices))
                % len(choices)
            ]
        if mid is not None and u[1] < cfg.p_drop_middle:
            mid = None
        if style in ("initials", "pubmed"):
            parts = [syl[0][0]] if (len(syl) == 1 or u[2] < 0.35) else [s[0] for s in syl]
            if mid is not None:
                parts.append(mid[0])
            if style == "pubmed":
                out = f"{sur} {''.join(parts)}"
            else:
                joiner = ("-" if sep == "-" and len(parts) > 1 and mid is None else " ") if u[3] < 0.7 else ""
                out = f"{joiner.join(x + '.' for x in parts)} {sur}"
        else:
            if len(syl) == 1:
                given = syl[0]
            elif sep == "":
                given = syl[0] + "".join(s.lower() for s in syl[1:])
            elif sep == "-" and self.cjk[p] and u[2] < 0.3:
                given = syl[0] + "-" + "".join(s.lower() for s in syl[1:])
            else:
                given = sep.join(syl)
            if mid is not None:
                given = f"{given} {mid if u[3] < 0.3 else mid[0] + '.'}"
            if style == "comma":
                out = f"{sur}, {given}"
            elif style == "upper":
                out = f"{sur.upper()} {given}"
            elif style == "lower":
                out = f"{given} {sur}".lower()
            else:
                out = f"{given} {sur}"
        if ascii_ and not out.isascii():
            if self.origin_names[int(self.origin[p])] == "german" and u[3] < 0.4:
                out = out.translate(_UMLAUT)
            out = _ascii(out)
        return out

    def group_at(self, p: int, year: int) -> int:
        return int(self.grp_b[p] if year >= self.move_year[p] else self.grp_a[p])

    def affiliation(self, g: int, u: float) -> str:
        name, city, country, _ = self.g_inst[g]
        dept = self.g_dept[g]
        if u < 0.4:
            return f"Department of {dept}, {name}, {city}, {country}"
        if u < 0.7:
            return name
        if u < 0.9:
            return f"{dept}, {name}"
        return f"School of {dept}, {name}, {city}"


# ------------------------------------------------------------------------------------------------
# papers and signatures


def iter_signatures(
    n_signatures: int, seed: int = 0, dataset: str = "synth", **knobs: Any
) -> Iterator[Signature]:
    """Yield ``n_signatures`` labeled signatures, paper by paper (streaming; memory ~ the world only)."""
    if not isinstance(n_signatures, int) or n_signatures < 0:
        raise InputError(f"n_signatures must be a non-negative integer, not {n_signatures!r}")
    cfg = _config(dataset, knobs)
    if n_signatures == 0:
        return
    rng = np.random.default_rng(seed)
    n_people_total = max(2, math.ceil(n_signatures / cfg.signatures_per_person))
    if cfg.focus_block:
        # the focus people are spread over a whole world of groups (about one per group), as the
        # "L Wang"s of a real corpus are: same-name people rarely share coauthors and topics
        n_focus = n_people_total
        n_bg = max(500, int(n_focus * cfg.group_size))
    else:
        n_focus, n_bg = 0, n_people_total
    world = _World(cfg, rng, n_bg, n_focus)
    yield from _papers(world, cfg, rng, n_signatures, dataset, seed)


def _papers(
    world: _World, cfg: SynthConfig, rng: np.random.Generator, n_signatures: int, dataset: str, seed: int
) -> Iterator[Signature]:
    styles = [s for s, _ in cfg.name_styles]
    style_p = np.array([p for _, p in cfg.name_styles], dtype=float)
    style_p /= style_p.sum()
    focus = world.n_focus > 0
    lead_cum = np.cumsum(world.w[world.n_people :]) if focus else world.cum_w
    lead_off = world.n_people if focus else 0
    noun_p = _zipf(_VOCAB, 1.0)
    venue_p = np.array([0.45, 0.25, 0.15, 0.15])
    # ids carry the seed, so corpora made with different seeds can be concatenated without collisions
    prefix = f"{dataset}-{seed}-"
    emitted = 0
    paper = 0
    B = 2048
    while emitted < n_signatures:
        leads = lead_off + np.searchsorted(lead_cum, rng.random(B) * lead_cum[-1], side="right")
        leads = np.minimum(leads, len(world.w) - 1)
        years = world.start[leads] + np.floor(
            rng.random(B) * (world.end[leads] - world.start[leads] + 1)
        ).astype(np.int64)
        topics = world.ptop[leads, np.floor(rng.random(B) * world.ntop[leads]).astype(np.int64)]
        n_auth = 1 + np.minimum(rng.negative_binomial(2, 2 / (2 + cfg.mean_authors - 1), size=B), 60)
        n_out = rng.binomial(n_auth - 1, cfg.p_outside_coauthor)
        style_idx = rng.choice(len(styles), size=B, p=style_p)
        flags = rng.random((B, 8))
        lead_pos_u = rng.random(B)
        nouns = world.vocab[topics[:, None], rng.choice(_VOCAB, size=(B, 4 * (_MAX_SENT + 1)), p=noun_p)]
        own_u = rng.random(nouns.shape)
        pets = world.pets[leads[:, None], rng.integers(0, _PETS, size=nouns.shape)]
        lead_grp = np.where(years >= world.move_year[leads], world.grp_b[leads], world.grp_a[leads])
        g_pets = world.g_pets[lead_grp[:, None], rng.integers(0, _GROUP_TERMS, size=nouns.shape)]
        own = own_u < cfg.p_own_term
        nouns[own] = np.where(own_u[own] < cfg.p_own_term / 2, pets[own], g_pets[own])
        adjs = rng.integers(0, len(T.ADJECTIVES), size=(B, 2 * (_MAX_SENT + 1)))
        meths = rng.integers(0, len(T.METHODS), size=(B, _MAX_SENT + 1))
        verbs = rng.integers(0, len(T.VERBS), size=(B, _MAX_SENT + 1))
        title_t = rng.integers(0, len(_TITLES), size=B)
        n_sent = rng.integers(3, _MAX_SENT + 1, size=B)
        sent_t = rng.integers(0, len(_SENTENCES), size=(B, _MAX_SENT))
        venue_r = rng.choice(4, size=B, p=venue_p)
        n_kw = rng.integers(3, 6, size=B)
        for i in range(B):
            if emitted >= n_signatures:
                return
            lead, year = int(leads[i]), int(years[i])
            authors = _coauthors(world, rng, lead, year, int(n_auth[i]) - 1, int(n_out[i]))
            u = lead_pos_u[i]
            pos = 0 if u < 0.5 else (len(authors) if u < 0.8 else int(rng.integers(0, len(authors) + 1)))
            authors.insert(pos, lead)
            f = flags[i]
            style = styles[int(style_idx[i])]
            ascii_ = bool(f[0] < cfg.p_ascii)
            nrow = list(dict.fromkeys(nouns[i].tolist()))  # no word twice in a row of slots
            while len(nrow) < 4 * (_MAX_SENT + 1):
                nrow += nrow[: 4 * (_MAX_SENT + 1) - len(nrow)]

            a_i, m_i, v_i = adjs[i].tolist(), meths[i].tolist(), verbs[i].tolist()

            def words(
                k: int,
                nrow: list[str] = nrow,
                a_i: list[int] = a_i,
                m_i: list[int] = m_i,
                v_i: list[int] = v_i,
            ) -> list[str]:
                return [
                    *nrow[4 * k : 4 * k + 4],
                    T.ADJECTIVES[a_i[2 * k]],
                    T.ADJECTIVES[a_i[2 * k + 1]],
                    T.METHODS[m_i[k]],
                    T.VERBS[v_i[k]],
                ]

            title = _cap(_TITLES[title_t[i]].format(*words(0)))
            abstract = None
            if f[1] >= cfg.p_abstract_missing:
                abstract = " ".join(
                    _cap(_SENTENCES[sent_t[i, s]].format(*words(s + 1))) for s in range(n_sent[i])
                )
            venue = None if f[2] < cfg.p_venue_missing else str(world.venues[topics[i], venue_r[i]])
            yr = None if f[3] < cfg.p_year_missing else year
            keywords: tuple[str, ...] = ()
            if f[4] < cfg.p_keywords:
                keywords = tuple(dict.fromkeys(nrow))[: int(n_kw[i])]
            no_aff_paper = f[5] < cfg.p_affiliation_missing * 0.75
            work_id = f"{prefix}w{paper:08d}"
            paper += 1
            k = len(authors)
            us = rng.random((k, 8))
            names = [world.print_name(a, style, ascii_, us[j]) for j, a in enumerate(authors)]
            names_t = tuple(names)
            for j, a in enumerate(authors):
                if focus and a < world.n_people:
                    continue
                if emitted >= n_signatures:
                    return
                uj = us[j]
                g = world.group_at(a, year)
                affs: tuple[str, ...] = ()
                if not no_aff_paper and uj[4] >= cfg.p_affiliation_missing * 0.25:
                    affs = (world.affiliation(g, uj[5]),)
                    if uj[6] < 0.05:
                        other = int(world.grp_a[a] if g == world.grp_b[a] else world.grp_b[a])
                        if other != g:
                            affs = (*affs, world.affiliation(other, uj[7]))
                email = None
                p_mail = cfg.p_email * (2.5 if j in (0, k - 1) else 0.5)
                if uj[6] < p_mail:
                    email = f"{world.handle[a]}@{world.g_inst[g][3]}"
                orcid = world.orcid[a] if world.orcid[a] is not None and uj[7] < cfg.p_orcid_shown else None
                yield Signature(
                    id=f"{prefix}s{emitted:09d}",
                    name=names[j],
                    work_id=work_id,
                    position=j,
                    affiliations=affs,
                    email=email,
                    orcid=orcid,
                    coauthors=names_t[:j] + names_t[j + 1 :],
                    title=title,
                    abstract=abstract,
                    venue=venue,
                    year=yr,
                    keywords=keywords,
                    block=world.block[a],
                    person=f"{prefix}p{a:07d}",
                    dataset=dataset,
                )
                emitted += 1


_AN = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])")


def _cap(s: str) -> str:
    s = _AN.sub(r"\1n ", s)
    return s[:1].upper() + s[1:]


def _coauthors(
    world: _World, rng: np.random.Generator, lead: int, year: int, k: int, n_out: int
) -> list[int]:
    """k coauthors of ``lead`` at ``year``: from the lead's group (weighted, active then), n_out from anywhere."""
    if k <= 0:
        return []
    g = world.group_at(lead, year)
    lo, hi = world.m_off[g], world.m_off[g + 1]
    pid = world.m_pid[lo:hi]
    ok = (world.m_start[lo:hi] <= year) & (world.m_end[lo:hi] >= year) & (pid != lead)
    if not ok.any():
        ok = pid != lead
    cand = pid[ok]
    n_in = min(k - n_out, len(cand))
    chosen: list[int] = []
    if n_in > 0:
        keys = world.m_logw[lo:hi][ok] - np.log(-np.log(rng.random(len(cand))))
        top = np.argsort(-keys, kind="stable")[:n_in]
        chosen = [int(x) for x in cand[top]]
    need = k - len(chosen)
    if need > 0:
        out = np.searchsorted(world.cum_w, rng.random(need) * world.cum_w[-1], side="right")
        seen = set(chosen)
        seen.add(lead)
        for x in out.tolist():
            x = min(int(x), len(world.w) - 1)
            if x not in seen:
                seen.add(x)
                chosen.append(x)
    return chosen


def generate(n_signatures: int, seed: int = 0, dataset: str = "synth", **knobs: Any) -> list[Signature]:
    """``n_signatures`` labeled signatures (``person`` and ``block`` set) as a list."""
    return list(iter_signatures(n_signatures, seed=seed, dataset=dataset, **knobs))


# ------------------------------------------------------------------------------------------------
# JSONL output


def signature_to_json(sig: Signature) -> dict[str, Any]:
    """The canonical labeled JSONL object of one signature (the schema of ../shared/datasets/README.md)."""
    pos = sig.position
    authors = [*sig.coauthors[:pos], sig.name, *sig.coauthors[pos:]]
    return {
        "dataset": sig.dataset,
        "block": sig.block,
        "signature_id": sig.id,
        "person_id": sig.person,
        "author": {
            "name": sig.name,
            "position": pos,
            "affiliations": list(sig.affiliations),
            "email": sig.email,
            "orcid": sig.orcid,
        },
        "paper": {
            "paper_id": sig.work_id,
            "title": sig.title,
            "abstract": sig.abstract,
            "venue": sig.venue,
            "year": sig.year,
            "authors": authors,
            "keywords": list(sig.keywords),
        },
    }


def write_jsonl(signatures: Iterable[Signature], path: str | os.PathLike[str]) -> int:
    """Write signatures as labeled JSONL (gzip when the name ends in ``.gz``); returns the count.

    Written to a temporary file beside ``path`` and renamed at the end, so a failure leaves nothing
    half-written. Gzip output has a fixed mtime, so the same signatures give the same bytes.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    n = 0
    try:
        with open(tmp, "wb") as raw:
            stream: Any = (
                gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=5, mtime=0)
                if path.suffix == ".gz"
                else raw
            )
            with io.TextIOWrapper(stream, encoding="utf-8", newline="\n") as out:
                dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
                for sig in signatures:
                    out.write(dumps(signature_to_json(sig)))
                    out.write("\n")
                    n += 1
            if stream is not raw:
                stream.close()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m byline_synth", description=__doc__.split("\n\n")[0])
    ap.add_argument("--signatures", type=int, required=True)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dataset", default="synth", help=f"name; presets: {', '.join(PRESETS)}")
    ap.add_argument("--focus-block", default=None, help="e.g. 'Wang, L': one big ambiguous block")
    ap.add_argument(
        "--knob", action="append", default=[], metavar="NAME=JSON", help="override a SynthConfig knob"
    )
    ap.add_argument("--out", required=True)
    args = ap.parse_args(argv)
    knobs: dict[str, Any] = {}
    for kv in args.knob:
        k, _, v = kv.partition("=")
        try:
            val = json.loads(v)
        except json.JSONDecodeError:
            val = v
        knobs[k] = tuple(val) if isinstance(val, list) else val
    if args.focus_block:
        knobs["focus_block"] = args.focus_block
    try:
        n = write_jsonl(
            iter_signatures(args.signatures, seed=args.seed, dataset=args.dataset, **knobs), args.out
        )
    except InputError as exc:
        print(f"byline_synth: error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {n} signatures to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
