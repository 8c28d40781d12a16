"""A person's topics: keyphrases from their works, weighted against how common they are in a corpus.

A work's text (title, abstract, keywords, venue) is cut into runs of content words at punctuation and stop
words; every 1- to 3-word stretch of a run is a candidate phrase ("graph neural networks", "face swapping").
Words are lower-cased and singularized (:func:`normalize`), so "neural network" and "neural networks" are
one phrase, shown in the form the person's works use most. A phrase scores by the works that use it (in the title
counts more than in the abstract; in both, more still) times its inverse document frequency in a :class:`Background` corpus:
a phrase found in most works of the corpus ("training", "utilizing", "results") is not a topic. The shipped
background (``models/topics/background.json.gz``) holds document frequencies counted over the labeled
*train* splits by ``scripts/topic_background.py``; :meth:`Background.from_texts` counts them over any other
corpus, such as a store's works.

    >>> [t for t, _ in keyphrases([TopicText(title="Face swapping with identity"),
    ...                            TopicText(title="Robust face swapping")])][:1]
    ['face swapping']
"""

from __future__ import annotations

import functools
import gzip
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from byline._errors import InputError

BACKGROUND_PATH = Path(__file__).resolve().parent / "models" / "topics" / "background.json.gz"
MAX_WORDS = 3  # longest candidate phrase, in words
LENGTH_BONUS = 0.25  # a phrase's score grows by this share for each word past the first
IDF_POWER = 0.5  # how strongly corpus rarity counts (0: not at all)
FILL_FROM_TITLES = True  # after the phrases of 2+ works, phrases of single titles fill the list

# Weight of a work's fields: a phrase in the title says more about the work than one in its abstract. A venue's
# phrases ("vehicular technology") lowered top-5 precision on dev (qian 0.458 -> 0.420 at 0.1): they are off.
FIELD_WEIGHTS: Mapping[str, float] = {"title": 1.0, "keywords": 1.0, "abstract": 0.5, "venue": 0.0}

_URL = re.compile(r"(?:https?://|ftp://|www\.)\S+|\S+@\S+\.\S+|\b\S+\.(?:com|org|net|edu|io)(?:/\S*)?", re.I)
_MATH = re.compile(r"\$[^$]*\$")
_BOUNDARY = re.compile(
    r"[^\w\s'’\-]+|\s[-–—]+\s|_"
)  # punctuation ends a phrase; a hyphen inside a word does not
_TOKEN = re.compile(r"[^\W_][\w\-'’]*")
_POSSESSIVE = re.compile(r"['’]s?$", re.I)

# Words that never start, end or sit inside a topic phrase, besides scikit-learn's English stop words: research
# boilerplate, abstract headings, hedges and verbs that titles use around their subject, and what is left of
# links ("code is available at https://github.com/...").
# fmt: off
_EXTRA_STOP = frozenset(
    """
    paper papers propose proposed proposes proposing approach approaches method methods result results show shows
    showed shown using use used uses based novel new study studies work works also can could however existing
    achieve achieves achieving improve improves improved improving significantly significant via two three one
    first second well large small different various recent recently thus demonstrate demonstrates demonstrated
    introduce introduces introducing introduced present presents presented problem problems key leading able
    previous even many experiment experiments experimental extensive effective effectively efficient efficiently
    address addresses despite including number given abstract index term terms keyword keywords et al copyright
    rights reserved elsevier ieee springer acm wiley inc ltd utilize utilizes utilizing utilized utilization
    leverage leverages leveraging towards toward revisiting rethinking enhancing enhanced enhance enhances
    preserving preserve preserves better best good high low higher lower make makes making made provide
    provides providing provided obtain obtained allow allows allowing enable enables enabling consider
    considered considering compared comparing comparison respectively furthermore moreover additionally
    particular particularly specifically generally general specific important importance potential potentially
    simple simply main mainly often usually typically widely commonly increasingly increasing increased
    approximately around significantly substantially relatively highly strongly largely better outperform
    outperforms outperforming superior conventional traditional standard state art stateoftheart sota
    background objective objectives purpose aim aims aimed conclusion conclusions methodology findings finding
    introduction discussion summary overview review preliminary report case cases et letter editorial comment
    http https www ftp com org net edu gov html htm php pdf doi url urls github gitlab bitbucket sourceforge
    huggingface zenodo figshare arxiv abs io code codes source available availability publicly release released
    online website webpage page project repository repo download supplementary material materials appendix link
    investigate investigates investigated investigating examine examines examined examining explore explores
    explored exploring assess assesses assessed assessing determine determines determined determining identify
    identifies identified identifying describe describes described describing develop develops developed
    evaluate evaluates evaluated estimate estimates estimated analyze analyzes analyzed analyse analysed apply
    applies applied observe observes observed perform performs performed compute computes computed derive
    derives derived discuss discusses discussed employ employs employed exploit exploits exploited yield yields
    suggest suggests suggested indicate indicates indicated reveal reveals revealed require requires required
    involve involves involved contain contains contained focus focuses focused include includes included
    measured measuring find finds found report reports reported obtain obtains
    links contact table tables figure figures fig vs versus etc ie eg i ii iii iv
    conference conferences proceedings proceeding journal journals transactions symposium workshop congress
    annual international national society association bulletin letters annals archives acta series
    der die das und von des den dem zur zum fur für mit im auf ein eine einer eines bei aus nach über uber
    le la les et pour dans du de en sur une un au aux par avec il el los las y del con para por
    """.split()  # noqa: SIM905 (a word list reads better as text)
)
# fmt: on

# Words that are topics only inside a phrase ("diffusion model", "data mining"), never alone.
_NOT_ALONE = frozenset(
    ["model", "system", "framework", "algorithm", "technique", "application", "performance", "data", "design",
     "process", "structure", "theory", "effect", "evaluation", "development", "analysis", "network", "tool",
     "patient", "people", "human", "level", "rate", "function", "set", "type", "role", "factor", "use"]
)  # fmt: skip

_KEEP_S = ("ss", "us", "is", "ics", "as", "os", "ys")
_IRREGULAR = {"analyses": "analysis", "indices": "index", "matrices": "matrix", "vertices": "vertex",
              "criteria": "criterion", "phenomena": "phenomenon", "children": "child", "mice": "mouse",
              "women": "woman", "men": "man", "teeth": "tooth", "feet": "foot", "people": "people",
              "series": "series", "species": "species", "news": "news", "data": "data", "bias": "bias",
              "diabetes": "diabetes", "lens": "lens", "gas": "gas", "axes": "axis", "hypotheses": "hypothesis",
              "theses": "thesis", "diagnoses": "diagnosis", "syntheses": "synthesis"}  # fmt: skip


@functools.cache
def stop_words() -> frozenset[str]:
    """Every word that breaks a topic phrase: scikit-learn's English stop words and :data:`_EXTRA_STOP`."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return frozenset(ENGLISH_STOP_WORDS) | _EXTRA_STOP


@functools.lru_cache(maxsize=65536)
def singular(word: str) -> str:
    """The singular of a lower-case English noun by rule ("networks" -> "network", "studies" -> "study",
    "approaches" -> "approach"); words that only look plural ("analysis", "dynamics", "gas") are kept."""
    if "-" in word:
        head, _, last = word.rpartition("-")
        return f"{head}-{singular(last)}"
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.endswith("s") or word.endswith(_KEEP_S):
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "zzes")):
        return word[:-2]
    return word[:-1]


def normalize(phrase: str) -> str:
    """The form two spellings of one phrase share: lower case, hyphens as spaces, each word singular
    ("Neural Networks" and "neural-network" both give "neural network")."""
    words = _TOKEN.findall(phrase.lower())
    return " ".join(singular(_POSSESSIVE.sub("", w)) for w in words).replace("-", " ")


def runs(text: str | None) -> list[list[str]]:
    """The runs of content words of ``text`` as printed, in lower case but for acronyms ("MIMO", "3D"): URLs
    and inline math dropped, a run ending at punctuation, a stop word (:func:`stop_words`) or a number."""
    if not text:
        return []
    if text.isupper():
        text = text.lower()  # a title in capitals has no acronyms to tell apart
    text = _MATH.sub(" , ", _URL.sub(" , ", text))
    out: list[list[str]] = []
    for chunk in _BOUNDARY.split(text):
        run: list[str] = []
        for raw in _TOKEN.findall(chunk):
            tok = _content(raw)
            if tok is None:
                if run:
                    out.append(run)
                run = []
            else:
                run.append(tok)
        if run:
            out.append(run)
    return out


@functools.lru_cache(maxsize=262144)
def _content(raw: str) -> str | None:
    """A token as a run keeps it (possessive and edge hyphens dropped; lower case unless an acronym), or None
    when it breaks the run."""
    stop = stop_words()
    printed = _POSSESSIVE.sub("", raw.strip("-'’"))
    tok = printed.lower()
    parts = tok.split("-")
    if (
        len(tok) < 2
        or tok in stop
        or parts[0] in stop
        or parts[-1] in stop
        or not any(c.isalpha() for c in tok)
        or sum(c.isdigit() for c in tok) > len(tok) // 2
    ):
        return None
    return printed if printed.isupper() else tok  # 2+ characters, as checked above


_MODIFIER_ENDINGS = ("ly", "ous", "ive", "able", "ible")


def _modifier(word: str) -> bool:
    """Whether a lone word reads as an adjective or adverb ("advanced", "robust", "efficiently"), not a subject."""
    return word.endswith(_MODIFIER_ENDINGS) or (
        word.endswith("ed") and len(word) > 5 and not word.endswith("eed")
    )


def candidates(text: str | None, max_words: int = MAX_WORDS) -> dict[str, str]:
    """Every candidate phrase of ``text``: normalized form (:func:`normalize`) -> a printed form."""
    found: dict[str, str] = {}
    for run in runs(text):
        # each word as :func:`normalize` gives it
        norm = [singular(w.lower()).replace("-", " ") for w in run]
        for n in range(1, max_words + 1):
            for i in range(len(run) - n + 1):
                key = " ".join(norm[i : i + n])
                if key in found:
                    continue
                if n == 1 and (len(run[i]) < 3 or key in _NOT_ALONE or _modifier(key)):
                    continue  # a lone two-letter token ("ai", "xr") is too often noise; "model" says nothing
                found[key] = " ".join(run[i : i + n])
    return found


@dataclass(frozen=True)
class TopicText:
    """The text of one work that topics are drawn from (every field optional)."""

    title: str | None = None
    abstract: str | None = None
    venue: str | None = None
    keywords: Sequence[str] = ()

    def fields(self) -> dict[str, str | None]:
        """Field name -> text, for :data:`FIELD_WEIGHTS`."""
        return {
            "title": self.title,
            "abstract": self.abstract,
            "venue": self.venue,
            "keywords": " ; ".join(self.keywords) if self.keywords else None,
        }

    def all_text(self) -> str:
        """Every field joined, phrase boundaries kept."""
        return " . ".join(t for t in self.fields().values() if t)


@dataclass
class Background:
    """Document frequencies of normalized phrases over a corpus of ``n_docs`` works."""

    n_docs: int
    df: dict[str, int] = field(default_factory=dict)

    def idf(self, phrase: str) -> float:
        """Smoothed inverse document frequency of a normalized phrase (0 for one in every document)."""
        return math.log((self.n_docs + 1) / (self.df.get(phrase, 0) + 1))

    @classmethod
    def from_texts(cls, docs: Iterable[TopicText], min_df: int = 1) -> Background:
        """Count, for each candidate phrase, the works of ``docs`` that use it (kept when at least ``min_df``)."""
        df: Counter[str] = Counter()
        n = 0
        for doc in docs:
            n += 1
            df.update(candidates(doc.all_text()).keys())
        return cls(n, {p: c for p, c in df.items() if c >= min_df})

    def save(self, path: str | Path) -> Path:
        """Write as gzipped JSON (``{"n_docs": ..., "df": {...}}``, phrases sorted), atomically."""
        path = Path(path)
        tmp = path.with_name(path.name + ".tmp")
        body = json.dumps({"n_docs": self.n_docs, "df": dict(sorted(self.df.items()))}, separators=(",", ":"))
        with gzip.GzipFile(tmp, "wb", mtime=0) as fh:
            fh.write(body.encode("utf-8"))
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> Background:
        """Read a file written by :meth:`save`; a missing or malformed one is an :class:`InputError`."""
        try:
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                doc = json.load(fh)
            n, df = int(doc["n_docs"]), doc["df"]
            if not isinstance(df, dict) or n <= 0:
                raise ValueError("n_docs must be positive and df a mapping")
        except (OSError, ValueError, KeyError, TypeError, EOFError) as exc:
            raise InputError(f"{path}: not a topic background file ({exc})") from exc
        return cls(n, {str(k): int(v) for k, v in df.items()})


@functools.cache
def default_background() -> Background:
    """The shipped background: document frequencies over the labeled train splits."""
    return Background.load(BACKGROUND_PATH)


def keyphrases(
    works: Sequence[TopicText],
    *,
    background: Background | None = None,
    top: int = 10,
    min_works: int | None = None,
) -> list[tuple[str, int]]:
    """The ``top`` topic phrases of one person's ``works``, best first, each with the number of works using it.

    A phrase scores by the works using it (each weighted by the summed :data:`FIELD_WEIGHTS` of the fields
    it appears in), times its inverse document frequency in ``background`` (default: the shipped
    one, raised to :data:`IDF_POWER`), times a bonus for each extra word (:data:`LENGTH_BONUS`). A phrase
    needs ``min_works`` works (default: 2 when the person has 3 works or more, else 1) -- after those,
    phrases of single titles (or of the abstract of a work without one) fill the list. A lone word must be
    in some title. A phrase inside a better one ("face" under "face swapping"), around one ("robust face
    swapping") or overlapping one ("advanced ovarian" beside "ovarian cancer") is left out.
    """
    bg = background or default_background()
    need = min_works if min_works is not None else (2 if len(works) >= 3 else 1)
    support: Counter[str] = Counter()
    weight: defaultdict[str, float] = defaultdict(float)
    in_title: set[str] = set()
    forms: dict[str, dict[str, int]] = {}  # phrase -> printed form -> uses (plain dicts: Counters are slow)
    for work in works:
        used: dict[str, float] = {}  # phrase -> summed weights of the fields using it
        for name, text in work.fields().items():
            w = FIELD_WEIGHTS[name]
            if w <= 0:
                continue
            for key, printed in candidates(text).items():
                used[key] = used.get(key, 0.0) + w
                seen = forms.setdefault(key, {})
                seen[printed] = seen.get(printed, 0) + 1
                if name == "title" or (name == "abstract" and not work.title):
                    in_title.add(key)  # a bare abstract stands in for the title it lacks
        for key, w in used.items():
            support[key] += 1
            weight[key] += w

    def score(key: str) -> float:
        return weight[key] * bg.idf(key) ** IDF_POWER * (1.0 + LENGTH_BONUS * key.count(" "))

    # a lone word must be in some title: abstracts use too many words in passing ("precise", "images")
    strong = [k for k in support if support[k] >= need and (" " in k or k in in_title)]
    strong_set = set(strong)
    weak = [k for k in support if k not in strong_set and k in in_title] if FILL_FROM_TITLES else []
    chosen: list[str] = []
    for pool in (strong, weak):
        for key in sorted(pool, key=lambda k: (-score(k), k)):
            if len(chosen) >= top:
                break
            if score(key) <= 0 or any(_overlaps(key, c) for c in chosen):
                continue
            chosen.append(key)
    return [(_display(forms[k]), support[k]) for k in chosen]


def _overlaps(a: str, b: str) -> bool:
    """Whether one normalized phrase is a run of words inside the other, or they are two windows of one run
    ("advanced ovarian" and "ovarian cancer")."""
    wa, wb = f" {a} ", f" {b} "
    if wa in wb or wb in wa:
        return True
    xa, xb = a.split(), b.split()
    return any(xa[-k:] == xb[:k] or xb[-k:] == xa[:k] for k in range(1, min(len(xa), len(xb))))


def _display(forms: Mapping[str, int]) -> str:
    """The printed form used most (ties: the shorter, then alphabetical)."""
    return sorted(forms.items(), key=lambda kv: (-kv[1], len(kv[0]), kv[0]))[0][0]
