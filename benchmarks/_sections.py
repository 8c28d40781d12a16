"""Replace one marked section of a Markdown report (docs/benchmarks.md), written atomically."""

from __future__ import annotations

from pathlib import Path


def replace_section(md_path: Path, section: str, begin: str, end: str) -> None:
    """Put ``section`` (which starts with ``begin`` and ends with ``end``) in place of the file's own marked
    section, or append it when the file has none; other sections are left as they are."""
    text = md_path.read_text(encoding="utf-8") if md_path.exists() else "# Benchmarks\n\n"
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + section.rstrip("\n") + tail
    else:
        text = text.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    tmp = md_path.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(md_path)
