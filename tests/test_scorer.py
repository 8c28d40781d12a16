"""The one scorer: the stand-in and the real model honour its protocol, and a pair scores the same
whoever asks (explain, the review queue, audit) as long as the context is the same."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from _helpers import BIO, ML, TinyModel, model_dir, write_bib
from byline.people.corpus import load_corpus
from byline.scorer import ClusterModel, PairModel, Scorer
from byline.store import Store


def test_the_stand_in_and_the_real_model_satisfy_the_protocols(tmp_path: Path) -> None:
    from byline.model import Disambiguator

    real = Disambiguator.load(model_dir(tmp_path))
    for model in (TinyModel(), real):
        assert isinstance(model, PairModel) and isinstance(model, ClusterModel)
    assert Scorer(real).threshold == real.threshold_ and Scorer(TinyModel()).threshold == 0.5


def test_a_pair_scores_the_same_in_any_order_and_batch(tmp_path: Path) -> None:
    with Store(tmp_path / "s.db") as s:
        s.ingest([write_bib(tmp_path / "a.bib", ML + BIO)])
        corpus = load_corpus(s)
    from byline.model import Disambiguator

    scorer = Scorer.for_corpus(Disambiguator.load(model_dir(tmp_path)), corpus.signatures.values())
    lee = sorted(sid for sid, sig in corpus.signatures.items() if sig.name == "Jaeseong Lee")
    context = corpus.block_context({corpus.blocks[lee[0]]})
    a, b = [corpus.signatures[x] for x in lee[:-1]], [corpus.signatures[lee[-1]]] * (len(lee) - 1)
    batch = scorer.pair_scores(a, b, context).probability
    one_by_one = [
        scorer.pair_scores([x], [y], list(reversed(context))).probability[0]
        for x, y in zip(a, b, strict=True)
    ]
    assert np.allclose(batch, one_by_one)
    assert ((batch >= 0) & (batch <= 1)).all() and len(set(np.round(batch, 6))) > 1
    # a name rule (two names on one paper) is a 0, whatever the model says
    same_paper = [s for s in corpus.signatures.values() if s.work_id == a[0].work_id]
    assert scorer.pair_scores(same_paper[:1], same_paper[1:2], context).probability[0] == 0.0
