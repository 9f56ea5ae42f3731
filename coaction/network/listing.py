"""Reading a stored snapshot for the pages, the drawing, the exports and the API: filters, sorts and pages in SQL,
so that a page costs the same at 500 organisations and at 50,000."""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import networkx as nx
import sqlalchemy as sa
from sqlalchemy.orm import aliased

from coaction.commitments.models import Commitment, Visibility
from coaction.core.pagination import Page
from coaction.core.spreadsheet import spreadsheet_csv
from coaction.extensions import db
from coaction.members.models import PUBLIC_STATUSES, Organisation, Sector
from coaction.network.models import NetworkEdge, NetworkNode, NetworkSnapshot
from coaction.regions.models import Municipality

PER_PAGE = 50
DRAWN_TIES_AT_MOST = 20_000  # the strongest; a browser draws more only slowly
# Okabe–Ito and Paul Tol's muted scheme: distinguishable with the common colour-vision deficiencies. Colour is never
# the only carrier: the table beside the drawing says the same in words.
PALETTE = (
    "#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#f0e442", "#332288",
    "#117733", "#882255", "#44aa99", "#999933",
)  # fmt: skip
SECTOR_COLOURS = {sector.value: PALETTE[index % len(PALETTE)] for index, sector in enumerate(Sector)}
SORTS = {
    "name": (Organisation.name_key.asc(),),
    "degree": (NetworkNode.degree.desc(), NetworkNode.weighted_degree.desc()),
    "weighted_degree": (NetworkNode.weighted_degree.desc(),),
    "betweenness": (NetworkNode.betweenness.desc(),),
    "pagerank": (NetworkNode.pagerank.desc(),),
    "clustering": (NetworkNode.clustering.desc(),),
    "community": (NetworkNode.community.asc(), NetworkNode.degree.desc()),
}


def community_colour(number: int) -> str:
    return PALETTE[number % len(PALETTE)]


def _whole(value: str | None) -> int | None | bool:
    """An id from the query string; False for what is not one (an unknown value gives an empty result)."""
    if value in (None, ""):
        return None
    return int(value) if value.isdigit() and len(value) < 10 else False


@dataclass(frozen=True)
class Filters:
    sector: str | None = None
    municipality: int | None = None
    focus: int | None = None
    year: int | None = None
    community: int | None = None
    q: str = ""
    unknown: bool = False  # a value that matches nothing: the result is empty, and says so

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> Filters:
        sector = (args.get("sector") or "").strip() or None
        numbers = {name: _whole(args.get(name)) for name in ("municipality", "focus", "year", "community")}
        unknown = (sector is not None and sector not in {s.value for s in Sector}) or False in numbers.values()
        return cls(
            sector=sector,
            q=(args.get("q") or "").strip()[:100],
            unknown=unknown,
            **{name: value if value is not False else None for name, value in numbers.items()},
        )

    def as_args(self) -> dict[str, str]:
        values = {name: getattr(self, name) for name in ("sector", "municipality", "focus", "year", "community", "q")}
        return {name: str(value) for name, value in values.items() if value not in (None, "")}


def _active_in(edge, year: int):
    return sa.and_(edge.first_seen <= date(year, 12, 31), edge.last_seen >= date(year, 1, 1))


def _matching(snapshot: NetworkSnapshot, filters: Filters) -> list:
    """The WHERE clauses of the organisations the filters keep (NetworkNode joined with Organisation)."""
    if filters.unknown:
        return [sa.false()]
    clauses = [NetworkNode.snapshot_id == snapshot.id]
    if filters.sector:
        clauses.append(Organisation.sector == filters.sector)
    if filters.municipality is not None:
        clauses.append(Organisation.municipality_id == filters.municipality)
    if filters.community is not None:
        clauses.append(NetworkNode.community == filters.community)
    if filters.q:
        escaped = filters.q.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append(Organisation.name_key.like(f"%{escaped}%", escape="\\"))
    if filters.focus is not None:
        working_on = sa.select(Commitment.organisation_id).where(
            Commitment.focus_area_id == filters.focus,
            Commitment.visibility == Visibility.PUBLIC,
            Commitment.withdrawn_at.is_(None),
        )
        clauses.append(NetworkNode.organisation_id.in_(working_on))
    if filters.year is not None:
        clauses.append(NetworkNode.active_years.contains(f",{filters.year},"))
    return clauses


def matching_ids(snapshot: NetworkSnapshot, filters: Filters):
    return sa.select(NetworkNode.organisation_id).join(Organisation).where(*_matching(snapshot, filters))


def _page(query, count_query, page: int, per_page: int) -> Page:
    """Like core.pagination.paginate, for rows of several columns, counted by a query of its own."""
    total = db.session.scalar(count_query) or 0
    page = min(max(1, page), max(1, -(-total // per_page)))
    return Page(list(db.session.execute(query.limit(per_page).offset((page - 1) * per_page))), page, per_page, total)


def organisations_page(
    snapshot: NetworkSnapshot, filters: Filters, *, sort: str = "degree", page: int = 1, per_page: int = PER_PAGE
) -> Page:
    """(NetworkNode, Organisation, municipality name) rows."""
    clauses = _matching(snapshot, filters)
    query = (
        sa.select(NetworkNode, Organisation, Municipality.name)
        .join(Organisation, NetworkNode.organisation_id == Organisation.id)
        .outerjoin(Municipality, Organisation.municipality_id == Municipality.id)
        .where(*clauses)
        .order_by(*SORTS.get(sort, SORTS["degree"]), Organisation.id)
    )
    count = sa.select(sa.func.count()).select_from(NetworkNode).join(Organisation).where(*clauses)
    return _page(query, count, page, per_page)


def ties_page(snapshot: NetworkSnapshot, filters: Filters, *, page: int = 1, per_page: int = PER_PAGE) -> Page:
    """(NetworkEdge, name of a, slug of a, public a, name of b, slug of b, public b) rows of the ties with at least
    one end that the filters keep, active in the filter's year if it has one; strongest first."""
    one, other = aliased(Organisation), aliased(Organisation)
    kept = matching_ids(snapshot, filters)
    clauses = [
        NetworkEdge.snapshot_id == snapshot.id,
        sa.or_(NetworkEdge.a_id.in_(kept), NetworkEdge.b_id.in_(kept)) if _narrowed(filters) else sa.true(),
    ]
    if filters.unknown:
        clauses.append(sa.false())
    if filters.year is not None:
        clauses.append(_active_in(NetworkEdge, filters.year))
    query = (
        sa.select(
            NetworkEdge,
            one.name,
            one.slug,
            one.status.in_(PUBLIC_STATUSES),
            other.name,
            other.slug,
            other.status.in_(PUBLIC_STATUSES),
        )
        .join(one, NetworkEdge.a_id == one.id)
        .join(other, NetworkEdge.b_id == other.id)
        .where(*clauses)
        .order_by(NetworkEdge.weight.desc(), NetworkEdge.a_id.desc(), NetworkEdge.b_id.desc())
    )
    count = sa.select(sa.func.count()).select_from(NetworkEdge).where(*clauses)
    return _page(query, count, page, per_page)


def _narrowed(filters: Filters) -> bool:
    return any(value not in (None, "") for name, value in filters.as_args().items() if name != "year")


def ties_of(snapshot: NetworkSnapshot, organisation_id: int) -> list:
    """(NetworkEdge, partner) of one organisation, strongest first."""
    partner = aliased(Organisation)
    query = (
        sa.select(NetworkEdge, partner)
        .join(
            partner,
            sa.case((NetworkEdge.a_id == organisation_id, NetworkEdge.b_id), else_=NetworkEdge.a_id) == partner.id,
        )
        .where(
            NetworkEdge.snapshot_id == snapshot.id,
            sa.or_(NetworkEdge.a_id == organisation_id, NetworkEdge.b_id == organisation_id),
        )
        .order_by(NetworkEdge.weight.desc())
    )
    return list(db.session.execute(query))


def position_of(snapshot: NetworkSnapshot, organisation_id: int) -> NetworkNode | None:
    return db.session.get(NetworkNode, (snapshot.id, organisation_id))


def community_members(snapshot: NetworkSnapshot, number: int, limit: int = 12) -> list[Organisation]:
    query = (
        sa.select(Organisation)
        .join(NetworkNode, NetworkNode.organisation_id == Organisation.id)
        .where(NetworkNode.snapshot_id == snapshot.id, NetworkNode.community == number)
        .order_by(NetworkNode.degree.desc(), Organisation.name_key)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def ranked(snapshot: NetworkSnapshot, clause, order, limit: int = 20) -> list:
    """(NetworkNode, Organisation) of the snapshot's members matching `clause`, in `order`."""
    query = (
        sa.select(NetworkNode, Organisation)
        .join(Organisation, NetworkNode.organisation_id == Organisation.id)
        .where(NetworkNode.snapshot_id == snapshot.id, Organisation.status.in_(PUBLIC_STATUSES), clause)
        .order_by(*order, Organisation.name_key)
        .limit(limit)
    )
    return list(db.session.execute(query))


# --- the drawing --------------------------------------------------------------------------------------------------


def _node_json(node: NetworkNode, organisation: Organisation, url_for_member) -> dict:
    shown = {
        "id": str(organisation.id),
        "label": organisation.name,
        "size": node.degree,
        "x": node.x,
        "y": node.y,
        "colours": {"sector": SECTOR_COLOURS[organisation.sector], "community": community_colour(node.community)},
    }
    if organisation.status in PUBLIC_STATUSES:
        shown["url"] = url_for_member(organisation.slug)
    return shown


def drawing_data(snapshot: NetworkSnapshot, filters: Filters, *, url_for_member, url_for_community) -> dict:
    """The drawing's nodes and edges (the contract of static/js/network-drawing.js): every organisation the
    filters keep, or above the drawing's limit (and without a community chosen) the communities."""
    if snapshot.aggregated and filters.community is None:
        return _aggregated_data(snapshot, filters, url_for_community)
    kept = matching_ids(snapshot, filters).where(NetworkNode.x.is_not(None))
    rows = db.session.execute(
        sa.select(NetworkNode, Organisation)
        .join(Organisation, NetworkNode.organisation_id == Organisation.id)
        .where(NetworkNode.snapshot_id == snapshot.id, NetworkNode.organisation_id.in_(kept))
    )
    nodes = [_node_json(node, organisation, url_for_member) for node, organisation in rows]
    edges = db.session.execute(
        sa.select(NetworkEdge.a_id, NetworkEdge.b_id, NetworkEdge.weight)
        .where(NetworkEdge.snapshot_id == snapshot.id, NetworkEdge.a_id.in_(kept), NetworkEdge.b_id.in_(kept))
        .order_by(NetworkEdge.weight.desc())
        .limit(DRAWN_TIES_AT_MOST)
    )
    return {
        "aggregated": False,
        "nodes": nodes,
        "edges": [{"source": str(a), "target": str(b), "weight": weight} for a, b, weight in edges],
    }


def _aggregated_data(snapshot: NetworkSnapshot, filters: Filters, url_for_community) -> dict:
    counts = dict(
        db.session.execute(
            sa.select(NetworkNode.community, sa.func.count())
            .join(Organisation, NetworkNode.organisation_id == Organisation.id)
            .where(*_matching(snapshot, filters))
            .group_by(NetworkNode.community)
        ).all()
    )
    shown = [community for community in snapshot.communities if counts.get(community["number"])]
    numbers = {community["number"] for community in shown}
    return {
        "aggregated": True,
        "nodes": [
            {
                "id": f"c{community['number']}",
                "label": str(community["number"] + 1),
                "size": counts[community["number"]],
                "x": community["x"],
                "y": community["y"],
                "drill": url_for_community(community["number"]),
                "colours": {"sector": "#767676", "community": community_colour(community["number"])},
            }
            for community in shown
        ],
        "edges": [
            {"source": f"c{a}", "target": f"c{b}", "weight": ties}
            for a, b, ties in snapshot.community_ties
            if a in numbers and b in numbers
        ],
    }


# --- exports ------------------------------------------------------------------------------------------------------

EXPORTS = {
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "csv": ("text/csv", "csv"),
    "json": ("application/json", "json"),
}


def export_graph(snapshot: NetworkSnapshot) -> nx.Graph:
    """The snapshot as a graph with its attributes; no attribute is None or empty (GraphML and GEXF refuse them)."""
    graph = nx.Graph()
    rows = db.session.execute(
        sa.select(NetworkNode, Organisation, Municipality.name)
        .join(Organisation, NetworkNode.organisation_id == Organisation.id)
        .outerjoin(Municipality, Organisation.municipality_id == Municipality.id)
        .where(NetworkNode.snapshot_id == snapshot.id)
        .order_by(Organisation.id)
    )
    for node, organisation, municipality in rows:
        attributes = {
            "name": organisation.name,
            "slug": organisation.slug,
            "sector": str(organisation.sector),
            "municipality": municipality,
            "member": organisation.status in PUBLIC_STATUSES,
            "community": node.community,
            "degree": node.degree,
            "weighted_degree": node.weighted_degree,
            "betweenness": node.betweenness,
            "pagerank": node.pagerank,
            "clustering": node.clustering,
            "articulation": node.articulation,
        }
        graph.add_node(organisation.id, **{key: value for key, value in attributes.items() if value not in (None, "")})
    edges = db.session.scalars(
        sa.select(NetworkEdge)
        .where(NetworkEdge.snapshot_id == snapshot.id)
        .order_by(NetworkEdge.a_id, NetworkEdge.b_id)
    )
    for edge in edges:
        graph.add_edge(
            edge.a_id,
            edge.b_id,
            weight=edge.weight,
            kinds=edge.kinds,
            first_seen=edge.first_seen.isoformat(),
            last_seen=edge.last_seen.isoformat(),
        )
    return graph


def export_bytes(snapshot: NetworkSnapshot, fmt: str) -> bytes:
    graph = export_graph(snapshot)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(graph)).encode()
    if fmt == "gexf":
        buffer = io.BytesIO()
        nx.write_gexf(graph, buffer)
        return buffer.getvalue()
    if fmt == "json":
        data = nx.node_link_data(graph, edges="edges")
        return json.dumps({"computed_at": snapshot.computed_at.isoformat(), **data}, ensure_ascii=False).encode()
    names = dict(graph.nodes(data="name"))
    header = ["a_id", "a_name", "b_id", "b_name", "weight", "kinds", "first_seen", "last_seen"]
    rows = (
        [a, names[a], b, names[b], data["weight"], data["kinds"], data["first_seen"], data["last_seen"]]
        for a, b, data in graph.edges(data=True)
    )
    return spreadsheet_csv(header, rows)
