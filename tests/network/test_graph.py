"""The network's measures on small graphs whose answers are known by hand."""

from datetime import date
from itertools import combinations

import pytest

from coaction.network.graph import (
    Facts,
    Weights,
    adamic_adar,
    aggregated,
    brokers,
    build_graph,
    by_year,
    drawing,
    figures,
    layout,
    measure,
    sector_pairs,
)
from coaction.ties.edges import Edge

TODAY = date(2026, 6, 1)
SEEN = date(2026, 1, 1)


def edge(a, b, *, kind="activity", weight=1.0, first=SEEN, last=SEEN):
    return Edge(min(a, b), max(a, b), kind, weight, first, last)


def facts(ids, sector="energy", municipality=None):
    return {node: Facts(sector, municipality) for node in ids}


NO_DECAY = Weights(half_life_years=0)


def graph_of(edges, organisations):
    return build_graph(edges, organisations, today=TODAY, weights=NO_DECAY)


def test_a_star_has_its_centre_between_everybody():
    star = graph_of([edge(0, leaf) for leaf in range(1, 5)], facts(range(5)))
    metrics = measure(star, exact_betweenness_up_to=100)
    centre = metrics.positions[0]
    assert (centre.degree, centre.betweenness, centre.clustering, centre.articulation) == (4, 1.0, 0.0, True)
    assert all(metrics.positions[leaf].betweenness == 0 and not metrics.positions[leaf].articulation for leaf in (1, 4))
    assert max(metrics.positions, key=lambda node: metrics.positions[node].pagerank) == 0
    assert metrics.betweenness_sample is None
    assert brokers(metrics) == [0]


def two_cliques_and_an_isolate():
    left, right = [1, 2, 3, 4], [5, 6, 7, 8]
    edges = [edge(a, b, first=date(2020, 3, 1)) for a, b in combinations(left, 2)]
    edges += [edge(a, b, first=date(2022, 5, 1)) for a, b in combinations(right, 2)]
    edges.append(edge(4, 5, first=date(2022, 9, 1)))
    organisations = {**facts(left, "energy", 1), **facts(right, "municipality", 2), 9: Facts("energy", 1)}
    return graph_of(edges, organisations)


def test_a_bridge_between_two_cliques_is_the_cut_and_the_broker():
    graph = two_cliques_and_an_isolate()
    metrics = measure(graph, exact_betweenness_up_to=100)
    assert sorted(node for node, position in metrics.positions.items() if position.articulation) == [4, 5]
    # 3 × 4 pairs pass through 4, of 8 · 7 / 2 pairs among the other eight nodes
    assert metrics.positions[4].betweenness == pytest.approx(12 / 28, abs=1e-6)
    assert metrics.communities == [[1, 2, 3, 4], [5, 6, 7, 8], [9]]
    assert metrics.positions[9].community == 2 and metrics.positions[9].degree == 0
    assert set(brokers(metrics)) == {4, 5}
    assert metrics.positions[1].clustering == 1.0 and metrics.positions[4].clustering == pytest.approx(3 / 6)


def test_figures_of_two_cliques_and_an_isolate():
    graph = two_cliques_and_an_isolate()
    metrics = measure(graph, exact_betweenness_up_to=100)
    found = figures(graph, metrics.communities)
    assert (found.organisations, found.ties, found.components, found.largest_component) == (9, 13, 2, 8)
    assert found.density == pytest.approx(13 / 36, abs=1e-6)
    assert found.cross_sector_share == pytest.approx(1 / 13, abs=1e-4)
    assert found.cross_municipality_share == pytest.approx(1 / 13, abs=1e-4)
    assert found.sector_ei_index == pytest.approx((1 - 12) / 13, abs=1e-4)
    assert (found.without_tie, found.with_one_tie) == (1, 0)
    assert found.modularity > 0.3


def test_the_network_year_by_year_from_first_seen_dates():
    growth = dict(by_year(two_cliques_and_an_isolate(), until=2023))
    assert list(growth) == [2020, 2021, 2022, 2023]
    assert [growth[year].ties for year in growth] == [6, 6, 13, 13]
    assert growth[2020].without_tie == 5 and growth[2020].components == 6
    assert growth[2022].modularity is None


def test_sampled_betweenness_above_the_limit_is_seeded():
    graph = two_cliques_and_an_isolate()
    first = measure(graph, exact_betweenness_up_to=3, sample=4)
    again = measure(graph, exact_betweenness_up_to=3, sample=4)
    assert first.betweenness_sample == 4
    assert first.positions == again.positions


def test_weights_add_up_kinds_and_halve_with_age():
    edges = [
        edge(1, 2, kind="activity", weight=2.0, last=date(2023, 6, 1)),
        edge(1, 2, kind="partnership", weight=2.0, first=date(2024, 1, 1)),
    ]
    weights = Weights(kind_factors={"partnership": 1.5}, half_life_years=3.0)
    graph = build_graph(edges, facts([1, 2, 3]), today=date(2026, 6, 1), weights=weights)
    data = graph.edges[1, 2]
    three_years = 0.5 ** (((date(2026, 6, 1) - date(2023, 6, 1)).days / 365.25) / 3)
    four_months = 0.5 ** (((date(2026, 6, 1) - SEEN).days / 365.25) / 3)
    assert data["weight"] == pytest.approx(2.0 * three_years + 3.0 * four_months)
    assert data["kinds"] == {"activity", "partnership"}
    assert (data["first_seen"], data["last_seen"]) == (date(2024, 1, 1), SEEN)


def test_edges_to_organisations_not_in_view_are_left_out():
    graph = graph_of([edge(1, 2), edge(2, 3)], facts([1, 2]))
    assert list(graph.edges) == [(1, 2)] and 3 not in graph


def test_an_empty_network_measures_nothing_and_fails_nowhere():
    graph = graph_of([], {})
    metrics = measure(graph, exact_betweenness_up_to=10)
    assert metrics.positions == {} and metrics.communities == []
    assert figures(graph).ties == 0 and by_year(graph, until=2026) == [] and layout(graph) == {}


def test_aggregated_communities_and_sector_pairs():
    graph = two_cliques_and_an_isolate()
    metrics = measure(graph, exact_betweenness_up_to=100)
    summary = aggregated(graph, metrics.communities)
    assert dict(summary.nodes(data="size")) == {0: 4, 1: 4, 2: 1}
    assert list(summary.edges(data="ties")) == [(0, 1, 1)]
    assert sector_pairs(graph) == {
        ("energy", "energy"): 6,
        ("municipality", "municipality"): 6,
        ("energy", "municipality"): 1,
    }


def test_layout_is_seeded_and_within_the_unit_square():
    graph = two_cliques_and_an_isolate()
    first, again = layout(graph), layout(graph)
    assert first == again and set(first) == set(graph)
    assert all(-1.0 <= value <= 1.0 for point in first.values() for value in point)


def test_adamic_adar_counts_partners_with_few_partners_more():
    assert adamic_adar({2: 2, 3: 3, 4: 1}, [2, 3, 4]) == pytest.approx(1 / 0.693147 + 1 / 1.098612, abs=1e-5)


def test_a_small_network_is_drawn_whole_and_a_large_one_by_communities():
    graph = two_cliques_and_an_isolate()
    communities = measure(graph, exact_betweenness_up_to=100).communities
    whole = drawing(graph, communities, drawn_at_most=9)
    assert not whole.aggregated and set(whole.positions) == set(graph)
    by_community = drawing(graph, communities, drawn_at_most=4)
    assert by_community.aggregated
    assert [(c["number"], c["size"]) for c in by_community.communities] == [(0, 4), (1, 4)]
    assert by_community.community_ties == [[0, 1, 1]]
    assert set(by_community.positions) == set(range(1, 9))  # the isolate is in the table, not drawn
