"""The shipped static text encoder: offline, deterministic, and it puts related texts close together."""

from __future__ import annotations

import numpy as np
import pytest

from byline import ModelError
from byline.encoder import StaticEncoder, default_encoder, signature_text
from byline.records import Signature


def test_related_texts_are_closer_than_unrelated_ones():
    enc = default_encoder()
    a, b, c = enc.encode(
        [
            "Self-supervised face swapping with a masked autoencoder",
            "Robust face swapping against attribute leakage in StyleGAN",
            "Fast NPU-aware neural architecture search under a latency constraint",
        ]
    )
    assert float(a @ b) > float(a @ c) + 0.1


def test_vectors_are_unit_length_and_empty_text_is_zero():
    v = default_encoder().encode(["graph neural networks", ""])
    assert np.isclose(np.linalg.norm(v[0]), 1.0, atol=1e-5)
    assert not v[1].any()
    assert default_encoder().encode([]).shape == (0, default_encoder().dims)


def test_same_text_same_vector():
    enc = default_encoder()
    assert np.array_equal(enc.encode(["soil moisture retrieval"]), enc.encode(["soil moisture retrieval"]))


def test_signature_text_uses_title_keywords_and_abstract():
    s = Signature(id="s", name="A B", title="T", keywords=("k1", "k2"), abstract="x" * 5000)
    text = signature_text(s)
    assert text.startswith("T. k1; k2. x") and len(text) == 1000


def test_a_folder_that_is_not_an_encoder_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="not a byline text encoder"):
        StaticEncoder.load(tmp_path)
