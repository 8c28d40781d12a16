"""byline.text: repair (ftfy, cp874 mojibake, entities, whitespace), decode_bytes, strip_latex."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byline import InputError
from byline.text import decode_bytes, decode_latex_accents, fix_cp874_mojibake, repair, strip_latex


def _as_cp874(s: str) -> str:
    """What a reader that takes UTF-8 bytes for Thai cp874 shows."""
    return s.encode("utf-8").decode("cp874", errors="strict")


@pytest.mark.parametrize(
    ("broken", "fixed"),
    [
        ("Bรผhler", "Bühler"),
        ("Crรจme brรปlรฉe", "Crème brûlée"),
        (_as_cp874("José Müller-Løken"), "José Müller-Løken"),
        ("Dirk WÃ¼bben", "Dirk Wübben"),  # ordinary latin-1 mojibake: ftfy
        ("caf&eacute; &amp; cr&#232;me &#x00e9;", "café & crème é"),
        ("Smith &amp;amp; Jones", "Smith & Jones"),
        ("  A\u00a0title \n\t with\u200b   spaces ", "A title with spaces"),
        ("nul\x00 and\x07 bell", "nul and bell"),
    ],
)
def test_repair_fixes(broken: str, fixed: str) -> None:
    assert repair(broken) == fixed


@pytest.mark.parametrize(
    "thai",
    [
        "ภาษาไทย",
        "การผลิตสื่อการเรียนรู้",
        "สมชาย ใจดี",
        "รผ",  # Thai letters that happen to be valid UTF-8 once re-encoded, but no Latin context
        "Bรผhler และ ภาษาไทย",  # mixed: real Thai present, so nothing is touched
    ],
)
def test_real_thai_is_left_alone(thai: str) -> None:
    assert repair(thai) == thai
    assert fix_cp874_mojibake(thai) == thai


def test_repair_none_and_empty() -> None:
    assert repair(None) is None
    assert repair("") == ""
    assert repair("   ") == ""


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_repair_never_crashes_and_is_idempotent(s: str) -> None:
    out = repair(s)
    assert isinstance(out, str)
    assert "\x00" not in out
    assert out == out.strip()
    assert repair(out) == out


_LATIN = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ äöüéèçñøåÄÖÜÉßłŁřŘůŮ",
    min_size=1,
    max_size=40,
)


@given(_LATIN)
@settings(max_examples=200, deadline=None)
def test_cp874_roundtrip_property(s: str) -> None:
    """Any Latin text read as cp874 comes back exactly (after the usual whitespace repair)."""
    s = f"Name {s}"  # real Latin text always keeps some ASCII letters
    try:
        broken = _as_cp874(s)
    except UnicodeDecodeError:
        return  # bytes cp874 leaves undefined: a cp874 reader would have failed, nothing to repair
    assert repair(broken) == repair(s)


def test_decode_bytes_chain() -> None:
    assert decode_bytes("Müller".encode()) == ("Müller", "utf-8")
    assert decode_bytes(b"\xef\xbb\xbfM\xc3\xbcller") == ("Müller", "utf-8-sig")
    assert decode_bytes("Müller Straße".encode("utf-16"))[0] == "Müller Straße"
    assert decode_bytes("Müller Straße, Zoë".encode("utf-16-le"))[0] == "Müller Straße, Zoë"
    text, enc = decode_bytes("Müller, Jürgen and Zoë Öberg".encode("cp1252"))
    assert text == "Müller, Jürgen and Zoë Öberg"
    # A head cut inside a multi-byte character is not a reason to leave UTF-8.
    assert decode_bytes("abc ü".encode()[:-1]) == ("abc ", "utf-8")


@pytest.mark.shared
def test_decode_bytes_gbk(samples_dir) -> None:
    raw = (samples_dir / "bibtex" / "python-bibtexparser__gbk_test.bib").read_bytes()
    text, enc = decode_bytes(raw)
    assert "凯撒" in text and "测试期刊" in text
    assert enc in ("gbk", "gb18030", "gb2312")


def test_decode_bytes_binary_names_file() -> None:
    with pytest.raises(InputError, match=r"photo\.png.*binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", file="photo.png")
    with pytest.raises(InputError, match="binary"):
        decode_bytes(bytes(range(1, 9)) * 100)


@given(st.binary(max_size=300))
@settings(max_examples=200, deadline=None)
def test_decode_bytes_total(raw: bytes) -> None:
    try:
        text, enc = decode_bytes(raw, file="x.bin")
    except InputError as exc:
        assert "x.bin" in str(exc)
        return
    assert isinstance(text, str) and isinstance(enc, str)


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"Radim {\v R}eh{\r u}{\v r}ek", "Radim Řehůřek"),
        (r"Thomas K\"uhne", "Thomas Kühne"),
        (r"G\"{o}del", "Gödel"),
        (r"The {\sc CONNIVER} Reference Manual", "The CONNIVER Reference Manual"),
        (r"{{Software Framework}}", "Software Framework"),
        ("plain text", "plain text"),
    ],
)
def test_strip_latex(latex: str, plain: str) -> None:
    assert strip_latex(latex) == plain


@pytest.mark.parametrize(
    ("latex", "plain"),
    [
        (r"S\'eminaire Lotharingien", "Séminaire Lotharingien"),
        (r"Fran\c{c}ois and Fran\c cois", "François and François"),
        (r"Erd\H{o}s", "Erdős"),
        (r"P\v{r}\'\i{}hoda", "Příhoda"),
        (r"Stra\ss e, \L{}ukasz, {\o}", "Straße, Łukasz, ø"),
        (r"$\alpha$-stable \emph{x} 50\%", r"$\alpha$-stable \emph{x} 50\%"),  # only accents are touched
    ],
)
def test_decode_latex_accents(latex: str, plain: str) -> None:
    assert decode_latex_accents(latex) == plain


@given(st.text(max_size=30) | st.text(alphabet="aeÃÂ©¼¶â€™œ\x9d\xa0ü \u206a\ufb01ｆ", max_size=12))
@settings(max_examples=300, deadline=None)
def test_repair_fast_path_matches_ftfy(s: str) -> None:
    """Skipping ftfy for text it would not change never changes the result."""
    import byline.text as text_mod

    fast = repair(s)
    original = text_mod._ftfy_needed
    try:
        text_mod._ftfy_needed = lambda _s: True
        assert repair(s) == fast
    finally:
        text_mod._ftfy_needed = original
