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
checking every edge to the nodes already mapped; each tentative pair gets a colour of its
own and the colours are refined again, so one choice often forces the rest (individualisation
and refinement). It either finds a mapping or proves none exists. Weighted edges must map
onto edges of the same weight.

>>> r = solve()
>>> r.isomorphic, r.mapping
(True, {'A': '4', 'B': '5', 'C': '3', 'D': '2', 'E': '1'})
>>> solve(g1="A-B,A-C,A-D,A-E", g2="A-B,B-C,C-D,D-A", nodes2="A,B,C,D,E").headline()
'Not isomorphic: different degree sequence: 4 1 1 1 1 vs 2 2 2 2 0'
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers import graphs
from solvers.graphs import adjacency_matrix, degrees, edge_count, matrix_table
from solvers.result import Result, SolverInputError, Step, Table, rounded

INPUTS = ("g1", "g2", "directed", "nodes1", "nodes2")

DEFAULT_G1 = "A-B,A-C,B-C,C-D,D-E"  # a triangle with a two-edge tail
DEFAULT_G2 = "1-2,2-3,3-4,3-5,4-5"  # the same graph, relabelled A→4, B→5, C→3, D→2, E→1
_SPECTRUM_TOL = 1e-6
# Size limit: solvers.graphs.MAX_NODES (400), checked while the edge lists are parsed, before any
# matrix is built or invariant computed; the search, which recurses once per node and refines in
# pure Python, handles that many.
MAX_NODES = graphs.MAX_NODES


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
    union = _Union.of(a1, a2)
    colours = union.initial_colours()
    invariants = _invariants(a1, a2, directed, colours[:len(a1)], colours[len(a1):])
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
                                 reason=f"different {name}: {v1} vs {v2}", inputs=inputs, steps=tuple(steps))
    found, tried = _search(union, colours)
    steps.append(Step("search", "Backtracking search", f"{tried} node pairs tried",
                      note="a G1 node is tried only on G2 nodes of its colour; each choice is refined and checked"))
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
        Step("mapping", "Node mapping G1 → G2",
             Table(("G2 node",), tuple((b,) for b in mapping.values()), tuple(mapping))),
        Step("permutation", "Permutation matrix P",
             Table(tuple(order1), tuple(map(tuple, perm.tolist())), tuple(order2)),
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
    inputs = {"g1": _edge_text(sorted(edges)), "nodes1": ",".join(letters),
              "nodes2": ",".join(str(i) for i in range(1, n + 1)), "directed": False}
    if rng.random() < 0.5:
        return {**inputs, "g2": _edge_text(rng.sample(moved, len(moved)))}
    all_pairs = [(str(i), str(j)) for i in range(1, n + 1) for j in range(i + 1, n + 1)]
    present = {tuple(sorted(e)) for e in moved}
    while True:
        dropped = rng.choice(moved)
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
    add("spectrum of A + Aᵀ" if directed else "spectrum", [rounded(x) for x in s1],
        [rounded(x) for x in s2], same)
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


@dataclass(frozen=True)
class _Union:
    """Both graphs as one: G1 is nodes 0..n1-1, G2 follows, so colours are shared and comparable."""

    a1: np.ndarray
    a2: np.ndarray
    outs: tuple[tuple[tuple[int, float], ...], ...]  # (neighbour, weight) along out-edges, loops excluded
    ins: tuple[tuple[tuple[int, float], ...], ...]

    @classmethod
    def of(cls, a1: np.ndarray, a2: np.ndarray) -> _Union:
        n1, size = len(a1), len(a1) + len(a2)
        union = np.zeros((size, size))
        union[:n1, :n1], union[n1:, n1:] = a1, a2
        np.fill_diagonal(union, 0)
        outs = tuple(tuple((int(j), float(union[i, j])) for j in np.flatnonzero(union[i])) for i in range(size))
        ins = tuple(tuple((int(j), float(union[j, i])) for j in np.flatnonzero(union[:, i])) for i in range(size))
        return cls(a1, a2, outs, ins)

    def initial_colours(self) -> list[int]:
        """Colour by self-loop weight and the multisets of out- and in-edge weights, then refine."""
        loops = np.concatenate([np.diag(self.a1), np.diag(self.a2)])
        signature = [
            (float(loops[i]), tuple(sorted(w for _, w in self.outs[i])), tuple(sorted(w for _, w in self.ins[i])))
            for i in range(len(loops))
        ]
        return self.refine(_relabel(signature))

    def refine(self, colours: list[int]) -> list[int]:
        """Colour refinement to a stable colouring: split nodes whose neighbours' colours differ.

        Nodes of different stable colours can never correspond under an isomorphism, since
        the rule treats both graphs alike.
        """
        while True:
            signature = [
                (colours[i], tuple(sorted((colours[j], w) for j, w in self.outs[i])),
                 tuple(sorted((colours[j], w) for j, w in self.ins[i])))
                for i in range(len(colours))
            ]
            refined = _relabel(signature)
            if len(set(refined)) == len(set(colours)):
                return refined
            colours = refined


def _relabel(signatures: list[Any]) -> list[int]:
    ids = {sig: k for k, sig in enumerate(sorted(set(signatures)))}
    return [ids[sig] for sig in signatures]


def _search(union: _Union, colours: list[int]) -> tuple[list[int] | None, int]:
    """Individualisation and refinement: map one G1 node of the smallest colour class onto each
    G2 node of its colour in turn, give the pair a fresh colour, refine, and backtrack as soon
    as the two graphs' colour histograms disagree.

    Returns the image of each G1 node (or None when no mapping exists) and the number of
    node pairs tried, which shows how much the colours pruned.
    """
    a1, a2 = union.a1, union.a2
    n = len(a1)
    image: dict[int, int] = {}
    tried = 0

    def extend(colours: list[int]) -> list[int] | None:
        nonlocal tried
        c1, c2 = colours[:n], colours[n:]
        if Counter(c1) != Counter(c2):
            return None
        if len(image) == n:
            found = [image[a] for a in range(n)]
            return found if np.array_equal(a2[np.ix_(found, found)], a1) else None
        free = Counter(c1[u] for u in range(n) if u not in image)
        target = min(free, key=lambda c: (free[c], c))
        u = next(u for u in range(n) if u not in image and c1[u] == target)
        used = set(image.values())
        for v in range(n):
            if v in used or c2[v] != target:
                continue
            tried += 1
            if any(a1[u, w] != a2[v, x] or a1[w, u] != a2[x, v] for w, x in image.items()):
                continue
            individualised = list(colours)
            individualised[u] = individualised[n + v] = max(colours) + 1
            image[u] = v
            found = extend(union.refine(individualised))
            if found is not None:
                return found
            del image[u]
        return None

    return extend(colours), tried


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
