"""Collaboration edges as plain values, from plain rows (no database here): what the network feature builds its
graph from. One edge per pair of organisations and kind of tie:

- "activity": the pair took part in the same activities; each shared activity adds the mean of the two roles'
  weights (a lead counts more than a funder) times a length factor (1 plus the years it ran, at most 3 more);
- "working_group": people of both sat in the same group at the same time; each group adds 1 per year of overlap
  (at least 1);
- a tie's kind ("partnership", ...): an explicit, confirmed tie, weighted by its kind.

Organisations in an edge are ordered (a < b), so each pair appears once per kind."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from itertools import combinations
from typing import NamedTuple

ROLE_WEIGHTS = {"lead": 1.5, "partner": 1.0, "funder": 0.75, "expert": 0.75}
TIE_WEIGHTS = {"partnership": 2.0, "research": 1.5, "funding": 1.5, "supplier": 1.0, "other": 1.0}
MAX_EXTRA_YEARS = 3.0


class Edge(NamedTuple):
    a: int
    b: int
    kind: str
    weight: float
    first_seen: date
    last_seen: date


class _Pairs:
    """Adds up contributions per (a, b, kind): [weight, first seen, last seen]."""

    def __init__(self):
        self.found: dict[tuple[int, int, str], list] = {}

    def add(self, one: int, other: int, kind: str, weight: float, first: date, last: date) -> None:
        key = (one, other, kind) if one < other else (other, one, kind)
        known = self.found.get(key)
        if known is None:
            self.found[key] = [weight, first, last]
            return
        known[0] += weight
        if first < known[1]:
            known[1] = first
        if last > known[2]:
            known[2] = last

    def edges(self) -> list[Edge]:
        """In the order first met (deterministic for the same rows): sorting 100,000s of edges buys nothing."""
        return [Edge(a, b, kind, *values) for (a, b, kind), values in self.found.items()]


def _years(first: date, last: date) -> float:
    return max(0, (last - first).days) / 365.25


def collaboration_edges(
    participations: Iterable[tuple[int, int, str, date, date | None]],
    memberships: Iterable[tuple[int, int, date, date | None]],
    ties: Iterable[tuple[int, int, str, date, date | None]],
    *,
    today: date,
    role_weights: Mapping[str, float] = ROLE_WEIGHTS,
    tie_weights: Mapping[str, float] = TIE_WEIGHTS,
) -> list[Edge]:
    """`participations`: (activity, organisation, role, starts_on, ends_on) of organisations taking part;
    `memberships`: (group, organisation, starts_on, ends_on) of people in groups, by their organisation;
    `ties`: (organisation, partner, kind, starts_on, ends_on) of confirmed ties. Open ends run to `today`."""
    pairs = _Pairs()
    activities: dict[int, list[tuple[int, str]]] = defaultdict(list)
    spans: dict[int, tuple[date, date]] = {}
    for activity_id, organisation_id, role, starts_on, ends_on in participations:
        activities[activity_id].append((organisation_id, role))
        spans[activity_id] = (starts_on, ends_on or starts_on)
    for activity_id, taking_part in activities.items():
        first, last = spans[activity_id]
        length = 1 + min(_years(first, last), MAX_EXTRA_YEARS)
        for (one, one_role), (other, other_role) in combinations(dict(taking_part).items(), 2):
            weight = (role_weights.get(one_role, 1.0) + role_weights.get(other_role, 1.0)) / 2 * length
            pairs.add(one, other, "activity", weight, first, last)

    groups: dict[int, list[tuple[int, date, date]]] = defaultdict(list)
    for group_id, organisation_id, starts_on, ends_on in memberships:
        groups[group_id].append((organisation_id, starts_on, ends_on or today))
    for seats in groups.values():
        together: dict[tuple[int, int], tuple[date, date]] = {}
        for (one, one_from, one_to), (other, other_from, other_to) in combinations(seats, 2):
            first, last = max(one_from, other_from), min(one_to, other_to)
            if one == other or last < first:
                continue
            key = (min(one, other), max(one, other))
            known = together.get(key)
            together[key] = (min(first, known[0]), max(last, known[1])) if known else (first, last)
        for (one, other), (first, last) in together.items():
            pairs.add(one, other, "working_group", max(1.0, _years(first, last)), first, last)

    for one, other, kind, starts_on, ends_on in ties:
        if one != other:
            pairs.add(one, other, kind, tie_weights.get(kind, 1.0), starts_on, ends_on or today)
    return pairs.edges()
