"""Regenerate docs/walkthrough.md from a real run over the seed pages, so it cannot go stale.

Copies ``../shared/seeds/`` into a temporary ``shared/seeds`` beside an empty working folder, runs every
command of the walkthrough there with *this checkout's* byline (its command-line entry point, ``src/``
first on the path, in this process; the shipped model; a fresh ``byline.db``), and writes the narrative
below with the real output (stdout and stderr, as a pipe sees them). Ids in later commands (people, works, signatures) are read from the run, never written by hand.

    python3 scripts/walkthrough.py            # rewrite docs/walkthrough.md
    python3 scripts/walkthrough.py --check    # exit 1 if docs/walkthrough.md differs from a fresh run
    python3 scripts/walkthrough.py --out FILE # write elsewhere

Exits 0 with a message (and writes nothing) when ``../shared/seeds`` is absent. ``--check`` ignores what
changes on every run: timestamps and durations.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO.parent / "shared" / "seeds"
DOC = REPO / "docs" / "walkthrough.md"
MAX_LINE = 120  # long output lines are cut (with …) so the page reads on GitHub

SEED_OWNERS = [
    ("000_197f605d59620965.txt", "Jaeseong Lee"),
    ("004_7708ce01b97304fb.txt", "Jaeseong Lee"),
    ("001_b01ce36d20cf986e.txt", "Beomsu Kim"),
    ("002_8d4a6e81199c5ac4.txt", "YoungJoon Yoo"),
    ("003_f3f2e4098cc4bdf5.txt", "Nojun Kwak"),
]

NEW_PAPERS = """@inproceedings{lee2025identity,
  title     = {Identity-Preserving Face Swapping with Diffusion Priors},
  author    = {Lee, Jaeseong and Hyung, Junha and Choo, Jaegul and Newman, Zoe},
  booktitle = {Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition},
  year      = {2025},
  abstract  = {We present a face swapping model that preserves the identity of the source face while
               keeping the attributes of the target, using a pretrained diffusion model as a prior.}
}
"""

# Volatile parts of the output, masked by --check.
VOLATILE = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "<time>"),
    (re.compile(r"\bin \d+(\.\d+)?s\b"), "in <s>"),
    (re.compile(r"\(\d+(\.\d+)?s\)"), "(<s>)"),
]


@dataclass
class Run:
    """The working folder and what the run has learned (ids used by later commands)."""

    cwd: Path
    ids: dict[str, str] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def byline(self, args: list[str], expect_error: bool = False) -> tuple[int, str]:
        """``byline ARGS`` in ``cwd``: (exit code, stdout and stderr as one pipe would show them)."""
        from byline.cli import main

        buf = io.StringIO()
        code = 0
        with contextlib.chdir(self.cwd), contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):
            try:
                main(args)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        out = buf.getvalue()
        if (code != 0) != expect_error:
            self.failures.append(f"byline {shlex.join(args)} exited {code}:\n{out}")
        return code, out

    def json(self, args: list[str]) -> dict:
        code, out = self.byline([*args, "--json"])
        return json.loads(out) if code == 0 else {}


def _trim(text: str, keep: int | None, grep: str | None = None) -> str:
    lines = text.rstrip("\n").splitlines()
    if grep is not None:
        lines = [x for x in lines if grep in x]
    cut = [x if len(x) <= MAX_LINE else x[: MAX_LINE - 1] + "…" for x in lines]
    if keep is not None and len(cut) > keep:
        cut = cut[:keep] + ["..."]
    return "\n".join(cut)


@dataclass
class Cmd:
    args: str  # as shown, after {placeholder} substitution
    keep: int | None = None  # lines of output shown
    grep: str | None = None  # show only lines containing this (like `| grep`)
    error: bool = False  # the command is expected to fail (exit 2)
    quiet: bool = False  # show the command, not its output


def block(run: Run, cmds: list[Cmd]) -> str:
    shown = []
    for c in cmds:
        line = c.args.format(**run.ids)
        _, out = run.byline(shlex.split(line), expect_error=c.error)
        suffix = f" | grep {shlex.quote(c.grep)}" if c.grep else ""
        shown.append(f"$ byline {line}{suffix}")
        if not c.quiet:
            text = _trim(out, c.keep, c.grep)
            if text:
                shown.append(text)
    return "```\n" + "\n".join(shown) + "\n```\n"


def _learn_people(run: Run) -> None:
    people = run.json(["people", "--name", "Jaeseong Lee"]).get("people", [])
    if not people:
        run.failures.append("no person named Jaeseong Lee after disambiguate")
        return
    works = {p["id"]: run.json(["person", p["id"]]).get("works", []) for p in people}

    def find(word: str) -> tuple[str, str, str]:
        for pid, ws in works.items():
            for w in ws:
                if word.lower() in (w.get("title") or "").lower():
                    return pid, w["work_id"], w["signature_id"]
        run.failures.append(f"no Jaeseong Lee work titled like {word!r}")
        return "P?", "W?", "W?#0"

    run.ids["lee"], run.ids["swap_work"], run.ids["swap_sig"] = find("RobustSwap")
    run.ids["nas_person"], run.ids["nas_work"], run.ids["nas_sig"] = find("S3NAS")
    _, run.ids["split_work"], _ = find("SurFhead")


def _learn_split(run: Run) -> None:
    people = run.json(["people", "--name", "Jaeseong Lee"]).get("people", [])
    new = [
        p["id"]
        for p in people
        if run.ids.get("split_work") in p.get("work_ids", []) and p["id"] != run.ids["lee"]
    ]
    run.ids["split_person"] = new[0] if new else "P?"


def generate() -> tuple[str, list[str]]:
    """The walkthrough's Markdown from a fresh run, and the failures (commands that did not do as expected)."""
    with tempfile.TemporaryDirectory(prefix="byline-walkthrough-") as tmp:
        root = Path(tmp)
        shutil.copytree(SEEDS, root / "shared" / "seeds")
        cwd = root / "work"
        cwd.mkdir()
        (cwd / "new-papers.bib").write_text(NEW_PAPERS, encoding="utf-8")
        run = Run(cwd)
        seeds = [Cmd(f'ingest ../shared/seeds/{name} --owner "{owner}"', quiet=i >= 2)
                 for i, (name, owner) in enumerate(SEED_OWNERS)]  # fmt: skip
        out: list[str] = [
            HEADER,
            "## 1. Ingest the pages, telling byline whose page each is\n\n",
            block(run, seeds),
        ]
        out.append(INGEST_NOTE)
        out.append(block(run, [Cmd("listings")]))
        out.append(DISAMBIGUATE_INTRO)
        out.append(block(run, [Cmd("disambiguate"), Cmd("disambiguate")]))
        out.append(DISAMBIGUATE_NOTE)
        _learn_people(run)
        out.append("## 3. Find a person\n\n")
        out.append(block(run, [Cmd('people --name "Jaeseong Lee"'), Cmd("person {lee}", keep=12)]))
        out.append(PERSON_NOTE)
        out.append(AUDIT_INTRO)
        out.append(
            block(run, [Cmd('audit ../shared/seeds/001_b01ce36d20cf986e.txt --owner "Beomsu Kim"', keep=8)])
        )
        out.append(AUDIT_ABSTRACTS)
        out.append(
            block(
                run, [Cmd('audit ../shared/seeds/002_8d4a6e81199c5ac4.txt --owner "YoungJoon Yoo"', keep=8)]
            )
        )
        out.append(AUDIT_NOTE)
        out.append(EXPLAIN_INTRO)
        out.append(
            block(
                run,
                [
                    Cmd("explain {swap_sig} {nas_sig}", keep=16),
                    Cmd("explain {swap_sig} {swap_sig}", error=True),
                ],
            )
        )
        out.append(EXPLAIN_NOTE)
        out.append(CURATE_INTRO)
        split = Cmd('split {lee} --works {split_work} --by bob --why "head avatars: another Jaeseong Lee"')
        out.append(block(run, [split, Cmd("history {lee}")]))
        _learn_split(run)
        out.append(block(run, [Cmd("disambiguate"), Cmd("person {split_person}")]))
        out.append(CURATE_NOTE)
        out.append(
            block(run, [Cmd("lock {split_person}"), Cmd("claim {lee} --works {split_work}", error=True)])
        )
        out.append(CURATE_END)
        out.append(NEW_PAPERS_INTRO)
        out.append("```bibtex\n" + NEW_PAPERS + "```\n\n")
        out.append(block(run, [Cmd("assign new-papers.bib"), Cmd("person {lee}", grep="Identity")]))
        out.append(NEW_PAPERS_NOTE)
        out.append(MISTAKES_INTRO)
        out.append(block(run, [Cmd("people --db byline.dbb", error=True),
                               Cmd("person {lee} --export csv --out exports/lee.csv", error=True),
                               Cmd("person {lee} --export csv --out lee.csv")]))  # fmt: skip
        out.append(FOOTER)
        return "".join(out), run.failures


def _mask(text: str) -> str:
    for pattern, repl in VOLATILE:
        text = pattern.sub(repl, text)
    return text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=DOC, help="where to write (default: docs/walkthrough.md)")
    ap.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO / "src"))  # this checkout's byline, whatever is installed
    os.environ.pop("BYLINE_TOKEN", None)
    if not SEEDS.is_dir():
        print(f"walkthrough: {SEEDS} is absent; nothing regenerated", file=sys.stderr)
        return 0
    text, failures = generate()
    if failures:
        print("walkthrough: some commands did not behave as the walkthrough says:\n\n" + "\n\n".join(failures),
              file=sys.stderr)  # fmt: skip
        return 1
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if _mask(current) != _mask(text):
            import difflib

            diff = difflib.unified_diff(_mask(current).splitlines(), _mask(text).splitlines(), str(args.out),
                                        "fresh run", lineterm="", n=1)  # fmt: skip
            print("\n".join(list(diff)[:80]), file=sys.stderr)
            print(f"walkthrough: {args.out} is stale: run `python3 scripts/walkthrough.py`", file=sys.stderr)
            return 1
        print(f"walkthrough: {args.out} matches a fresh run")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"walkthrough: wrote {args.out}")
    return 0


HEADER = """# Walkthrough: from five pasted pages to audited author profiles

<!-- Generated by scripts/walkthrough.py from a real run: edit the script, not this file. -->

This walks through the five seed listings in `../shared/seeds/` (see its README): ingest them with their
owners, turn the store into people, look at one person, audit the listings, ask why two signatures were
put together, curate, and add new papers later. Every command below was run by `scripts/walkthrough.py`,
in a fresh folder beside `../shared/`, with the shipped model and a new `./byline.db`; the output is
real, trimmed where it says `...`. Ids are deterministic: you get the same ones with the same model
(`--model DIR` picks another; `--db FILE` another store). Probabilities depend on the model version.

"""

INGEST_NOTE = """
Pages 002 and 004 are abstract-only; three abstracts of 004 are papers already listed in 000, so they were
merged into those works ("3 updated"). Each page is kept as a listing (a claimed profile), and every
work keeps its sources (file and line; `byline works --json`):

"""

DISAMBIGUATE_INTRO = """
## 2. Disambiguate: group signatures into people

A *signature* is one author position on one work. `disambiguate` blocks them by name (first initial +
surname), scores pairs with the model and clusters each block into people (on a terminal it shows a
progress bar with an ETA):

"""

DISAMBIGUATE_NOTE = """
Works without authors (the abstract-only pages 002 and 004), and "et al." works whose printed authors do
not include the owner, get an *implicit* signature for the listing's owner, so they land in the owner's
profile. Person ids are stable: a re-run changes nothing, after new data a continuing person keeps its
id, and when two people merge the retired id redirects to the survivor.

"""

PERSON_NOTE = """
`byline people --json` prints `{"people": [{"id", "name", "work_ids", "signature_ids", ...}]}` (work ids as
in `byline works --json`); `byline person ID --json` prints the profile with an OpenAlex-shaped `openalex`
object; `byline person ID --export json|csv|parquet --out FILE` writes it to a file.

"""

AUDIT_INTRO = """## 4. Audit each listing: which works are probably NOT the owner's?

"""

AUDIT_ABSTRACTS = """
LISTING may be the file (ingested on the fly if it is not stored yet; re-ingesting changes nothing), a
stored listing id (`byline listings`) or a person id. Abstract-only pages work too: the owner is taken as
the implicit author, and with no coauthors to go on the works are also compared by their text:

"""

AUDIT_NOTE = """
`--json` prints `{"owner": ..., "works": [{"work_id", "title", "score", "evidence"}]}`, highest score first.

"""

EXPLAIN_INTRO = """## 5. Explain a decision

Signature ids are `<work id>#<author position>` (see `signature_ids` in `byline people --json`):

"""

EXPLAIN_NOTE = """
Contributions are the model's SHAP values in log-odds (they add up, with the bias, to the model's raw
score). When curation or a name rule decides the pair, the card says so (`decided by: ...`).

"""

CURATE_INTRO = """## 6. Curate, and keep it across every later run

The model already keeps the NPU-search paper (S3NAS), the neuro-symbolic paper and the speech paper apart from
the face-swapping Jaeseong Lee (`byline people` above). Say a curator also decides that the head-avatar paper
(SurFhead) is another Jaeseong Lee's (a hypothetical, to show the mechanics):

"""

CURATE_NOTE = """
Curation (`merge P1 P2`, `split P --works W...`, `lock P`, `unlock P`, `claim P --works W...`, each with
`--by` and `--why`) is stored as append-only events and replayed on every later `disambiguate` and
`assign`, including a rebuild from scratch: what an event shows at once is what every later run shows. A
later event wins over an earlier one for the works it names (a split after a merge separates just those
works; a merge after a split joins them again); the model may add uncurated works to curated people but
never joins two people curators' events keep apart (two groups split out of one person included). A locked
person is frozen: a merge, split, claim or move that would change it is refused in one line naming the lock
and how to lift it, and nothing is changed (`byline undo EVENT` reverts an event; the ids are in
`byline history P --json`):

"""

CURATE_END = """
`merge` makes the retired id redirect (`byline person OLD` shows the survivor); `claim` attaches the
person's signature on the given works. ORCID iDs on signatures (OpenAlex, MEDLINE) count as identity
evidence below curation and above the model: the same iD joins, different iDs separate.

"""

NEW_PAPERS_INTRO = """## 7. New papers later

`new-papers.bib` holds one new paper by Jaeseong Lee, Jaegul Choo, Junha Hyung and a newcomer, Zoe Newman:

"""

NEW_PAPERS_NOTE = """
Each new signature is scored against the members of the existing people of its block and joins the most
likely one when that reaches the model's threshold (and no curation forbids it); the rest become new
people. Only the blocks that received new signatures are scored and written; every other person's rows
stay as they were.

"""

MISTAKES_INTRO = """## 8. Mistakes are refused before anything is written

A mistyped store, or an export into a folder that does not exist, is one `byline: error:` line (exit
code 2), and nothing is created:

"""

FOOTER = """
Every command is one SQLite transaction: killing byline at any moment (even `kill -9`) leaves the store
as it was, and running the command again finishes the job.
"""


if __name__ == "__main__":
    sys.exit(main())
