"""YAML without aliases, for banks and --input files written by other people.

An alias (``*name``) reuses the value of an anchor (``&name``); nested aliases make a 631-byte
file stand for billions of values (the "billion laughs"), which every walk over the data
(validation, JSON for the cache key, the solver) then expands: 3.8 GB for one `drill show`.
No bank needs them, so a loader refuses the first value used twice, with its line.
"""

from __future__ import annotations

import functools
from typing import Any


@functools.lru_cache(maxsize=1)
def no_alias_loader() -> type:
    """A safe loader (the C one when present) that raises a ConstructorError at an alias."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class NoAliasLoader(base):  # type: ignore[misc, valid-type]
        def construct_object(self, node: Any, deep: bool = False) -> Any:  # noqa: D102 - yaml's hook
            # Only an alias brings a node back after it was built (an anchor alone does not).
            if node in self.constructed_objects or node in self.recursive_objects:
                raise yaml.constructor.ConstructorError(
                    None, None, "aliases (*name) are not allowed: write the value out", node.start_mark)
            return super().construct_object(node, deep=deep)

    return NoAliasLoader
