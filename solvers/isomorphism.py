"""Graph isomorphism: is there a relabelling of G1's nodes that turns it into G2?

Two graphs with adjacency matrices A1, A2 (n×n) are isomorphic when a permutation matrix P
gives P A1 Pᵀ = A2: the same permutation reorders rows *and* columns (book 8.1.2-Q9-iii;
permuting rows alone changes the graph). Here P[i][a] = 1 when node a of G1 maps to node i
of G2, so A2[m(a)][m(b)] = A1[a][b].

The solver first compares invariants, cheapest first, any of which differing proves the
graphs are not isomorphic: node count, edge count, self-loops, edge weights, the sorted
degree sequence, the spectrum (eigenvalues of A, or of A + Aᵀ when directed) and the colour
histogram of colour refinement (1-dimensional Weisfeiler-Leman: nodes repeatedly coloured
by the multiset of their neighbours' colours, run on both graphs together so colours are
comparable). Equal invariants do not prove isomorphism: the star K1,4 and the 4-cycle plus
an isolated node share the spectrum {-2, 0, 0, 0, 2}. So when they all agree, a
backtracking search maps G1's nodes one at a time, only onto G2 nodes of the same colour,
checking every edge to the nodes already mapped; it either finds a mapping or proves none
exists. Weighted edges must map onto edges of the same weight.

>>> r = solve()
>>> r.isomorphic, r.mapping
(True, {'A': '4', 'B': '5', 'C': '3', 'D': '2', 'E': '1'})
>>> solve(g1="A-B,A-C,A-D,A-E", g2="A-B,B-C,C-D,D-A", nodes2="A,B,C,D,E").headline()
'Not isomorphic: degree sequence differs: 4 1 1 1 1 vs 2 2 2 2 0'
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.graphs import adjacency_matrix, degrees, edge_count, matrix_table
from solvers.result import Result, SolverInputError, Step, Table

INPUTS = ("g1", "g2", "directed", "nodes1", "nodes2")

DEFAULT_G1 = "A-B,A-C,B-C,C-D,D-E"  # a triangle with a two-edge tail
DEFAULT_G2 = "1-2,2-3,3-4,3-5,4-5"  # the same graph, relabelled A→4, B→5, C→3, D→2, E→1
_SPECTRUM_TOL = 1e-6


@dataclass(frozen=True, kw_only=True)
class IsomorphismResult(Result):
    """The verdict; ``mapping`` and ``permutation`` are set only when the graphs are isomorphic."""

    isomorphic: bool
    mapping: dict[str, str] | None
    permutation: list[list[int]] | None
    reason: str

    def headline(self) -> str:
        if self.isomorphic and self.mapping is not None:
            pairs = ", ".join(f"{a}→{b}" for a, b in self.mapping.items())
            return f"Isomorphic: {pairs} (P A1 Pᵀ = A2)"
        return f"Not isomorphic: {self.reason}"


def solve(
    g1: str | list[Any] = DEFAULT_G1,
    g2: str | list[Any] = DEFAULT_G2,
    directed: bool = False,
    nodes1: str | list[Any] | None = None,
    nodes2: str | list[Any] | None = None,
) -> IsomorphismResult:
    """Decide isomorphism of two edge lists; ``nodes1``/``nodes2`` add isolated nodes or fix the order."""
    if not isinstance(directed, bool):
        raise SolverInputError(f"directed must be true or false, not {directed!r}")
    order1, a1 = _graph("g1", g1, directed, nodes1)
    order2, a2 = _graph("g2", g2, directed, nodes2)
    colours1, colours2 = _colour_refinement(a1, a2)
    invariants = _invariants(a1, a2, directed, colours1, colours2)
    steps = [
        Step("g1_matrix", "A1, adjacency matrix of G1", matrix_table(order1, a1)),
        Step("g2_matrix", "A2, adjacency matrix of G2", matrix_table(order2, a2)),
        Step("invariants", "Invariants (all must agree)",
             Table(("G1", "G2", "same"), tuple((v1, v2, "yes" if same else "NO") for _, v1, v2, same in invariants),
                   tuple(name for name, *_ in invariants)),
             note="equal invariants are necessary, not sufficient: cospectral graphs can differ"),
    ]
    differing = next(((name, v1, v2) for name, v1, v2, same in invariants if not same), None)
    inputs = {"g1": g1, "g2": g2, "directed": directed, "nodes1": nodes1, "nodes2": nodes2}
    if differing is not None:
        name, v1, v2 = differing
        return IsomorphismResult(isomorphic=False, mapping=None, permutation=None,
                                 reason=f"{name} differs: {v1} vs {v2}", inputs=inputs, steps=tuple(steps))
    found, tried = _search(a1, a2, colours1, colours2)
    steps.append(Step("search", "Backtracking search", f"{tried} partial assignments tried",
                      note="each G1 node is tried only on unused G2 nodes of the same colour"))
    if found is None:
        return IsomorphismResult(isomorphic=False, mapping=None, permutation=None,
                                 reason="exhaustive search found no mapping", inputs=inputs, steps=tuple(steps))
    mapping = {order1[a]: order2[found[a]] for a in range(len(order1))}
    perm = np.zeros((len(order1), len(order1)), dtype=int)
    for a, i in enumerate(found):
        perm[i, a] = 1
    check = perm @ a1 @ perm.T
    verified = bool(np.array_equal(check, a2))
    steps += [
        Step("mapping", "Node mapping G1 → G2", Table(("G2 node",), tuple((b,) for b in mapping.values()), tuple(mapping))),
        Step("permutation", "Permutation matrix P", Table(tuple(order1), tuple(map(tuple, perm.tolist())), tuple(order2)),
             formula="P[i][a] = 1 when node a of G1 maps to node i of G2"),
        Step("check", "Check: P A1 Pᵀ", matrix_table(order2, check),
             formula="P A1 Pᵀ = A2", note="equals A2" if verified else "DOES NOT equal A2"),
    ]
    return IsomorphismResult(isomorphic=True, mapping=mapping, permutation=perm.tolist(),
                             reason="all invariants agree and the search found an edge-preserving mapping",
                             inputs=inputs, steps=tuple(steps))


def random_inputs(seed: int) -> dict[str, Any]:
    """Two undirected graphs on 5-6 nodes: a random relabelling (isomorphic) half the time,
    otherwise a relabelling with one edge moved that the solver confirms is not isomorphic."""
    rng = random.Random(seed)
    n = rng.randint(5, 6)
    letters = [chr(ord("A") + i) for i in range(n)]
    pairs = [(u, v) for i, u in enumerate(letters) for v in letters[i + 1:]]
    edges = rng.sample(pairs, rng.randint(n, 2 * n - 2))
    relabel = dict(zip(letters, rng.sample([str(i) for i in range(1, n + 1)], n)))
    moved = [(relabel[u], relabel[v]) for u, v in edges]
    inputs = {"g1": _edge_text(sorted(edges)), "nodes1": ",".join(letters), "nodes2": ",".join(str(i) for i in range(1, n + 1)),
              "directed": False}
    if rng.random() < 0.5:
        return {**inputs, "g2": _edge_text(rng.sample(moved, len(moved)))}
    all_pairs = [(str(i), str(j)) for i in range(1, n + 1) for j in range(i + 1, n + 1)]
    while True:
        dropped = rng.choice(moved)
        present = {tuple(sorted(e)) for e in moved}
        added = rng.choice([p for p in all_pairs if p not in present])
        candidate = {**inputs, "g2": _edge_text([e for e in moved if e != dropped] + [added])}
        if not solve(**candidate).isomorphic:
            return candidate


def _graph(label: str, edges: Any, directed: bool, nodes: Any) -> tuple[list[str], np.ndarray]:
    try:
        return adjacency_matrix(edges, directed, nodes)
    except SolverInputError as err:
        raise SolverInputError(f"{label}: {err}") from None


def _invariants(
    a1: np.ndarray, a2: np.ndarray, directed: bool, c1: list[int], c2: list[int]
) -> list[tuple[str, str, str, bool]]:
    """(name, shown for G1, shown for G2, equal) for each invariant, cheapest first."""
    rows: list[tuple[str, str, str, bool]] = []

    def add(name: str, v1: Any, v2: Any, same: bool | None = None) -> None:
        rows.append((name, _show(v1), _show(v2), v1 == v2 if same is None else same))

    add("node count", len(a1), len(a2))
    add("edge count", edge_count(a1, directed), edge_count(a2, directed))
    add("self-loops", int(np.count_nonzero(np.diag(a1))), int(np.count_nonzero(np.diag(a2))))
    if not (np.isin(a1, (0, 1)).all() and np.isin(a2, (0, 1)).all()):
        add("edge weights", _weights(a1, directed), _weights(a2, directed))
    add("degree sequence (out, in)" if directed else "degree sequence",
        _degree_sequence(a1, directed), _degree_sequence(a2, directed))
    s1, s2 = _spectrum(a1, directed), _spectrum(a2, directed)
    scale = max(1.0, float(np.abs(a1).sum()), float(np.abs(a2).sum()))
    same = len(s1) == len(s2) and bool(np.allclose(s1, s2, atol=_SPECTRUM_TOL * scale, rtol=0))
    add("spectrum of A + Aᵀ" if directed else "spectrum", [round(float(x), 4) + 0.0 for x in s1],
        [round(float(x), 4) + 0.0 for x in s2], same)
    add("colour class sizes (refinement)", _class_sizes(c1), _class_sizes(c2))
    return rows


def _class_sizes(colours: list[int]) -> list[str]:
    return [f"c{colour}×{count}" for colour, count in sorted(Counter(colours).items())]


def _degree_sequence(a: np.ndarray, directed: bool) -> list[Any]:
    deg = degrees(a, directed)
    if directed:
        return sorted(zip(deg["out"], deg["in"]), reverse=True)
    return sorted(deg["degree"], reverse=True)


def _weights(a: np.ndarray, directed: bool) -> list[float]:
    values = a if directed else np.triu(a)
    return sorted(float(x) for x in values[values != 0])


def _spectrum(a: np.ndarray, directed: bool) -> np.ndarray:
    """Eigenvalues, ascending; a directed A is symmetrised first so they are real and stable."""
    return np.linalg.eigvalsh(a + a.T if directed else a)


def _colour_refinement(a1: np.ndarray, a2: np.ndarray) -> tuple[list[int], list[int]]:
    """Stable colours of colour refinement on the disjoint union of both graphs.

    A node's colour starts from its self-loop weight and the multisets of its out- and
    in-edge weights; each round appends the multisets of (neighbour colour, weight) along
    out- and in-edges. Nodes of different colours can never correspond under an isomorphism.
    """
    n1 = len(a1)
    union = np.zeros((n1 + len(a2), n1 + len(a2)))
    union[:n1, :n1], union[n1:, n1:] = a1, a2
    off = union - np.diag(np.diag(union))
    outs = [np.flatnonzero(off[i]) for i in range(len(union))]
    ins = [np.flatnonzero(off[:, i]) for i in range(len(union))]
    signature = [
        (float(union[i, i]), tuple(sorted(off[i, outs[i]])), tuple(sorted(off[ins[i], i])))
        for i in range(len(union))
    ]
    colours = _relabel(signature)
    while True:
        signature = [
            (colours[i],
             tuple(sorted((colours[j], off[i, j]) for j in outs[i])),
             tuple(sorted((colours[j], off[j, i]) for j in ins[i])))
            for i in range(len(union))
        ]
        refined = _relabel(signature)
        if len(set(refined)) == len(set(colours)):
            return refined[:n1], refined[n1:]
        colours = refined


def _relabel(signatures: list[Any]) -> list[int]:
    ids = {sig: k for k, sig in enumerate(sorted(set(signatures)))}
    return [ids[sig] for sig in signatures]


def _search(a1: np.ndarray, a2: np.ndarray, c1: list[int], c2: list[int]) -> tuple[list[int] | None, int]:
    """Backtracking over G1 nodes in a connected, rarest-colour-first order.

    Returns the image of each G1 node (or None when no mapping exists) and the number of
    partial assignments tried, which shows how much the colours pruned.
    """
    n = len(a1)
    linked = (a1 != 0) | (a1.T != 0)
    class_size = Counter(c1)
    order: list[int] = []
    links_to_order = np.zeros(n, dtype=int)
    remaining = set(range(n))
    while remaining:
        nxt = max(remaining, key=lambda u: (links_to_order[u], -class_size[c1[u]], -u))
        order.append(nxt)
        remaining.discard(nxt)
        links_to_order += linked[nxt]
    image = [-1] * n
    used = [False] * n
    tried = 0

    def extend(depth: int) -> bool:
        nonlocal tried
        if depth == n:
            return True
        u = order[depth]
        for v in range(n):
            if used[v] or c2[v] != c1[u]:
                continue
            tried += 1
            if all(a1[u, w] == a2[v, image[w]] and a1[w, u] == a2[image[w], v] for w in order[:depth]):
                image[u], used[v] = v, True
                if extend(depth + 1):
                    return True
                image[u], used[v] = -1, False
        return False

    return (image if extend(0) else None), tried


def _edge_text(edges: list[tuple[str, str]]) -> str:
    return ",".join(f"{u}-{v}" for u, v in edges)


def _show(value: Any) -> str:
    """Invariants as short text: lists space-separated, (out, in) pairs in parentheses."""
    if isinstance(value, list):
        return " ".join(_show(v) for v in value)
    if isinstance(value, tuple):
        return "(" + ",".join(_show(v) for v in value) + ")"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
