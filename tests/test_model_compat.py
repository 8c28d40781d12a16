"""A model saved by an earlier release must still load and give the same clusters.

``tests/golden/model/format-1/`` was written by byline 0.1.0 (model format 1): a tiny model trained on
synthetic signatures (``byline_synth.generate(600, seed=3)[:400]``, 8 trees); its input and clusters are
stored beside it, so the test does not depend on today's generator. When the model format changes, keep this
folder, add a ``format-N`` beside it, and teach :meth:`byline.model.Disambiguator.load` to read both.
"""

from __future__ import annotations

import json

from byline.ingest.signatures import load_signatures
from byline.model import Disambiguator


def test_format_1_model_still_loads_and_predicts_the_same(golden_dir):
    model = Disambiguator.load(golden_dir / "model" / "format-1")
    expected = json.loads((golden_dir / "model" / "format-1-clusters.json").read_text())
    signatures = load_signatures(golden_dir / "model" / "format-1-input.jsonl.gz")
    assert model.predict(signatures) == expected
