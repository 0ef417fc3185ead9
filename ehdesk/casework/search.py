"""Finding a family as the worker types: by any member's name (ignoring case and accents, in any
script), a date of birth typed as dd/mm/yyyy, or the family reference.

The index is built once (at unlock, off the UI thread) and kept in memory: each family becomes one
folded "haystack" string, and a query matches when every word typed is found in it. A linear scan
of 5,000 short strings takes a few milliseconds, well inside a keystroke."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ehdesk.casework.families import members as members_of
from ehdesk.models import Family, Person

SEPARATOR = "\u241e"  # never typed, so a word cannot match across two fields


def fold(text: str) -> str:
    """Lower-case, accents removed: 'Zoë' -> 'zoe', 'ÇELİK' -> 'celik'; other scripts kept."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class SearchHit:
    family_id: str
    reference: str
    household_name: str
    member_names: tuple[str, ...]


@dataclass
class _Entry:
    hit: SearchHit
    haystack: str


class FamilyIndex:
    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def put(
        self,
        family_id: str,
        reference: str,
        household_name: str,
        members: list[tuple[str, date | None]],
    ) -> None:
        names = tuple(n for n, _ in members)
        parts = [reference, household_name, *names]
        parts += [f"{dob:%d/%m/%Y}" for _, dob in members if dob]
        haystack = SEPARATOR + SEPARATOR.join(fold(p) for p in parts if p) + SEPARATOR
        self._entries[family_id] = _Entry(SearchHit(family_id, reference, household_name, names), haystack)

    def remove(self, family_id: str) -> None:
        self._entries.pop(family_id, None)

    def search(self, query: str, limit: int = 200) -> list[SearchHit]:
        words = fold(query).replace(SEPARATOR, " ").split()
        if not words:
            return []
        # Each word must start a name part ("ann" finds "Ann" and "Anne", not "Joanna"), except that
        # a word also matches after a space or hyphen inside a name ("smith" finds "Jones-Smith").
        entries = list(self._entries.values())
        for w in words:  # narrow word by word: later words scan only what is left
            starts, spaced, hyphened = SEPARATOR + w, " " + w, "-" + w
            entries = [
                e for e in entries if starts in e.haystack or spaced in e.haystack or hyphened in e.haystack
            ]
            if not entries:
                return []
        hits = [e.hit for e in entries[:limit]]
        hits.sort(key=lambda hit: (fold(hit.household_name), hit.reference))
        return hits


def build_index(session: Session) -> FamilyIndex:
    index = FamilyIndex()
    members: dict[str, list[tuple[str, date | None]]] = {}
    for family_id, given, last, other, dob in session.execute(
        select(
            Person.family_id, Person.given_name, Person.family_name, Person.other_names, Person.date_of_birth
        )
        .where(Person.deleted.is_(False))
        .order_by(Person.family_id, Person.role, Person.date_of_birth)
    ):
        name = " ".join(p for p in (given, other, last) if p)
        members.setdefault(family_id, []).append((name, dob))
    for f in session.scalars(select(Family).where(Family.deleted.is_(False))):
        index.put(f.id, f.reference, f.household_name, members.get(f.id, []))
    return index


def refresh_family(session: Session, index: FamilyIndex, family_id: str) -> None:
    """Re-index one family after an edit (cheap: one family's rows)."""
    family = session.get(Family, family_id)
    if family is None or family.deleted:
        index.remove(family_id)
        return
    members = [
        (" ".join(p for p in (m.given_name, m.other_names, m.family_name) if p), m.date_of_birth)
        for m in members_of(session, family_id)
    ]
    index.put(family.id, family.reference, family.household_name, members)
