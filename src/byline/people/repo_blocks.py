"""The people layer's block-scoped SQL (the rest is :mod:`byline.people.repo`): reads and writes of the
people in some blocks only, so streamed runs (:mod:`byline.people.streamed`, ``assign``) hold a batch of
blocks, never the whole store. Same rules: no query per row; writes inside the caller's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from byline.people.repo import (
    Conn,
    PeopleWrite,
    PersonRecord,
    delete_empty_people,
    delete_people,
    write_people_rows,
)

__all__ = [
    "assignments_in_blocks",
    "drop_blocks",
    "multi_block_people",
    "placed_blocks",
    "unplaced_signature_blocks",
    "write_people_in_blocks",
]


def assignments_in_blocks(conn: Conn, blocks: Iterable[str]) -> dict[str, str]:
    """signature id -> person id, for the placed signatures of the given blocks (one statement)."""
    return dict(
        conn.execute(
            "SELECT signature_id, person_id FROM person_signatures WHERE block IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(set(blocks))),),
        ).fetchall()
    )


def multi_block_people(conn: Conn) -> list[list[str]]:
    """The blocks of each person whose signatures sit in more than one block (one statement)."""
    rows = conn.execute(
        "SELECT person_id, json_group_array(DISTINCT block) FROM person_signatures GROUP BY person_id "
        "HAVING COUNT(DISTINCT block) > 1"
    )
    return [sorted(json.loads(r[1])) for r in rows]


def placed_blocks(conn: Conn) -> set[str]:
    """Every block some placed signature sits in."""
    return {r[0] for r in conn.execute("SELECT DISTINCT block FROM person_signatures")}


def write_people_in_blocks(
    conn: Conn, run_id: int, new: PeopleWrite, old: Mapping[str, str], blocks: set[str]
) -> None:
    """:func:`write_people` for ``blocks``, reading only the rows of those blocks and of ``new``'s people
    (a fixed number of statements per call, whatever the size of the store)."""
    bl = json.dumps(sorted(blocks))
    sids = json.dumps(sorted(new.sig_rows))
    pids = json.dumps(sorted(set(new.groups) | set(old.values())))
    stored = {
        r[0]: PersonRecord(r[0], r[1], r[2], bool(r[3]))
        for r in conn.execute(
            "SELECT id, name, block, locked FROM people WHERE block IN (SELECT value FROM json_each(?)) "
            "OR id IN (SELECT value FROM json_each(?))",
            (bl, pids),
        )
    }
    last_run = dict(
        conn.execute(
            "SELECT signature_id, run_id FROM person_signatures WHERE signature_id IN (SELECT value FROM json_each(?))",
            (sids,),
        ).fetchall()
    )
    conn.execute("DELETE FROM person_signatures WHERE block IN (SELECT value FROM json_each(?))", (bl,))
    conn.execute(
        "DELETE FROM person_signatures WHERE signature_id IN (SELECT value FROM json_each(?))", (sids,)
    )
    delete_people(conn, [p for p, r in stored.items() if r.block in blocks and p not in new.groups])
    write_people_rows(conn, run_id, new, old, stored, last_run)
    delete_empty_people(conn, sorted(set(old.values()) - set(new.groups)))


def drop_blocks(conn: Conn, blocks: Iterable[str]) -> list[str]:
    """Unplace every signature of ``blocks`` and delete the people left empty; returns those people."""
    bl = json.dumps(sorted(set(blocks)))
    pids = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT person_id FROM person_signatures WHERE block IN (SELECT value FROM json_each(?))",
            (bl,),
        )
    ]
    conn.execute("DELETE FROM person_signatures WHERE block IN (SELECT value FROM json_each(?))", (bl,))
    return delete_empty_people(conn, pids)


def unplaced_signature_blocks(conn: Conn) -> list[str]:
    """The blocks of the stored signatures that sit in no person (``?name`` for a name without a block
    key, as :func:`byline.block.block_of` makes it); one statement."""
    rows = conn.execute(
        "SELECT DISTINCT s.block, CASE WHEN s.block IS NULL THEN s.name END FROM signatures s "
        "LEFT JOIN person_signatures ps ON ps.signature_id = s.id WHERE ps.signature_id IS NULL"
    )
    return sorted({b if b is not None else f"?{n.strip().lower()}" for b, n in rows})
