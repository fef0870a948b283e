"""The isomorphism solver against networkx's is_isomorphic, and its mapping checked as P A1 Pᵀ = A2."""

from __future__ import annotations

import doctest
import random

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import isomorphism
from solvers.result import SolverInputError


def edge_text(edges: list[tuple[str, str]]) -> str:
    return ",".join(f"{u}-{v}" for u, v in edges)


def to_nx(nodes: list[str], edges: list[tuple[str, str]], directed: bool) -> nx.Graph:
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(nodes)
    graph.add_edges_from(edges)
    return graph


def assert_mapping_valid(result: isomorphism.IsomorphismResult, g1: nx.Graph, g2: nx.Graph) -> None:
    """The mapping is a bijection carrying edges onto edges, and P A1 Pᵀ = A2 in the solver's node orders."""
    mapping = result.mapping
    assert mapping is not None and result.permutation is not None
    assert sorted(mapping) == sorted(g1.nodes) and sorted(mapping.values()) == sorted(g2.nodes)

    def edge_set(graph: nx.Graph, relabel: dict[str, str]) -> set[object]:
        pairs = ((relabel.get(u, u), relabel.get(v, v)) for u, v in graph.edges)
        return set(pairs) if graph.is_directed() else {frozenset(p) for p in pairs}

    assert edge_set(g1, mapping) == edge_set(g2, {})
    tables = {s.key: s.value for s in result.steps}
    order1, order2 = list(tables["g1_matrix"].index), list(tables["g2_matrix"].index)
    a1 = nx.to_numpy_array(g1, nodelist=order1)
    a2 = nx.to_numpy_array(g2, nodelist=order2)
    p = np.array(result.permutation)
    np.testing.assert_array_equal(p @ a1 @ p.T, a2)


GraphCase = tuple[list[str], list[tuple[str, str]], bool]  # nodes, edges, directed


@st.composite
def graph_case(draw: st.DrawFn) -> GraphCase:
    n = draw(st.integers(1, 7))
    nodes = [chr(ord("A") + i) for i in range(n)]
    directed = draw(st.booleans())
    pairs = [(u, v) for u in nodes for v in nodes if (u != v or draw(st.booleans())) and (directed or u <= v)]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs))) if pairs else []
    return nodes, edges, directed


def test_default_is_two_relabellings_of_one_graph() -> None:
    result = isomorphism.solve()
    assert result.isomorphic
    assert result.mapping == {"A": "4", "B": "5", "C": "3", "D": "2", "E": "1"}
    check = next(s for s in result.steps if s.key == "check")
    assert check.note == "equals A2"
    g1 = to_nx(list("ABCDE"), [("A", "B"), ("A", "C"), ("B", "C"), ("C", "D"), ("D", "E")], False)
    g2 = to_nx(list("12345"), [("1", "2"), ("2", "3"), ("3", "4"), ("3", "5"), ("4", "5")], False)
    assert_mapping_valid(result, g1, g2)
    assert result.headline().startswith("Isomorphic: A→4")


def test_doctests_pass() -> None:
    assert doctest.testmod(isomorphism).failed == 0


def test_cospectral_star_and_four_cycle_are_not_isomorphic() -> None:
    result = isomorphism.solve(g1="A-B,A-C,A-D,A-E", g2="A-B,B-C,C-D,D-A", nodes2="A,B,C,D,E")
    assert not result.isomorphic and result.mapping is None and result.permutation is None
    table = next(s.value for s in result.steps if s.key == "invariants")
    rows = dict(zip(table.index, table.rows))
    assert rows["spectrum"] == ("-2 0 0 0 2", "-2 0 0 0 2", "yes")  # same spectrum, still not isomorphic
    assert result.reason == "different degree sequence: 4 1 1 1 1 vs 2 2 2 2 0"


def test_regular_cospectral_pair_needs_the_exhaustive_search() -> None:
    """The 4x4 rook's graph and the Shrikhande graph agree on every invariant used."""
    cells = [(i, j) for i in range(4) for j in range(4)]
    name = {c: f"{c[0]}{c[1]}" for c in cells}
    rook = [(name[a], name[b]) for a in cells for b in cells if a < b and (a[0] == b[0] or a[1] == b[1])]
    steps = {(0, 1), (0, 3), (1, 0), (3, 0), (1, 1), (3, 3)}
    shrikhande = [(name[a], name[b]) for a in cells for b in cells
                  if a < b and ((b[0] - a[0]) % 4, (b[1] - a[1]) % 4) in steps]
    result = isomorphism.solve(g1=edge_text(rook), g2=edge_text(shrikhande))
    assert not nx.is_isomorphic(to_nx(list(name.values()), rook, False), to_nx(list(name.values()), shrikhande, False))
    assert not result.isomorphic
    assert result.reason == "exhaustive search found no mapping"
    # and each is isomorphic to a shuffled copy of itself
    rng = random.Random(7)
    relabel = dict(zip(name.values(), rng.sample([f"v{i}" for i in range(16)], 16)))
    shuffled = [(relabel[u], relabel[v]) for u, v in shrikhande]
    again = isomorphism.solve(g1=edge_text(shrikhande), g2=edge_text(shuffled))
    assert again.isomorphic
    assert_mapping_valid(again, to_nx(list(name.values()), shrikhande, False),
                         to_nx(list(relabel.values()), shuffled, False))


@settings(max_examples=80, deadline=None)
@given(graph_case(), st.randoms(use_true_random=False))
def test_random_relabellings_are_found_isomorphic(case: GraphCase, rng: random.Random) -> None:
    nodes, edges, directed = case
    relabel = dict(zip(nodes, rng.sample([f"n{i}" for i in range(len(nodes))], len(nodes))))
    moved = [(relabel[u], relabel[v]) for u, v in edges]
    rng.shuffle(moved)
    result = isomorphism.solve(g1=edge_text(edges), g2=edge_text(moved), directed=directed,
                               nodes1=nodes, nodes2=list(relabel.values()))
    assert result.isomorphic
    assert_mapping_valid(result, to_nx(nodes, edges, directed), to_nx(list(relabel.values()), moved, directed))


@settings(max_examples=100, deadline=None)
@given(graph_case(), st.randoms(use_true_random=False))
def test_near_miss_pairs_agree_with_networkx(case: GraphCase, rng: random.Random) -> None:
    """A relabelled copy with one edge moved: sometimes still isomorphic, usually not."""
    nodes, edges, directed = case
    pairs = [(u, v) for u in nodes for v in nodes if directed or u <= v]
    absent = [p for p in pairs if p not in edges]
    changed = list(edges)
    if changed and absent:
        changed.remove(rng.choice(changed))
        changed.append(rng.choice(absent))
    relabel = dict(zip(nodes, rng.sample(nodes, len(nodes))))
    moved = [(relabel[u], relabel[v]) for u, v in changed]
    result = isomorphism.solve(g1=edge_text(edges), g2=edge_text(moved), directed=directed, nodes1=nodes, nodes2=nodes)
    g1, g2 = to_nx(nodes, edges, directed), to_nx(nodes, moved, directed)
    assert result.isomorphic == nx.is_isomorphic(g1, g2)
    if result.isomorphic:
        assert_mapping_valid(result, g1, g2)


@settings(max_examples=60, deadline=None)
@given(graph_case(), graph_case())
def test_unrelated_graphs_agree_with_networkx(a: GraphCase, b: GraphCase) -> None:
    directed = a[2]
    b_edges = [e for e in b[1] if directed or e[0] <= e[1]]
    result = isomorphism.solve(g1=edge_text(a[1]), g2=edge_text(b_edges), directed=directed, nodes1=a[0], nodes2=b[0])
    assert result.isomorphic == nx.is_isomorphic(to_nx(a[0], a[1], directed), to_nx(b[0], b_edges, directed))


def test_direction_matters() -> None:
    assert isomorphism.solve(g1="A-B,B-C", g2="X-Y,Y-Z", directed=True).isomorphic
    result = isomorphism.solve(g1="A-B,B-C", g2="A-B,C-B", directed=True)
    assert not result.isomorphic
    assert result.reason.startswith("different degree sequence (out, in)")


def test_weights_must_be_preserved() -> None:
    assert isomorphism.solve(g1="A-B:2,B-C:1", g2="X-Y:1,Y-Z:2").mapping == {"A": "Z", "B": "Y", "C": "X"}
    result = isomorphism.solve(g1="A-B:2,B-C:2", g2="X-Y:1,Y-Z:2")
    assert not result.isomorphic and result.reason.startswith("different edge weights")


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        ({"g1": "A-B", "g2": "A-B,B--C"}, "g2: edge 2 ('B--C') is not of the form"),
        ({"g1": "A-B,", "g2": "A-B"}, "g1: edge 2 ('') is empty"),
        ({"g1": "A-B", "g2": "A-Q", "nodes2": "A,B"}, "g2: edge 1 (A-Q) names node 'Q'"),
        ({"directed": 1}, "directed must be true or false"),
    ],
)
def test_bad_inputs_say_which_graph(inputs: dict[str, object], message: str) -> None:
    with pytest.raises(SolverInputError) as err:
        isomorphism.solve(**inputs)  # type: ignore[arg-type]
    assert message in str(err.value)


def test_random_inputs_are_deterministic_and_split_between_verdicts() -> None:
    verdicts = []
    for seed in range(30):
        inputs = isomorphism.random_inputs(seed)
        assert inputs == isomorphism.random_inputs(seed)
        result = isomorphism.solve(**inputs)
        g1 = to_nx(inputs["nodes1"].split(","), [tuple(e.split("-")) for e in inputs["g1"].split(",")], False)
        g2 = to_nx(inputs["nodes2"].split(","), [tuple(e.split("-")) for e in inputs["g2"].split(",")], False)
        assert result.isomorphic == nx.is_isomorphic(g1, g2)
        verdicts.append(result.isomorphic)
    assert 5 <= sum(verdicts) <= 25


def test_graphs_too_large_to_search_are_refused_before_any_work(monkeypatch: pytest.MonkeyPatch) -> None:
    from solvers import graphs

    monkeypatch.setattr(graphs, "MAX_NODES", 10)
    cycle = edge_text([(f"v{i}", f"v{(i + 1) % 11}") for i in range(11)])
    calls = []
    monkeypatch.setattr(isomorphism, "_invariants", lambda *a: calls.append(a) or [])
    with pytest.raises(SolverInputError, match="g1: the graph has 11 nodes; at most 10"):
        isomorphism.solve(g1=cycle, g2=cycle)
    assert calls == []  # refused before the invariants, not after them
