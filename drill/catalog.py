"""Finding questions: by id or ref, and by the filters every selecting command shares."""

from __future__ import annotations

import fnmatch
import functools
from dataclasses import dataclass
from typing import Iterable

from drill.bank import Bank, Question
from drill.errors import NotFoundError


@dataclass(frozen=True)
class Filters:
    """--bank, --topic, --kind and --id (a glob on id or ref); empty means no restriction."""

    banks: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    ids: tuple[str, ...] = ()

    def accepts(self, q: Question) -> bool:
        if self.banks and q.bank not in self.banks:
            return False
        if self.topics and not set(self.topics) & set(q.topics):
            return False
        if self.kinds and q.kind not in self.kinds:
            return False
        if self.ids and not any(
            fnmatch.fnmatchcase(q.id, g) or fnmatch.fnmatchcase(q.ref, g) or fnmatch.fnmatchcase(q.slug, g)
            for g in self.ids
        ):
            return False
        return True


class Catalog:
    """Every loaded question, in bank order, with look-ups by id, slug and ref."""

    def __init__(self, banks: Iterable[Bank]):
        self.banks = list(banks)
        self.questions = [q for b in self.banks for q in b.questions]

    @functools.cached_property
    def _by_key(self) -> dict[str, Question]:
        """Ids, refs (lower-cased) and unambiguous slugs; built on the first look-up only."""
        by_key: dict[str, Question] = {}
        for q in self.questions:
            by_key.setdefault(q.id, q)
            if q.ref:  # cards may have none
                by_key.setdefault(q.ref.lower(), q)
        slugs: dict[str, list[Question]] = {}
        for q in self.questions:
            slugs.setdefault(q.slug, []).append(q)
        for slug, qs in slugs.items():
            if len(qs) == 1:
                by_key.setdefault(slug, qs[0])
        return by_key

    def get(self, key: str) -> Question:
        """A question by id, ref (any case) or unambiguous slug; NotFoundError suggests close ids."""
        q = self._by_key.get(key) or self._by_key.get(key.lower())
        if q is not None:
            return q
        import difflib

        candidates = [q.id for q in self.questions] + [q.ref for q in self.questions]
        close = difflib.get_close_matches(key, candidates, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else "; `drill list` shows them all"
        raise NotFoundError(f"no question with id or ref '{key}'{hint}")

    def select(self, filters: Filters) -> list[Question]:
        known_banks = {b.name for b in self.banks}
        for name in filters.banks:
            if name not in known_banks:
                raise NotFoundError(f"no bank named '{name}' (banks: {', '.join(sorted(known_banks))})")
        return [q for q in self.questions if filters.accepts(q)]

    def topics(self) -> list[str]:
        return sorted({t for q in self.questions for t in q.topics})
