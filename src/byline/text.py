"""Text repair and byte decoding: what every parser runs its strings and files through.

``repair(s)``        ftfy + UTF-8-read-as-Thai-cp874 mojibake + HTML entities + control characters +
                     whitespace collapsed to single spaces. ``None`` stays ``None``.
``decode_bytes(raw)`` BOM, strict UTF-8, UTF-16 without BOM, charset detection (with a GBK prior for
                     two-byte CJK), cp1252, latin-1; binary content raises :class:`InputError`.
``strip_latex(s)``   LaTeX accents, commands and braces to plain text (for BibTeX leftovers).
"""

from __future__ import annotations

import html
import re
import unicodedata
from os import PathLike

import ftfy

from byline._errors import InputError

__all__ = ["repair", "decode_bytes", "strip_latex", "decode_latex_accents", "fix_cp874_mojibake"]

# --------------------------------------------------------------------------------------------------
# cp874 mojibake: UTF-8 bytes decoded as Thai Windows-874 ("Bühler" -> "Bรผhler").

# Characters a cp874 decoder produces for bytes >= 0x80: Thai block, NBSP, the few Windows punctuation
# marks, and C1 controls (what lenient decoders emit for bytes cp874 leaves undefined).
_CP874_HIGH = re.compile(
    "[\u0e01-\u0e5b\u00a0\u20ac\u2026\u2018\u2019\u201c\u201d\u2022\u2013\u2014\x80-\x9f]{2,}"
)
_THAI = re.compile("[\u0e01-\u0e5b]")
_ASCII_LETTER = re.compile("[A-Za-z]")


def _cp874_bytes(run: str) -> bytes | None:
    out = bytearray()
    for ch in run:
        o = ord(ch)
        if 0x80 <= o <= 0x9F:
            out.append(o)
            continue
        try:
            out += ch.encode("cp874")
        except UnicodeEncodeError:
            return None
    return bytes(out)


def _latin_like(s: str) -> bool:
    """True when ``s`` holds only non-Thai letters, marks and punctuation, with at least one letter."""
    has_letter = False
    for ch in s:
        if _THAI.match(ch):
            return False
        cat = unicodedata.category(ch)
        if cat[0] == "C":
            return False
        if cat[0] == "L":
            has_letter = True
    return has_letter or all(unicodedata.category(ch)[0] == "P" for ch in s)


def fix_cp874_mojibake(s: str) -> str:
    """Repair UTF-8 that was decoded as cp874, leaving genuine Thai text alone.

    Every maximal run of cp874-high characters is re-encoded as cp874 and decoded as UTF-8. The string is
    changed only if it has ASCII letters and *every* Thai-bearing run decodes to Latin letters / marks / punctuation: one run that
    does not (real Thai words essentially never form valid UTF-8) means the text is Thai, and it is kept.
    """
    if not _THAI.search(s) or not _ASCII_LETTER.search(s):
        return s  # mis-decoded Latin text keeps its ASCII letters; all-Thai text is Thai
    runs = list(_CP874_HIGH.finditer(s))
    fixes: list[tuple[int, int, str]] = []
    for m in runs:
        raw = _cp874_bytes(m.group())
        if raw is None:
            return s
        try:
            dec = raw.decode("utf-8")
        except UnicodeDecodeError:
            return s
        if not _latin_like(dec):
            return s
        fixes.append((m.start(), m.end(), dec))
    # Thai characters outside any run (isolated single characters) mean real Thai text as well.
    covered = sum(e - b for b, e, _ in fixes)
    if len(_THAI.findall(s)) > sum(len(_THAI.findall(s[b:e])) for b, e, _ in fixes) or not covered:
        return s
    out, pos = [], 0
    for b, e, dec in fixes:
        out.append(s[pos:b])
        out.append(dec)
        pos = e
    out.append(s[pos:])
    return "".join(out)


# --------------------------------------------------------------------------------------------------
# repair

_ENTITY = re.compile(r"&(#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Zero-width and invisible formatting characters that only get in the way of matching.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff\ufffe]")
# Control characters (C0 except whitespace, DEL, C1) — including NUL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_WS = re.compile(r"\s+")


# What ftfy would change besides mojibake: its ligature, control-character and width tables, plus C1
# controls, terminal escapes, surrogates and odd line breaks (curly quotes are kept: uncurl_quotes=False).
def _char_class(codepoints: set[int]) -> re.Pattern[str]:
    cps = sorted(codepoints)
    ranges: list[tuple[int, int]] = []
    for cp in cps:
        if ranges and cp == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    body = "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges
    )
    return re.compile(f"[{body}]")


def _ftfy_targets() -> re.Pattern[str]:
    from ftfy import chardata

    cps = set(chardata.LIGATURES) | set(chardata.CONTROL_CHARS) | set(chardata.WIDTH_MAP)
    cps |= set(range(0x80, 0xA0)) | set(range(0xD800, 0xE000)) | {0x1B, 0x2028, 0x2029, 0x02BC}
    return _char_class(cps)


_FTFY_TARGETS = _ftfy_targets()


def _ftfy_needed(s: str) -> bool:
    """False for text ftfy would leave as is (checked cheaply: ftfy.fix_text is ~5x slower)."""
    from ftfy.badness import is_bad

    return bool(_FTFY_TARGETS.search(s)) or is_bad(s) or not unicodedata.is_normalized("NFC", s)


def repair(s: str | None) -> str | None:
    """Repair one text field: mojibake (ftfy + cp874), HTML entities, control chars, whitespace.

    Returns ``None`` for ``None``; an all-blank string becomes ``""``.
    """
    if s is None:
        return None
    if not isinstance(s, str):
        s = str(s)
    if not s:
        return s
    if s.isascii() and s.isprintable() and "&" not in s and "  " not in s and s[0] != " " and s[-1] != " ":
        return s  # the common case: plain ASCII text, single-spaced, nothing to repair
    s = s.replace("\x00", "")
    for _ in range(2):  # "&amp;#233;" is double-escaped often enough
        if not _ENTITY.search(s):
            break
        s = html.unescape(s)
    for _ in range(3):  # until stable: removing a stray control character can expose more mojibake
        before = s
        if not s.isascii() or "\x1b" in s:  # ASCII text has no mojibake for ftfy to fix (a fast path)
            s = fix_cp874_mojibake(s)
            if _ftfy_needed(s):
                s = ftfy.fix_text(s, unescape_html=False, normalization="NFC", uncurl_quotes=False)
            s = _INVISIBLE.sub("", s)
        s = _WS.sub(" ", _CONTROL.sub(" ", s)).strip()
        if s == before:
            break
    return s


# --------------------------------------------------------------------------------------------------
# decode_bytes

_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CJK_ENCODINGS = (
    "cp949",
    "euc_kr",
    "johab",
    "big5",
    "big5hkscs",
    "euc_jp",
    "euc_jis_2004",
    "euc_jisx0213",
    "shift_jis",
    "shift_jis_2004",
    "shift_jisx0213",
    "cp932",
    "gb2312",
    "gbk",
    "gb18030",
    "hz",
    "iso2022_jp",
    "iso2022_kr",
    "cp950",
)
_BINARY_CONTROLS = frozenset(range(0, 9)) | frozenset(range(14, 32)) | {11, 127}


def _strict(raw: bytes, enc: str, allow_truncated: bool) -> str | None:
    try:
        return raw.decode(enc)
    except UnicodeDecodeError as exc:
        # A head cut in the middle of a multi-byte character: decode up to the cut.
        if allow_truncated and exc.start >= len(raw) - 4 and exc.reason == "unexpected end of data":
            try:
                return raw[: exc.start].decode(enc)
            except UnicodeDecodeError:
                return None
        return None


def _utf16_without_bom(raw: bytes) -> str | None:
    sample = raw[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    enc = "utf-16-le" if odd > 0.6 and even < 0.1 else "utf-16-be" if even > 0.6 and odd < 0.1 else None
    if enc is None:
        return None
    return _strict(raw[: len(raw) - len(raw) % 2], enc, allow_truncated=True)


def decode_bytes(raw: bytes, file: str | PathLike[str] | None = None) -> tuple[str, str]:
    """Decode a file's bytes; returns ``(text, encoding name)``.

    Order: BOM, strict UTF-8, UTF-16 without BOM, charset detection (charset-normalizer; a two-byte CJK
    guess that is also valid GB2312 is read as GBK, by far the most common legacy CJK bibliography
    encoding), cp1252, latin-1. NUL bytes or many control bytes mean a binary file: :class:`InputError`.
    A multi-byte character cut at the very end (a sniffing head) is dropped, not an error.
    """
    for bom, enc in _BOMS:
        if raw.startswith(bom):
            text = _strict(raw[len(bom) :], enc.replace("-sig", ""), allow_truncated=True)
            if text is None:
                raise InputError(f"starts with a {enc} byte-order mark but is not valid {enc}", file=file)
            return text, enc
    if b"\x00" in raw:
        text = _utf16_without_bom(raw)
        if text is not None:
            return text, "utf-16"
        raise InputError("binary file (NUL bytes); expected a text format", file=file)
    sample = raw[:8192]
    if sample and sum(b in _BINARY_CONTROLS for b in sample) / len(sample) > 0.05:
        raise InputError("binary file (control bytes); expected a text format", file=file)
    text = _strict(raw, "utf-8", allow_truncated=True)
    if text is not None:
        return text, "utf-8"
    guess = _detect(raw)
    if guess is not None:
        text = _strict(raw, guess, allow_truncated=True)
        if text is not None:
            return text, guess
    for enc in ("cp1252", "latin-1"):
        text = _strict(raw, enc, allow_truncated=False)
        if text is not None:
            return text, enc
    raise AssertionError("latin-1 decodes every byte string")  # pragma: no cover


def _mostly_ascii_letters(raw: bytes) -> bool:
    """Latin-script text in cp1252: valid, and accented letters are a minority of all letters."""
    text = _strict(raw, "cp1252", False)
    if text is None:
        return False
    letters = [c for c in text if c.isalpha()]
    if not letters or sum(not c.isascii() for c in letters) > 0.3 * len(letters):
        return False
    # Two-byte encodings (GBK, Shift-JIS, EUC-KR) show up in cp1252 as *pairs* of non-ASCII characters;
    # Latin text has single accented letters between ASCII ones, or runs of lower-case ones ("ações").
    runs = [m.group() for m in re.finditer(r"[^\x00-\x7f]+", text)]
    odd = sum(len(r) for r in runs if len(r) >= 2 and not all(c.isalpha() and c.islower() for c in r))
    return odd <= 0.5 * sum(len(r) for r in runs)


def _detect(raw: bytes) -> str | None:
    """charset-normalizer's guess, with two priors for short, ambiguous inputs.

    When cp1252 ties with the best guess (chaos and coherence within 0.01) or no guess shows language evidence
    (coherence < 0.2), cp1252 wins if it reads as Latin-script text (accented letters a minority): Western
    European exports are the common case and short inputs carry little evidence. A two-byte CJK
    guess whose bytes are also valid GB2312 is read as GBK.
    """
    try:
        from charset_normalizer import from_bytes

        results = [r for r in from_bytes(raw[:262144]) if not r.encoding.startswith(("utf_16", "utf_32"))]
    except Exception:  # pragma: no cover - detection is best-effort
        return None
    if not results:
        return None
    low = min(r.chaos for r in results)
    calm = [r for r in results if r.chaos <= low + 0.01]
    top = max(r.coherence for r in calm)
    tied = [r for r in calm if r.coherence >= top - 0.01]
    if (any(r.encoding == "cp1252" for r in tied) or top < 0.2) and _mostly_ascii_letters(raw):
        return "cp1252"
    enc = tied[0].encoding
    if enc in _CJK_ENCODINGS and _strict(raw, "gb2312", True) is not None:
        return "gbk"
    return enc


# --------------------------------------------------------------------------------------------------
# LaTeX

_LATEX_CMD = re.compile(r"\\[A-Za-z]+\*?|\\.")


_L2T: list[object] = []


def _latex2text() -> object | None:
    if not _L2T:
        try:
            from pylatexenc.latex2text import LatexNodes2Text

            _L2T.append(LatexNodes2Text(math_mode="verbatim", keep_comments=True))
        except Exception:  # pragma: no cover - pylatexenc comes with bibtexparser
            _L2T.append(None)
    return _L2T[0]


# Commands that print text pylatexenc drops: logos and BibTeX's hyphen/slash. Like TeX, the space or ``{}``
# after the command word is eaten: ``The \TeX book`` → ``The TeXbook``, ``Hartree\hyphen Fock`` → ``Hartree-Fock``.
_TEXT_COMMANDS = {
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2e",
    "BibTeX": "BibTeX",
    "XeTeX": "XeTeX",
    "LuaTeX": "LuaTeX",
    "AmSTeX": "AmSTeX",
    "hyphen": "-",
    "slash": "/",
}
_TEXT_COMMAND = re.compile(
    r"\\(" + "|".join(sorted(_TEXT_COMMANDS, key=len, reverse=True)) + r")(?![A-Za-z])(?:\{\}| )?"
)


# Inline math ($...$ or $$...$$, escaped dollars skipped): kept verbatim by strip_latex.
_MATH = re.compile(r"(?<!\\)(\$\$?)(?:[^$\\]|\\.)+?(?<!\\)\1")


def strip_latex(s: str | None) -> str | None:
    """LaTeX accents and commands to Unicode, braces removed: ``{\\"u}`` → ``ü``, ``{\\sc X}`` → ``X``.

    Inline math is kept as written, braces and all: ``W$\\frac{o}{a}$nder`` stays ``W$\\frac{o}{a}$nder``.
    """
    if s is None:
        return s
    if "$" in s and _MATH.search(s):
        out: list[str] = []
        last = 0
        for m in _MATH.finditer(s):
            out.extend((_strip_text(s[last : m.start()]), m.group()))
            last = m.end()
        out.append(_strip_text(s[last:]))
        return "".join(out)
    return _strip_text(s)


def _strip_text(s: str) -> str:
    if not s:
        return s
    if "\\" in s:
        s = _TEXT_COMMAND.sub(lambda m: _TEXT_COMMANDS[m.group(1)], s)
    s = decode_latex_accents(s) or ""
    if "\\" not in s:
        return (
            s.replace("{", "").replace("}", "").replace("~", " ") if ("{" in s or "}" in s or "~" in s) else s
        )
    conv = _latex2text()
    try:
        out = conv.latex_to_text(s) if conv is not None else _LATEX_CMD.sub("", s)  # type: ignore[attr-defined]
    except Exception:
        out = _LATEX_CMD.sub("", s)
    out = out.replace("{", "").replace("}", "")
    return unicodedata.normalize("NFC", out)


# LaTeX accent commands, decoded with a table (pylatexenc is slow to start per string).
_COMBINING = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "d": "\u0323",
    "b": "\u0331",
    "r": "\u030a",
    "k": "\u0328",
}
_SPECIAL = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "i": "ı",
    "j": "ȷ",
}


def _accent_core(k: str) -> str:
    return (
        rf"\\(?:(?P<sym{k}>['\"`^~=.])\s*(?:\{{(?P<la{k}>\\?[A-Za-z])\}}|(?P<lb{k}>\\?[A-Za-z])(?:\{{\}})?)"
        rf"|(?P<word{k}>[uvHcdbrk])(?:\s*\{{(?P<lc{k}>\\?[A-Za-z])\}}|\s+(?P<ld{k}>[A-Za-z]))"
        rf"|(?P<sp{k}>ss|o|O|l|L|ae|AE|oe|OE|aa|AA|i|j)(?![A-Za-z])(?:\{{\}}|\s)?)"
    )


# Left to right, an accent wrapped in its own braces ({\"u}) or bare (\"u, \"{u}).
_ACCENT = re.compile(r"\{" + _accent_core("1") + r"\}|" + _accent_core("2"))


def _accent(m: re.Match[str]) -> str:
    g = {k[:-1]: v for k, v in m.groupdict().items() if v is not None}
    if "sp" in g:
        return _SPECIAL[g["sp"]]
    acc = g.get("sym") or g.get("word") or ""
    letter = g.get("la") or g.get("lb") or g.get("lc") or g.get("ld") or ""
    letter = {"\\i": "i", "\\j": "j"}.get(letter, letter.lstrip("\\"))
    return unicodedata.normalize("NFC", letter + _COMBINING[acc])


def decode_latex_accents(s: str | None) -> str | None:
    """Decode only LaTeX accent commands (``S\\'eminaire`` → ``Séminaire``), leaving math and the rest alone.

    For sources that are mostly plain text with the odd LaTeX accent (arXiv metadata), where
    :func:`strip_latex` would be too eager.
    """
    if s is None or "\\" not in s:
        return s
    return _ACCENT.sub(_accent, s)
