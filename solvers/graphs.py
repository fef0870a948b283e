"""Adjacency matrix of a graph given as an edge list, and the edge-list parsing shared by graph solvers.

For nodes ordered v_1..v_n the adjacency matrix has A[i][j] = w when there is an edge
v_i -> v_j of weight w (1 when unweighted) and 0 otherwise. An undirected edge sets both
A[i][j] and A[j][i], so A is symmetric. Degrees count edges, not weights:

- directed: out-degree of v_i = number of non-zero entries in row i, in-degree = in column i;
- undirected: degree = number of edge ends at the node, so a self-loop counts twice
  (the convention of networkx and of the handshake lemma, sum of degrees = 2|E|).

Making a directed graph undirected keeps an edge between i and j when either direction
existed: A_u = max(A, Aᵀ), symmetric with the diagonal (self-loops) unchanged
(book 8.1.2-Q9-ii).

Edge syntax: ``"A-B,B-C:2.5"`` (a comma string) or a list of items, each ``"A-B"``,
``"A-B:2.5"``, ``[u, v]`` or ``[u, v, w]``. In a directed graph ``A-B`` means A to B.

>>> r = solve()
>>> r.nodes
['A', 'B', 'C', 'D', 'E']
>>> r.matrix[0], r.out_degree, r.in_degree
([0, 1, 1, 0, 0], [2, 1, 2, 1, 1], [1, 2, 2, 1, 1])
>>> for part in r.headline().split("; "):
...     print(part)
Directed graph, 5 nodes (A, B, C, D, E), 7 edges
rows of A: 01100 00100 10010 00001 01000
out-degrees 2 1 2 1 1
in-degrees 1 2 2 1 1
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from typing import Any

import numpy as np

from solvers.result import Result, SolverInputError, Step, Table

INPUTS = ("edges", "directed", "nodes")

DEFAULT_EDGES = "A-B,A-C,B-C,C-A,C-D,D-E,E-B"  # the bank's graph for 8.1.2-Q9 (the book's figure is missing)
# Size limits, checked before any matrix is allocated (10^5 nodes would take 74 GiB): every
# matrix is shown as a table, and 400 x 400 is already far more than anyone reads.
MAX_NODES = 400
MAX_EDGES = MAX_NODES * MAX_NODES  # a complete directed graph with self-loops
MAX_NAME = 100  # characters in a node name
_RESERVED = set("-,:")

Edge = tuple[str, str, float]


def parse_edges(edges: str | list[Any] | tuple[Any, ...]) -> list[Edge]:
    """Parse an edge list into ``(u, v, weight)`` triples, in the order given.

    Banks and the CLI both write graphs as text, so every fault is reported with the item
    and its 1-based position rather than surfacing as a bare ``ValueError`` later.

    >>> parse_edges("A-B, B-C:2.5")
    [('A', 'B', 1.0), ('B', 'C', 2.5)]
    >>> parse_edges("A-B,,C-D")
    Traceback (most recent call last):
    ...
    solvers.result.SolverInputError: edge 2 ('') is empty; write edges as "A-B,B-C" or "A-B:2.5"
    """
    if isinstance(edges, str):
        count = edges.count(",") + 1
    elif isinstance(edges, (list, tuple)):
        count = len(edges)
    else:
        raise SolverInputError(
            f"edges must be a string like \"A-B,B-C\" or a list of edges, not {type(edges).__name__}"
        )
    if count > MAX_EDGES:
        raise SolverInputError(f"{count:,} edges; at most {MAX_EDGES:,} (graphs of up to {MAX_NODES} nodes)")
    items: list[Any] = (edges.split(",") if edges.strip() else []) if isinstance(edges, str) else list(edges)
    return [_parse_edge(item, pos) for pos, item in enumerate(items, start=1)]


def parse_nodes(nodes: str | list[Any] | tuple[Any, ...] | None) -> list[str] | None:
    """Parse a node order (comma string or list); ``None`` means "sort the nodes of the edges".

    >>> parse_nodes("C, A, B")
    ['C', 'A', 'B']
    >>> parse_nodes(["A", "B", "A"])
    Traceback (most recent call last):
    ...
    solvers.result.SolverInputError: node 3 ('A') repeats node 1
    """
    if nodes is None:
        return None
    if isinstance(nodes, str):
        items: list[Any] = nodes.split(",")
    elif isinstance(nodes, (list, tuple)):
        items = list(nodes)
    else:
        raise SolverInputError(f"nodes must be a comma string or a list of names, not {type(nodes).__name__}")
    if len(items) > MAX_NODES:
        raise SolverInputError(f"{len(items):,} nodes; at most {MAX_NODES}")
    order: list[str] = []
    seen: dict[str, int] = {}
    for pos, item in enumerate(items, start=1):
        name = _node_name(item, f"node {pos} ({_show(item)})")
        if name in seen:
            raise SolverInputError(f"node {pos} ({_show(item)}) repeats node {seen[name]}")
        seen[name] = pos
        order.append(name)
    if not order:
        raise SolverInputError("nodes is empty; give at least one node name or leave it out")
    return order


def adjacency_matrix(
    edges: str | list[Any] | tuple[Any, ...], directed: bool, nodes: str | list[Any] | tuple[Any, ...] | None = None
) -> tuple[list[str], np.ndarray]:
    """Node order and adjacency matrix (float, shape (n, n)) of an edge list.

    A repeated edge is an error rather than a silent overwrite, because the matrix can hold
    only one weight per pair; in an undirected graph ``B-A`` repeats ``A-B``.
    """
    parsed = parse_edges(edges)
    given = parse_nodes(nodes)
    if given is None:
        order = sorted({u for u, _, _ in parsed} | {v for _, v, _ in parsed})
    else:
        order = given
        known = set(given)
        for pos, (u, v, _) in enumerate(parsed, start=1):
            for name in (u, v):
                if name not in known:
                    raise SolverInputError(
                        f"edge {pos} ({u}-{v}) names node {name!r}, which is not in nodes ({', '.join(given)})"
                    )
    if not order:
        raise SolverInputError("the graph has no nodes; give edges like \"A-B,B-C\" (or nodes for isolated ones)")
    if len(order) > MAX_NODES:
        raise SolverInputError(f"the graph has {len(order):,} nodes; at most {MAX_NODES}")
    index = {name: i for i, name in enumerate(order)}
    matrix = np.zeros((len(order), len(order)))
    first: dict[tuple[str, ...], int] = {}
    for pos, (u, v, w) in enumerate(parsed, start=1):
        key = (u, v) if directed else tuple(sorted((u, v)))
        if key in first:
            raise SolverInputError(f"edge {pos} ({u}-{v}) repeats edge {first[key]}; give each edge once")
        first[key] = pos
        matrix[index[u], index[v]] = w
        if not directed:
            matrix[index[v], index[u]] = w
    return order, matrix


def degrees(matrix: np.ndarray, directed: bool) -> dict[str, list[int]]:
    """Edge counts per node: ``out``/``in`` for a directed graph, ``degree`` for an undirected one."""
    present = (matrix != 0).astype(int)
    if directed:
        return {"out": present.sum(axis=1).tolist(), "in": present.sum(axis=0).tolist()}
    return {"degree": (present.sum(axis=1) + np.diag(present)).tolist()}


def edge_count(matrix: np.ndarray, directed: bool) -> int:
    """Number of edges: non-zero entries, each undirected edge counted once."""
    present = matrix != 0
    if directed:
        return int(present.sum())
    return int(np.triu(present).sum())


def plain_matrix(matrix: np.ndarray) -> list[list[int | float]]:
    """Matrix as nested lists, with ints when every weight is whole (the usual 0/1 case)."""
    if np.all(matrix == np.round(matrix)):
        return matrix.astype(int).tolist()
    return matrix.tolist()


def matrix_table(order: list[str], matrix: np.ndarray | list[list[Any]]) -> Table:
    """A labelled square table, rows and columns named by the nodes."""
    rows = matrix if isinstance(matrix, list) else plain_matrix(matrix)
    return Table(columns=tuple(order), rows=tuple(tuple(r) for r in rows), index=tuple(order))


@dataclass(frozen=True, kw_only=True)
class AdjacencyResult(Result):
    """Adjacency matrix and degrees; ``degree`` is None for a directed graph, ``out/in_degree`` otherwise."""

    nodes: list[str]
    matrix: list[list[int | float]]
    out_degree: list[int] | None
    in_degree: list[int] | None
    degree: list[int] | None

    def headline(self) -> str:
        kind = "Directed" if self.inputs.get("directed") else "Undirected"
        edges = edge_count(np.array(self.matrix, dtype=float), bool(self.inputs.get("directed")))
        if all(x in (0, 1) for row in self.matrix for x in row):
            rows = " ".join("".join(str(x) for x in row) for row in self.matrix)
        else:
            rows = " | ".join(" ".join(f"{x:g}" for x in row) for row in self.matrix)
        head = f"{kind} graph, {len(self.nodes)} nodes ({', '.join(self.nodes)}), {edges} edges; rows of A: {rows}"
        if self.degree is not None:
            return f"{head}; degrees {_join(self.degree)}"
        return f"{head}; out-degrees {_join(self.out_degree or [])}; in-degrees {_join(self.in_degree or [])}"


def solve(
    edges: str | list[Any] = DEFAULT_EDGES, directed: bool = True, nodes: str | list[Any] | None = None
) -> AdjacencyResult:
    """Build the adjacency matrix, its degrees and, for a directed graph, its undirected version."""
    if not isinstance(directed, bool):
        raise SolverInputError(f"directed must be true or false, not {directed!r}")
    order, matrix = adjacency_matrix(edges, directed, nodes)
    deg = degrees(matrix, directed)
    plain = plain_matrix(matrix)
    steps = [
        Step("node_order", "Node order (rows and columns)", ", ".join(order),
             note="as given by nodes" if nodes is not None else "sorted, since nodes was not given"),
        Step("matrix", "Adjacency matrix A", matrix_table(order, plain),
             formula="A[i][j] = w(vi → vj), 0 if no edge" if directed
             else "A[i][j] = A[j][i] = w(vi — vj), 0 if no edge"),
    ]
    if directed:
        in_out = Table(("out-degree", "in-degree"), tuple(zip(deg["out"], deg["in"])), tuple(order))
        steps.append(Step("degrees", "Degrees", in_out,
                          formula="out = number of non-zero entries in row i; in = in column i"))
        undirected = np.maximum(matrix, matrix.T)
        steps.append(Step("undirected_matrix", "Made undirected: A_u = max(A, Aᵀ)", matrix_table(order, undirected),
                          formula="A_u[i][j] = max(A[i][j], A[j][i])",
                          note="an edge in either direction becomes one undirected edge; the diagonal stays"))
        steps.append(Step("undirected_degrees", "Degrees once undirected",
                          Table(("degree",), tuple((d,) for d in degrees(undirected, False)["degree"]), tuple(order)),
                          formula="non-zero entries in row i of A_u, a self-loop counted twice"))
    else:
        steps.append(Step("degrees", "Degrees", Table(("degree",), tuple((d,) for d in deg["degree"]), tuple(order)),
                          formula="non-zero entries in row i, a self-loop counted twice"))
    return AdjacencyResult(
        nodes=order,
        matrix=plain,
        out_degree=deg.get("out"),
        in_degree=deg.get("in"),
        degree=deg.get("degree"),
        inputs={"edges": edges, "directed": directed, "nodes": nodes},
        steps=tuple(steps),
    )


# inputs a fresh variant takes from the question it varies (an undirected question stays undirected)
VARIANT_KEEPS = ("directed",)


def random_inputs(seed: int) -> dict[str, Any]:
    """A directed graph on 4-6 lettered nodes with one to two edges per node, like the bank's."""
    rng = random.Random(seed)
    n = rng.randint(4, 6)
    order = [chr(ord("A") + i) for i in range(n)]
    pairs = [(u, v) for u in order for v in order if u != v]
    chosen = rng.sample(pairs, rng.randint(n, 2 * n))
    chosen.sort(key=lambda p: (order.index(p[0]), order.index(p[1])))
    return {"edges": ",".join(f"{u}-{v}" for u, v in chosen), "directed": True, "nodes": ",".join(order)}


def _parse_edge(item: Any, pos: int) -> Edge:
    where = f"edge {pos} ({_show(item)})"
    if isinstance(item, (list, tuple)):
        if len(item) not in (2, 3):
            raise SolverInputError(f"{where} must be [u, v] or [u, v, weight]")
        u, v = (_node_name(x, where) for x in item[:2])
        weight = _weight(item[2], where) if len(item) == 3 else 1.0
        return u, v, weight
    if not isinstance(item, str):
        raise SolverInputError(f"{where} must be a string like \"A-B\" or a list [u, v]")
    text = item.strip()
    if not text:
        raise SolverInputError(f"{where} is empty; write edges as \"A-B,B-C\" or \"A-B:2.5\"")
    pair, sep, weight_text = text.partition(":")
    ends = pair.split("-")
    if len(ends) != 2 or not all(e.strip() for e in ends):
        raise SolverInputError(f"{where} is not of the form \"U-V\" or \"U-V:weight\"")
    u, v = (_node_name(e, where) for e in ends)
    return u, v, _weight(weight_text, where) if sep else 1.0


def _node_name(raw: Any, where: str) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        raise SolverInputError(f"{where}: a node name must be text, not {type(raw).__name__}")
    name = str(raw).strip()
    if not name:
        raise SolverInputError(f"{where}: a node name is empty")
    if len(name) > MAX_NAME:
        raise SolverInputError(f"{where}: a node name has {len(name):,} characters; at most {MAX_NAME}")
    if _RESERVED & set(name):
        raise SolverInputError(f"{where}: node name {name!r} may not contain '-', ',' or ':'")
    return name


def _weight(raw: Any, where: str) -> float:
    if isinstance(raw, bool):
        raise SolverInputError(f"{where}: weight must be a number, not {raw!r}")
    try:
        weight = float(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        raise SolverInputError(f"{where}: weight {_show(raw)} is not a number") from None
    if not math.isfinite(weight) or weight == 0:
        raise SolverInputError(f"{where}: weight must be a finite non-zero number (0 would mean no edge)")
    return weight


def _show(item: Any) -> str:
    return repr(item) if isinstance(item, str) else str(item)


def _join(values: list[int]) -> str:
    return " ".join(str(v) for v in values)
