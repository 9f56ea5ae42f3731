from __future__ import annotations

from flask_babel import lazy_gettext as _l

from coaction.network.models import IntroductionState
from coaction.ties.labels import KIND_LABELS

EDGE_KIND_LABELS = {
    "activity": _l("shared activities"),
    "working_group": _l("the same working group"),
    **{kind.value: label for kind, label in KIND_LABELS.items()},
}


def edge_kind_names() -> dict[str, str]:
    """The labels in the page's language, looked up once for a table of many ties."""
    return {kind: str(label).lower() for kind, label in EDGE_KIND_LABELS.items()}


def edge_kinds(kinds: str, names: dict[str, str]) -> str:
    """The kinds of a tie ("activity,partnership") in words."""
    return ", ".join(names.get(kind, kind) for kind in kinds.split(",") if kind)


INTRODUCTION_STATE_LABELS = {
    IntroductionState.REQUESTED: _l("waiting for an answer"),
    IntroductionState.ACCEPTED: _l("accepted"),
    IntroductionState.DECLINED: _l("declined"),
}
SCORE_PART_LABELS = {
    "common_partners": _l("Common partners"),
    "adamic_adar": _l("Common partners with few partners of their own (Adamic–Adar)"),
    "categories": _l("Commitments in the same category"),
    "corridors": _l("Shared commute corridors"),
    "municipality": _l("The same municipality"),
    "sectors": _l("Sectors that work together elsewhere"),
}
