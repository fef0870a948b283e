"""The adjacency solver against networkx, and its edge-list errors as a user would meet them."""

from __future__ import annotations

import doctest

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from solvers import graphs
from solvers.result import SolverInputError

NAMES = [chr(ord("A") + i) for i in range(8)]


@st.composite
def random_graph(draw: st.DrawFn) -> tuple[list[str], list[tuple[str, str]], bool]:
    """A node order (shuffled, so sorting is not assumed) and distinct edges, self-loops included."""
    n = draw(st.integers(1, 7))
    order = draw(st.permutations(NAMES[:n]))
    directed = draw(st.booleans())
    pairs = [(u, v) for u in order for v in order if directed or u <= v]
    edges = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=len(pairs)))
    return list(order), edges, directed


def to_nx(order: list[str], edges: list[tuple[str, str]], directed: bool) -> nx.Graph:
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(order)
    graph.add_edges_from(edges)
    return graph


def test_default_is_the_banks_directed_graph() -> None:
    result = graphs.solve()
    assert result.nodes == ["A", "B", "C", "D", "E"]
    assert result.matrix == [
        [0, 1, 1, 0, 0],
        [0, 0, 1, 0, 0],
        [1, 0, 0, 1, 0],
        [0, 0, 0, 0, 1],
        [0, 1, 0, 0, 0],
    ]
    assert result.out_degree == [2, 1, 2, 1, 1]
    assert result.in_degree == [1, 2, 2, 1, 1]
    assert result.degree is None
    assert "7 edges" in result.headline()


def test_doctests_pass() -> None:
    assert doctest.testmod(graphs).failed == 0


@settings(max_examples=80, deadline=None)
@given(random_graph())
def test_matrix_and_degrees_match_networkx(case: tuple[list[str], list[tuple[str, str]], bool]) -> None:
    order, edges, directed = case
    result = graphs.solve(edges=",".join(f"{u}-{v}" for u, v in edges), directed=directed, nodes=order)
    graph = to_nx(order, edges, directed)
    assert result.nodes == order
    np.testing.assert_array_equal(result.matrix, nx.to_numpy_array(graph, nodelist=order))
    if directed:
        assert result.out_degree == [graph.out_degree(v) for v in order]
        assert result.in_degree == [graph.in_degree(v) for v in order]
        undirected = next(s.value for s in result.steps if s.key == "undirected_matrix")
        expected = nx.to_numpy_array(graph.to_undirected(), nodelist=order)
        np.testing.assert_array_equal(undirected.rows, expected)
        assert list(undirected.index) == order
        deg_u = next(s.value for s in result.steps if s.key == "undirected_degrees")
        assert [row[0] for row in deg_u.rows] == [graph.to_undirected().degree(v) for v in order]
    else:
        assert result.degree == [graph.degree(v) for v in order]
        np.testing.assert_array_equal(result.matrix, np.transpose(result.matrix))


@settings(max_examples=50, deadline=None)
@given(random_graph(), st.lists(st.sampled_from([0.5, 2.0, -1.5, 3.0]), min_size=64, max_size=64))
def test_weights_land_in_the_matrix(case: tuple[list[str], list[tuple[str, str]], bool], weights: list[float]) -> None:
    order, edges, directed = case
    items = [f"{u}-{v}:{w}" for (u, v), w in zip(edges, weights)]
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(order)
    graph.add_weighted_edges_from((u, v, w) for (u, v), w in zip(edges, weights))
    result = graphs.solve(edges=items, directed=directed, nodes=order)
    np.testing.assert_array_equal(result.matrix, nx.to_numpy_array(graph, nodelist=order))


def test_nodes_default_to_sorted_and_fix_the_order_when_given() -> None:
    assert graphs.solve(edges="C-A,B-C").nodes == ["A", "B", "C"]
    result = graphs.solve(edges="C-A,B-C", nodes="C,B,A,Z")
    assert result.nodes == ["C", "B", "A", "Z"]
    assert result.matrix[0] == [0, 0, 1, 0]  # C -> A
    assert result.out_degree[3] == 0 and result.in_degree[3] == 0  # isolated Z kept


def test_list_items_and_pairs_are_accepted() -> None:
    assert graphs.parse_edges(["A-B", ["B", "C"], ["C", "A", 2]]) == [("A", "B", 1.0), ("B", "C", 1.0), ("C", "A", 2.0)]


@pytest.mark.parametrize(
    ("edges", "message"),
    [
        ("A-B,,C-D", "edge 2 ('') is empty"),
        ("A-B,", "edge 2 ('') is empty"),
        ("A--B", "edge 1 ('A--B') is not of the form"),
        ("A-B,B-C:x", "edge 2 ('B-C:x'): weight 'x' is not a number"),
        ("A-B,-C", "edge 2 ('-C') is not of the form"),
        ("A-B,C", "edge 2 ('C') is not of the form"),
        (["A-B", ["C"]], "edge 2 (['C']) must be [u, v] or [u, v, weight]"),
        ("A-B:0", "weight must be a finite non-zero number"),
        ("A-B,B-A,A-B", "edge 3 (A-B) repeats edge 1"),
        (42, "edges must be a string"),
        ("", "the graph has no nodes"),
    ],
)
def test_malformed_edges_name_the_item_and_position(edges: object, message: str) -> None:
    with pytest.raises(SolverInputError) as err:
        graphs.solve(edges=edges)
    assert message in str(err.value)


def test_undirected_reversed_duplicate_is_an_error_but_directed_is_two_edges() -> None:
    with pytest.raises(SolverInputError, match="edge 2 \\(B-A\\) repeats edge 1"):
        graphs.solve(edges="A-B,B-A", directed=False)
    assert graphs.solve(edges="A-B,B-A", directed=True).out_degree == [1, 1]


def test_edge_to_unknown_node_is_an_error() -> None:
    with pytest.raises(SolverInputError, match="edge 2 \\(B-F\\) names node 'F', which is not in nodes \\(A, B\\)"):
        graphs.solve(edges="A-B,B-F", nodes=["A", "B"])


@pytest.mark.parametrize(
    ("nodes", "message"),
    [
        ("A,,B", "node 2 (''): a node name is empty"),
        (["A", "B", "A"], "node 3 ('A') repeats node 1"),
        ("A,B-C", "may not contain"),
        (3.5, "nodes must be"),
    ],
)
def test_bad_nodes_are_reported_with_position(nodes: object, message: str) -> None:
    with pytest.raises(SolverInputError) as err:
        graphs.parse_nodes(nodes)  # type: ignore[arg-type]
    assert message in str(err.value)


def test_directed_flag_must_be_boolean() -> None:
    with pytest.raises(SolverInputError, match="directed must be true or false"):
        graphs.solve(directed="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("seed", range(20))
def test_random_inputs_are_deterministic_and_solvable(seed: int) -> None:
    inputs = graphs.random_inputs(seed)
    assert inputs == graphs.random_inputs(seed)
    result = graphs.solve(**inputs)
    assert 4 <= len(result.nodes) <= 6
    assert graphs.solve(**result.inputs).matrix == result.matrix


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(alphabet="AB-:,. 1x", max_size=8),
    lambda inner: st.lists(inner, max_size=4),
    max_leaves=8,
)


@settings(max_examples=100, deadline=None)
@given(edges=json_values | st.text(alphabet="ABC-:,. 12x", max_size=12), nodes=json_values)
def test_any_input_is_solved_or_refused_with_an_input_error(edges: object, nodes: object) -> None:
    """Whatever a bank or --input file holds, the user sees a result or one SolverInputError."""
    try:
        graphs.solve(edges=edges, directed=False, nodes=nodes)  # type: ignore[arg-type]
    except SolverInputError as err:
        assert "\n" not in str(err)
