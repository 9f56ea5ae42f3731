"""The collaboration network as a weighted networkx graph, and what is measured on it. Pure: plain edges and plain
facts about the organisations in, plain values out; no database here (the job in services.py reads and stores).

Weights: each edge of `ties.edges` already carries its kind's and roles' weight; here every kind is multiplied by
its factor and by a recency factor that halves every `half_life_years` since the pair last worked together, and a
pair's kinds add up to one weighted edge."""

from __future__ import annotations

import math
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import networkx as nx

from coaction.ties.edges import Edge

SEED = 20210114  # the day the priorities were decided: any fixed number makes the same network give the same answer


@dataclass(frozen=True)
class Weights:
    kind_factors: Mapping[str, float] = field(default_factory=dict)  # a kind not named counts 1
    half_life_years: float = 3.0


@dataclass(frozen=True)
class Facts:
    """What the graph needs to know of an organisation."""

    sector: str
    municipality: int | None = None
    member: bool = True


def build_graph(
    edges: Iterable[Edge], organisations: Mapping[int, Facts], *, today: date, weights: Weights
) -> nx.Graph:
    """Every organisation in `organisations` is a node (those without a tie too); edges to anyone else are left out."""
    graph = nx.Graph()
    for organisation_id, facts in organisations.items():
        graph.add_node(organisation_id, sector=facts.sector, municipality=facts.municipality, member=facts.member)
    for edge in edges:
        if edge.a not in organisations or edge.b not in organisations:
            continue
        years_since = max(0, (today - edge.last_seen).days) / 365.25
        recency = 0.5 ** (years_since / weights.half_life_years) if weights.half_life_years > 0 else 1.0
        weight = edge.weight * weights.kind_factors.get(edge.kind, 1.0) * recency
        known = graph.get_edge_data(edge.a, edge.b)
        if known is None:
            graph.add_edge(
                edge.a, edge.b, weight=weight, kinds={edge.kind}, first_seen=edge.first_seen, last_seen=edge.last_seen
            )
        else:
            known["weight"] += weight
            known["kinds"].add(edge.kind)
            known["first_seen"] = min(known["first_seen"], edge.first_seen)
            known["last_seen"] = max(known["last_seen"], edge.last_seen)
    return graph


@dataclass(frozen=True)
class Position:
    """One organisation's place in the network."""

    degree: int
    weighted_degree: float
    betweenness: float
    pagerank: float
    clustering: float
    community: int
    articulation: bool


@dataclass(frozen=True)
class Metrics:
    positions: dict[int, Position]
    communities: list[list[int]]  # largest first; community numbers are indexes into this list
    betweenness_sample: int | None  # None: exact; else the number of sampled sources (seeded)
    seconds: dict[str, float] = field(default_factory=dict)  # per measure, for the benchmark


def communities_of(graph: nx.Graph) -> list[list[int]]:
    """Louvain with a fixed seed, largest community first, each sorted; an organisation without ties is alone."""
    found = nx.community.louvain_communities(graph, weight="weight", seed=SEED) if graph.number_of_nodes() else []
    return sorted((sorted(members) for members in found), key=lambda members: (-len(members), members[0]))


def measure(graph: nx.Graph, *, exact_betweenness_up_to: int, sample: int = 200) -> Metrics:
    """Betweenness is exact up to `exact_betweenness_up_to` nodes and sampled from `sample` seeded sources above
    (exact betweenness is cubic: hours at 50,000 organisations)."""
    nodes = graph.number_of_nodes()
    sampled = sample if nodes > exact_betweenness_up_to and sample < nodes else None
    seconds: dict[str, float] = {}

    def timed(name: str, compute):
        started = time.perf_counter()
        result = compute()
        seconds[name] = round(time.perf_counter() - started, 3)
        return result

    betweenness = timed(
        "betweenness", lambda: nx.betweenness_centrality(graph, k=sampled, seed=SEED if sampled else None)
    )
    has_edges = graph.number_of_edges() > 0
    pagerank = timed(
        "pagerank", lambda: nx.pagerank(graph, weight="weight") if has_edges else dict.fromkeys(graph, 0.0)
    )
    clustering = timed("clustering", lambda: nx.clustering(graph))
    articulation = timed("articulation", lambda: set(nx.articulation_points(graph)))
    communities = timed("louvain", lambda: communities_of(graph))
    community_of = {member: number for number, members in enumerate(communities) for member in members}
    strength = dict(graph.degree(weight="weight"))
    positions = {
        node: Position(
            degree=degree,
            weighted_degree=round(strength[node], 4),
            betweenness=round(betweenness.get(node, 0.0), 6),
            pagerank=round(pagerank.get(node, 0.0), 6),
            clustering=round(clustering[node], 4),
            community=community_of[node],
            articulation=node in articulation,
        )
        for node, degree in graph.degree()
    }
    return Metrics(positions, communities, sampled, seconds)


@dataclass(frozen=True)
class Figures:
    """The network as a whole."""

    organisations: int
    ties: int
    density: float
    components: int
    largest_component: int
    modularity: float | None
    cross_sector_share: float | None  # of ties joining two sectors
    cross_municipality_share: float | None  # of ties whose both ends have a municipality
    sector_ei_index: float | None  # (external - internal) / all, by sector: -1 all within, +1 all across
    without_tie: int  # members
    with_one_tie: int  # members

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def figures(graph: nx.Graph, communities: list[list[int]] | None = None) -> Figures:
    nodes = graph.nodes
    across_sectors = sum(1 for a, b in graph.edges if nodes[a]["sector"] != nodes[b]["sector"])
    placed = [(nodes[a]["municipality"], nodes[b]["municipality"]) for a, b in graph.edges]
    placed = [pair for pair in placed if None not in pair]
    edges = graph.number_of_edges()
    components = [len(part) for part in nx.connected_components(graph)] if graph.number_of_nodes() else []
    members = [node for node, member in graph.nodes(data="member") if member]
    return Figures(
        organisations=graph.number_of_nodes(),
        ties=edges,
        density=round(nx.density(graph), 6) if graph.number_of_nodes() > 1 else 0.0,
        components=len(components),
        largest_component=max(components, default=0),
        modularity=round(nx.community.modularity(graph, communities, weight="weight"), 4)
        if communities and edges
        else None,
        cross_sector_share=_share(across_sectors, edges),
        cross_municipality_share=_share(sum(1 for one, other in placed if one != other), len(placed)),
        sector_ei_index=round((across_sectors - (edges - across_sectors)) / edges, 4) if edges else None,
        without_tie=sum(1 for node in members if graph.degree(node) == 0),
        with_one_tie=sum(1 for node in members if graph.degree(node) == 1),
    )


def by_year(graph: nx.Graph, *, until: int) -> list[tuple[int, Figures]]:
    """The network as it stood at the end of each year, from the first year a tie was first seen up to `until`:
    the ties first seen by then (modularity left out: a Louvain run per year is not worth its time)."""
    in_order = sorted(graph.edges(data="first_seen"), key=lambda edge: edge[2])
    if not in_order:
        return []
    then = nx.Graph()
    then.add_nodes_from(graph.nodes(data=True))
    growth, added = [], 0
    for year in range(in_order[0][2].year, until + 1):
        while added < len(in_order) and in_order[added][2].year <= year:
            then.add_edge(in_order[added][0], in_order[added][1])
            added += 1
        growth.append((year, figures(then)))
    return growth


def brokers(metrics: Metrics, count: int = 10) -> list[int]:
    """The organisations most often on the shortest path between two others, cut points first among equals."""
    ranked = sorted(
        (node for node, position in metrics.positions.items() if position.betweenness > 0),
        key=lambda node: (-metrics.positions[node].betweenness, not metrics.positions[node].articulation, node),
    )
    return ranked[:count]


# --- the drawing --------------------------------------------------------------------------------------------------


def layout(graph: nx.Graph) -> dict[int, tuple[float, float]]:
    """Seeded force layout in [-1, 1]; quadratic per iteration, so the job lays out at most DRAWN_AT_MOST nodes."""
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_nodes() == 1:
        return {next(iter(graph)): (0.0, 0.0)}
    placed = nx.spring_layout(graph, weight=None, seed=SEED, iterations=50)
    return {node: (round(float(x), 4), round(float(y), 4)) for node, (x, y) in placed.items()}


def aggregated(graph: nx.Graph, communities: list[list[int]]) -> nx.Graph:
    """One node per community (its size), one edge per pair of communities (the ties between them, and their
    weight summed)."""
    community_of = {member: number for number, members in enumerate(communities) for member in members}
    summary = nx.Graph()
    for number, members in enumerate(communities):
        summary.add_node(number, size=len(members))
    between: dict[tuple[int, int], list[float]] = defaultdict(lambda: [0, 0.0])
    for a, b, weight in graph.edges(data="weight"):
        one, other = community_of[a], community_of[b]
        if one != other:
            key = (min(one, other), max(one, other))
            between[key][0] += 1
            between[key][1] += weight
    for (one, other), (ties, weight) in between.items():
        summary.add_edge(one, other, ties=ties, weight=weight)
    return summary


def sector_pairs(graph: nx.Graph) -> Counter:
    """How many ties join each pair of sectors (a sorted pair; the same sector twice for ties within one)."""
    nodes = graph.nodes
    return Counter(tuple(sorted((nodes[a]["sector"], nodes[b]["sector"]))) for a, b in graph.edges)


def adamic_adar(degrees: Mapping[int, int], common: Iterable[int]) -> float:
    """Common partners count more the fewer partners they have (a hub everybody shares tells little)."""
    return sum(1 / math.log(degrees[node]) for node in common if degrees.get(node, 0) > 1)


@dataclass(frozen=True)
class Drawing:
    """Where each organisation is drawn: in the whole network, or (aggregated) within its community, the
    communities of two or more then drawn as one node each."""

    aggregated: bool
    positions: dict[int, tuple[float, float]]
    communities: list[dict]  # aggregated: [{"number", "size", "x", "y"}]
    community_ties: list[list[int]]  # aggregated: [[community, community, ties]]


NOT_DRAWN = Drawing(False, {}, [], [])  # the office's network is read in tables only


def drawing(graph: nx.Graph, communities: list[list[int]], *, drawn_at_most: int) -> Drawing:
    """Above `drawn_at_most` organisations a drawing of all is a hairball and its layout too slow: the
    communities are laid out as nodes, and each community small enough on its own for its drill-down."""
    if graph.number_of_nodes() <= drawn_at_most:
        return Drawing(False, layout(graph), [], [])
    shown = [number for number, members in enumerate(communities) if len(members) > 1][:drawn_at_most]
    summary = aggregated(graph, communities).subgraph(shown)
    places = layout(summary)
    positions: dict[int, tuple[float, float]] = {}
    for number in shown:
        if len(communities[number]) <= drawn_at_most:
            positions.update(layout(graph.subgraph(communities[number])))
    return Drawing(
        True,
        positions,
        [{"number": n, "size": len(communities[n]), "x": places[n][0], "y": places[n][1]} for n in shown],
        [[a, b, ties] for a, b, ties in summary.edges(data="ties")],
    )
