"""Partner suggestions for one organisation: a transparent score over what the viewer may see. Pure: the service
gathers the facts (each already cut to what the viewer may see) and turns the reasons into words.

The score adds up, each part shown with the suggestion:
- structure: each common partner counts COMMON, and the Adamic–Adar index (common partners with few partners of
  their own count more) counts ADAMIC_ADAR;
- complementarity: each commitment category both work on counts CATEGORY, each commute corridor both share counts
  CORRIDOR, the same municipality counts MUNICIPALITY, and two sectors that already work together elsewhere in the
  network count SECTORS times the share of all ties that join them (only from SECTOR_TIES_AT_LEAST such ties)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from coaction.network.graph import adamic_adar

COMMON = 1.0
ADAMIC_ADAR = 1.0
CATEGORY = 1.5
CORRIDOR = 1.0
MUNICIPALITY = 0.5
SECTORS = 4.0
SECTOR_TIES_AT_LEAST = 3


@dataclass(frozen=True)
class Profile:
    """An organisation as the viewer may see it."""

    sector: str
    municipality: int | None = None
    categories: frozenset[str] = frozenset()
    corridors: frozenset[tuple[int, int]] = frozenset()  # (home, workplace) municipalities


@dataclass(frozen=True)
class Suggestion:
    organisation: int
    score: float
    parts: dict[str, float]
    common_partners: list[int] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    corridors: list[tuple[int, int]] = field(default_factory=list)
    same_municipality: bool = False
    sector_ties: int = 0  # ties in the network between the two sectors, when they count


def suggest(
    viewer: int,
    profiles: Mapping[int, Profile],
    *,
    partners: Collection[int],
    partners_of: Mapping[int, Collection[int]],
    degrees: Mapping[int, int],
    sector_pairs: Counter,
    excluded: Collection[int] = (),
    limit: int = 10,
) -> list[Suggestion]:
    """`profiles`: the viewer's and every candidate's (the two-step neighbourhood and the complementary ones);
    `partners`: the viewer's own partners; `partners_of`: each of them's partners; `degrees`: partners per
    organisation; `sector_pairs`: ties per sorted pair of sectors. Nobody already a partner, in `excluded` or the
    viewer is suggested; a candidate with nothing in common scores 0 and is left out."""
    own = profiles[viewer]
    common: dict[int, list[int]] = {}
    for partner in partners:
        for candidate in partners_of.get(partner, ()):
            common.setdefault(candidate, []).append(partner)
    skip = {viewer, *partners, *excluded}
    all_ties = sum(sector_pairs.values())
    found = []
    for candidate, profile in profiles.items():
        if candidate in skip:
            continue
        shared = sorted(common.get(candidate, ()))
        categories = sorted(own.categories & profile.categories)
        corridors = sorted(own.corridors & profile.corridors)
        same_place = own.municipality is not None and own.municipality == profile.municipality
        sector_ties = sector_pairs.get(tuple(sorted((own.sector, profile.sector))), 0)
        if sector_ties < SECTOR_TIES_AT_LEAST or own.sector == profile.sector:
            sector_ties = 0
        parts = {
            "common_partners": COMMON * len(shared),
            "adamic_adar": ADAMIC_ADAR * adamic_adar(degrees, shared),
            "categories": CATEGORY * len(categories),
            "corridors": CORRIDOR * len(corridors),
            "municipality": MUNICIPALITY if same_place else 0.0,
            "sectors": SECTORS * sector_ties / all_ties if all_ties else 0.0,
        }
        parts = {name: round(value, 3) for name, value in parts.items() if value}
        # The same municipality or sectors alone say too little to be worth somebody's time.
        if not (shared or categories or corridors):
            continue
        found.append(
            Suggestion(
                candidate,
                round(sum(parts.values()), 3),
                parts,
                shared,
                categories,
                corridors,
                same_place,
                sector_ties,
            )
        )
    found.sort(key=lambda suggestion: (-suggestion.score, suggestion.organisation))
    return found[:limit]
